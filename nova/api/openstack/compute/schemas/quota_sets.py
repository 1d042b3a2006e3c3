"""Body and query schemas of os-quota-sets and os-quota-class-sets (up to 2.37).

A limit is an integer (or a string of one, as old clients send) from -1
(unlimited) to the largest value the database column holds. The
nova-network fields (and ``networks``) are accepted until 2.35 in quota
sets and until 2.49 in quota class sets and have no effect.
Unknown query parameters are ignored, as upstream before 2.75.
"""

import copy

from nova.api.validation import parameter_types

#: Largest limit the hard_limit column holds.
MAX_LIMIT = 0x7FFFFFFF

limit = {
    "type": ["integer", "string"],
    "pattern": "^-?[0-9]+$",
    "minimum": -1,
    "maximum": MAX_LIMIT,
}

_INJECTED = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")
_COMMON = ("instances", "cores", "ram", "metadata_items", *_INJECTED, "key_pairs")
_COMMON_V257 = tuple(name for name in _COMMON if name not in _INJECTED)
_SERVER_GROUPS = ("server_groups", "server_group_members")
_NETWORK = ("fixed_ips", "floating_ips", "security_groups", "security_group_rules",
            "networks")


def _body(key, names, extra=None):
    properties = {name: copy.deepcopy(limit) for name in names}
    properties.update(extra or {})
    return {
        "type": "object",
        "properties": {
            key: {"type": "object", "properties": properties,
                  "additionalProperties": False},
        },
        "required": [key],
        "additionalProperties": False,
    }


_force = {"force": copy.deepcopy(parameter_types.boolean)}

#: PUT /os-quota-sets/{tenant_id} (2.1-2.35).
update = _body("quota_set", _COMMON + _SERVER_GROUPS + _NETWORK, _force)
#: PUT /os-quota-sets/{tenant_id} (2.36-2.56): no nova-network fields.
update_v236 = _body("quota_set", _COMMON + _SERVER_GROUPS, _force)
#: PUT /os-quota-sets/{tenant_id} (2.57+): no injected file fields either.
update_v257 = _body("quota_set", _COMMON_V257 + _SERVER_GROUPS, _force)

#: PUT /os-quota-class-sets/{id} (2.1-2.49).
update_class = _body("quota_class_set", _COMMON + _NETWORK)
#: PUT /os-quota-class-sets/{id} (2.50-2.56): server groups, no nova-network fields.
update_class_v250 = _body("quota_class_set", _COMMON + _SERVER_GROUPS)
#: PUT /os-quota-class-sets/{id} (2.57+): no injected file fields.
update_class_v257 = _body("quota_class_set", _COMMON_V257 + _SERVER_GROUPS)

user_query = {
    "type": "object",
    "properties": {"user_id": parameter_types.multi_params({"type": "string"})},
    "additionalProperties": True,
}
