"""Body schemas of os-floating-ips and the floating IP server actions
(api-ref "Floating IPs (os-floating-ips) (DEPRECATED)", "Add (Associate)
Floating IP (addFloatingIp Action) (DEPRECATED)")."""

from nova.api.validation import parameter_types

create = {
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "properties": {"pool": {"type": ["string", "null"]}},
            "additionalProperties": False,
        },
    ],
}

add_floating_ip = {
    "type": "object",
    "properties": {
        "addFloatingIp": {
            "type": "object",
            "properties": {
                "address": parameter_types.ipv4,
                "fixed_address": parameter_types.ipv4,
            },
            "required": ["address"],
            "additionalProperties": False,
        },
    },
    "required": ["addFloatingIp"],
    "additionalProperties": False,
}

remove_floating_ip = {
    "type": "object",
    "properties": {
        "removeFloatingIp": {
            "type": "object",
            "properties": {"address": parameter_types.ipv4},
            "required": ["address"],
            "additionalProperties": False,
        },
    },
    "required": ["removeFloatingIp"],
    "additionalProperties": False,
}
