"""Request schemas of the server actions (api-ref "Servers - run an action").

Bodies of actions that take no argument are ``{"<action>": null}``; upstream
does not check their value, and neither do these schemas.
"""


#: reboot: type SOFT or HARD, in any of upstream's spellings.
reboot = {
    "type": "object",
    "properties": {
        "reboot": {
            "type": "object",
            "properties": {
                "type": {"type": "string",
                         "enum": ["HARD", "Hard", "hard", "SOFT", "Soft", "soft"]},
            },
            "required": ["type"],
            "additionalProperties": False,
        },
    },
    "required": ["reboot"],
    "additionalProperties": False,
}

#: lock before 2.73: no argument.
lock = {
    "type": "object",
    "properties": {"lock": {}},
    "required": ["lock"],
    "additionalProperties": False,
}

#: lock from 2.73: null, or an object with locked_reason (1-255 characters).
lock_v273 = {
    "type": "object",
    "properties": {
        "lock": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "locked_reason": {"type": "string", "minLength": 1,
                                          "maxLength": 255},
                    },
                    "additionalProperties": False,
                },
            ],
        },
    },
    "required": ["lock"],
    "additionalProperties": False,
}

#: os-resetState: state "active" or "error".
reset_state = {
    "type": "object",
    "properties": {
        "os-resetState": {
            "type": "object",
            "properties": {"state": {"type": "string", "enum": ["active", "error"]}},
            "required": ["state"],
            "additionalProperties": False,
        },
    },
    "required": ["os-resetState"],
    "additionalProperties": False,
}


#: rescue: null, or an object with adminPass and rescue_image_ref.
rescue = {
    "type": "object",
    "properties": {
        "rescue": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "adminPass": {"type": "string"},
                        "rescue_image_ref": {"type": "string", "format": "uuid"},
                    },
                    "additionalProperties": False,
                },
            ],
        },
    },
    "required": ["rescue"],
    "additionalProperties": False,
}

#: changePassword: adminPass, required.
change_password = {
    "type": "object",
    "properties": {
        "changePassword": {
            "type": "object",
            "properties": {"adminPass": {"type": "string"}},
            "required": ["adminPass"],
            "additionalProperties": False,
        },
    },
    "required": ["changePassword"],
    "additionalProperties": False,
}


def no_argument(key):
    """Return the schema of an action ``key`` whose value is not looked at."""
    return {
        "type": "object",
        "properties": {key: {}},
        "required": [key],
        "additionalProperties": False,
    }
