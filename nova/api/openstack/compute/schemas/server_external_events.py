"""Request schemas of os-server-external-events (api-ref "Create External Events")."""

import copy

#: Event names by the microversion that added them.
NAMES_V21 = ["network-changed", "network-vif-plugged", "network-vif-unplugged",
             "network-vif-deleted"]
NAMES_V251 = NAMES_V21 + ["volume-extended"]
NAMES_V276 = NAMES_V251 + ["power-update"]
NAMES_V282 = NAMES_V276 + ["accelerator-request-bound"]
NAMES_V293 = NAMES_V282 + ["volume-reimaged"]

create = {
    "type": "object",
    "properties": {
        "events": {
            "type": "array", "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "server_uuid": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "enum": NAMES_V21},
                    "status": {"type": "string",
                               "enum": ["failed", "completed", "in-progress"]},
                    "tag": {"type": "string", "maxLength": 255},
                },
                "required": ["server_uuid", "name"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["events"],
    "additionalProperties": False,
}


def _with_names(names):
    schema = copy.deepcopy(create)
    schema["properties"]["events"]["items"]["properties"]["name"]["enum"] = names
    return schema


create_v251 = _with_names(NAMES_V251)
create_v276 = _with_names(NAMES_V276)
create_v282 = _with_names(NAMES_V282)
create_v293 = _with_names(NAMES_V293)
