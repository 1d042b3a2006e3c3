"""Schemas of /os-aggregates (request bodies; API reference "Host Aggregates")."""

from nova.api.validation import parameter_types

#: An availability zone name: a resource name without ":" (a server's
#: "zone:host:node" request splits on it).
az_name = {"allOf": [parameter_types.name, {"type": "string", "pattern": "^[^:]*$"}]}

availability_zone = {"oneOf": [az_name, {"type": "null"}]}

#: POST /os-aggregates.
create = {
    "type": "object",
    "properties": {
        "aggregate": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "availability_zone": availability_zone,
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["aggregate"],
    "additionalProperties": False,
}

#: PUT /os-aggregates/{id}: a new name, a new zone or both.
update = {
    "type": "object",
    "properties": {
        "aggregate": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "availability_zone": availability_zone,
            },
            "additionalProperties": False,
            "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}],
        },
    },
    "required": ["aggregate"],
    "additionalProperties": False,
}


def _host_action(action):
    return {
        "type": "object",
        "properties": {
            action: {
                "type": "object",
                "properties": {"host": parameter_types.hostname},
                "required": ["host"],
                "additionalProperties": False,
            },
        },
        "required": [action],
        "additionalProperties": False,
    }


#: POST /os-aggregates/{id}/action {"add_host": {"host": name}}.
add_host = _host_action("add_host")
#: POST /os-aggregates/{id}/action {"remove_host": {"host": name}}.
remove_host = _host_action("remove_host")

#: POST /os-aggregates/{id}/action {"set_metadata": {"metadata": {...}}}:
#: a null value deletes the key.
set_metadata = {
    "type": "object",
    "properties": {
        "set_metadata": {
            "type": "object",
            "properties": {
                "metadata": {
                    "type": "object",
                    "patternProperties": {
                        "^[a-zA-Z0-9-_:. ]{1,255}$": {
                            "type": ["string", "null"], "maxLength": 255},
                    },
                    "additionalProperties": False,
                },
            },
            "required": ["metadata"],
            "additionalProperties": False,
        },
    },
    "required": ["set_metadata"],
    "additionalProperties": False,
}
