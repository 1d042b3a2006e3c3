"""Request schemas of the remote console API (api-ref "Server Remote Consoles").

The enums are upstream's: a protocol/type this tree cannot serve still
passes the schema and is refused by the controller with 400 "Unavailable
console type", as upstream answers on a cloud where that console is off.
"""

import copy


def _legacy_action(action, console_types):
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {"type": {"type": "string", "enum": list(console_types)}},
                "required": ["type"],
                "additionalProperties": False,
            },
        },
        "required": [action],
        "additionalProperties": False,
    }


#: os-getVNCConsole action body (2.1-2.5).
get_vnc_console = _legacy_action("os-getVNCConsole", ["novnc", "xvpvnc"])

#: os-getSPICEConsole action body (2.1-2.5).
get_spice_console = _legacy_action("os-getSPICEConsole", ["spice-html5"])

#: os-getSerialConsole action body (2.1-2.5).
get_serial_console = _legacy_action("os-getSerialConsole", ["serial"])

#: POST /servers/{id}/remote-consoles body, 2.6-2.7.
create_v26 = {
    "type": "object",
    "properties": {
        "remote_console": {
            "type": "object",
            "properties": {
                "protocol": {"type": "string", "enum": ["vnc", "spice", "rdp", "serial"]},
                "type": {"type": "string", "enum": ["novnc", "xvpvnc", "rdp-html5",
                                                    "spice-html5", "serial"]},
            },
            "required": ["protocol", "type"],
            "additionalProperties": False,
        },
    },
    "required": ["remote_console"],
    "additionalProperties": False,
}

#: 2.8 adds the MKS protocol and its webmks type.
create_v28 = copy.deepcopy(create_v26)
_console = create_v28["properties"]["remote_console"]["properties"]
_console["protocol"]["enum"] = [*_console["protocol"]["enum"], "mks"]
_console["type"]["enum"] = [*_console["type"]["enum"], "webmks"]

#: 2.99 adds the spice-direct type (native SPICE through an external proxy).
create_v299 = copy.deepcopy(create_v28)
_console = create_v299["properties"]["remote_console"]["properties"]
_console["type"]["enum"] = [*_console["type"]["enum"], "spice-direct"]
del _console
