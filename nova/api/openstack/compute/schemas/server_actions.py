"""Request schemas of the server actions (api-ref "Servers - run an action").

Bodies of actions that take no argument are ``{"<action>": null}``; upstream
does not check their value, and neither do these schemas.
"""

from nova.api.validation import parameter_types

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


def _action(key, body, required=()):
    """The schema of an action ``key`` whose value is the object ``body``."""
    return {
        "type": "object",
        "properties": {
            key: {"type": "object", "properties": body,
                  "required": list(required), "additionalProperties": False},
        },
        "required": [key],
        "additionalProperties": False,
    }


_personality = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"path": {"type": "string"}, "contents": {"type": "string"}},
        "additionalProperties": False,
    },
}

_rebuild_base = {
    "name": parameter_types.name,
    "imageRef": parameter_types.image_ref,
    "adminPass": parameter_types.admin_password,
    "metadata": parameter_types.metadata,
    "preserve_ephemeral": parameter_types.boolean,
    "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
    "accessIPv4": parameter_types.ipv4,
    "accessIPv6": parameter_types.ipv6,
    "personality": _personality,
}
_rebuild_v219 = dict(_rebuild_base, description=parameter_types.description)
_rebuild_v254 = dict(_rebuild_v219, key_name={
    "oneOf": [parameter_types.name_with_leading_trailing_spaces, {"type": "null"}]})
_rebuild_v257 = {key: value for key, value in _rebuild_v254.items() if key != "personality"}
_rebuild_v257["user_data"] = {"type": ["string", "null"], "maxLength": 65535}
_rebuild_v290 = dict(_rebuild_v257, hostname=parameter_types.hostname)

#: rebuild 2.1-2.18: imageRef (required), name, adminPass, metadata,
#: preserve_ephemeral, OS-DCF:diskConfig, accessIPv4/6, personality.
rebuild = _action("rebuild", _rebuild_base, ["imageRef"])
#: rebuild 2.19-2.53: and a description.
rebuild_v219 = _action("rebuild", _rebuild_v219, ["imageRef"])
#: rebuild 2.54-2.56: and key_name (null removes the server's key).
rebuild_v254 = _action("rebuild", _rebuild_v254, ["imageRef"])
#: rebuild 2.57-2.89: user_data (null removes it) instead of personality.
rebuild_v257 = _action("rebuild", _rebuild_v257, ["imageRef"])
#: rebuild from 2.90: and a hostname.
rebuild_v290 = _action("rebuild", _rebuild_v290, ["imageRef"])

#: createImage: name (required) and metadata (image properties).
create_image = _action("createImage", {
    "name": parameter_types.name,
    "metadata": parameter_types.metadata,
}, ["name"])

#: createBackup: name, backup_type and rotation (>= 0) required; metadata.
create_backup = _action("createBackup", {
    "name": parameter_types.name,
    "backup_type": {"type": "string"},
    "rotation": parameter_types.non_negative_integer,
    "metadata": parameter_types.metadata,
}, ["name", "backup_type", "rotation"])

#: unshelve 2.77-2.90: null, or {"availability_zone": name}.
unshelve_v277 = {
    "type": "object",
    "properties": {
        "unshelve": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {"availability_zone": parameter_types.name},
                    "required": ["availability_zone"],
                    "additionalProperties": False,
                },
            ],
        },
    },
    "required": ["unshelve"],
    "additionalProperties": False,
}

#: unshelve from 2.91: null, or {"availability_zone": name or null, "host": name}.
unshelve_v291 = {
    "type": "object",
    "properties": {
        "unshelve": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "availability_zone": {
                            "oneOf": [{"type": "null"}, parameter_types.name]},
                        "host": parameter_types.hostname,
                    },
                    "additionalProperties": False,
                },
            ],
        },
    },
    "required": ["unshelve"],
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


# -- moves (api-ref "Resize Server", "Migrate Server") ---------------------------

resize = {
    "type": "object",
    "properties": {
        "resize": {
            "type": "object",
            "properties": {
                "flavorRef": parameter_types.flavor_ref,
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "required": ["flavorRef"],
            "additionalProperties": False,
        },
    },
    "required": ["resize"],
    "additionalProperties": False,
}

migrate = {
    "type": "object",
    "properties": {"migrate": {"type": "null"}},
    "required": ["migrate"],
    "additionalProperties": False,
}

migrate_v256 = {
    "type": "object",
    "properties": {
        "migrate": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "host": {"oneOf": [{"type": "null"}, parameter_types.hostname]},
                    },
                    "additionalProperties": False,
                },
            ],
        },
    },
    "required": ["migrate"],
    "additionalProperties": False,
}


# -- moves: os-migrateLive and evacuate (api-ref "Live-Migrate Server",
# "Evacuate Server") ---------------------------------------------------------

#: A destination host name.
_host = {"type": "string", "minLength": 1, "maxLength": 255}
#: live migration's host: null lets the scheduler choose.
_nullable_host = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}


def _action(key, properties, required=()):
    body = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        body["required"] = list(required)
    return {
        "type": "object",
        "properties": {key: body},
        "required": [key],
        "additionalProperties": False,
    }


#: os-migrateLive before 2.25: block_migration, disk_over_commit (booleans,
#: also as strings) and host, all required; host may be null.
migrate_live = _action("os-migrateLive", {
    "block_migration": parameter_types.boolean,
    "disk_over_commit": parameter_types.boolean,
    "host": _nullable_host,
}, required=("block_migration", "disk_over_commit", "host"))

_block_migration_v225 = {"oneOf": [parameter_types.boolean, {"enum": ["auto"]}]}

#: 2.25: disk_over_commit removed, block_migration may be "auto".
migrate_live_v225 = _action("os-migrateLive", {
    "block_migration": _block_migration_v225,
    "host": _nullable_host,
}, required=("block_migration", "host"))

#: 2.30-2.67: force (a boolean) skips the scheduler for the host given.
migrate_live_v230 = _action("os-migrateLive", {
    "block_migration": _block_migration_v225,
    "host": _nullable_host,
    "force": parameter_types.boolean,
}, required=("block_migration", "host"))

#: 2.68: force removed.
migrate_live_v268 = migrate_live_v225

#: evacuate before 2.14: onSharedStorage required, host and adminPass optional.
evacuate = _action("evacuate", {
    "host": _host,
    "onSharedStorage": parameter_types.boolean,
    "adminPass": parameter_types.admin_password,
}, required=("onSharedStorage",))

#: 2.14: onSharedStorage removed (nova checks the storage itself).
evacuate_v214 = _action("evacuate", {
    "host": _host,
    "adminPass": parameter_types.admin_password,
})

#: 2.29-2.67: force skips the scheduler for the host given.
evacuate_v229 = _action("evacuate", {
    "host": _host,
    "adminPass": parameter_types.admin_password,
    "force": parameter_types.boolean,
})

#: 2.68: force removed.
evacuate_v268 = evacuate_v214
