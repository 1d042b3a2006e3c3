"""Request schemas of os-hosts (api-ref "Hosts (os-hosts) (DEPRECATED)")."""

_ENABLE_DISABLE = {"type": "string", "enum": ["enable", "disable",
                                              "Enable", "Disable",
                                              "ENABLE", "DISABLE"]}

#: PUT /os-hosts/{host_name}: at least one of status and maintenance_mode.
update = {
    "type": "object",
    "properties": {
        "status": _ENABLE_DISABLE,
        "maintenance_mode": _ENABLE_DISABLE,
    },
    "anyOf": [{"required": ["status"]}, {"required": ["maintenance_mode"]}],
    "additionalProperties": False,
}

#: GET /os-hosts: an optional zone filter; other parameters ignored.
index_query = {"type": "object", "properties": {"zone": {"type": "array"}},
               "additionalProperties": True}
