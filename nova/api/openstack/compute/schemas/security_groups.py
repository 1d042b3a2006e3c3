"""Body schemas of os-security-groups and os-security-group-rules
(api-ref "Security Groups (os-security-groups) (DEPRECATED)")."""

_group = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": {"type": "string", "maxLength": 255},
    },
    "required": ["name", "description"],
    "additionalProperties": False,
}

create = {
    "type": "object",
    "properties": {"security_group": _group},
    "required": ["security_group"],
    "additionalProperties": False,
}

update = create

_port = {"type": ["integer", "string", "null"]}

create_rule = {
    "type": "object",
    "properties": {
        "security_group_rule": {
            "type": "object",
            "properties": {
                "parent_group_id": {"type": ["integer", "string"]},
                "ip_protocol": {"type": ["string", "null"]},
                "from_port": _port,
                "to_port": _port,
                "cidr": {"type": ["string", "null"]},
                "group_id": {"type": ["integer", "string", "null"]},
            },
            "required": ["parent_group_id"],
            "additionalProperties": False,
        },
    },
    "required": ["security_group_rule"],
    "additionalProperties": False,
}


def _action(key):
    return {
        "type": "object",
        "properties": {
            key: {
                "type": "object",
                "properties": {"name": {"type": "string", "minLength": 1,
                                        "maxLength": 255}},
                "required": ["name"],
                "additionalProperties": False,
            },
        },
        "required": [key],
        "additionalProperties": False,
    }


add_security_group = _action("addSecurityGroup")
remove_security_group = _action("removeSecurityGroup")
