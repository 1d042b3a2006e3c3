"""Body and query schemas of /os-server-groups by microversion (up to 2.37).

Before 2.64 a group is created with ``policies``, a list of exactly one
policy: "affinity" or "anti-affinity", and from 2.15 also
"soft-affinity" or "soft-anti-affinity". The list accepts ``all_projects``
(administrators), ``limit`` and ``offset``; other query parameters are
ignored, as upstream.
"""

import copy

from nova.api.validation import parameter_types


def _create(policies):
    return {
        "type": "object",
        "properties": {
            "server_group": {
                "type": "object",
                "properties": {
                    "name": parameter_types.name,
                    "policies": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(policies)},
                        "uniqueItems": True,
                        "minItems": 1,
                        "maxItems": 1,
                    },
                },
                "required": ["name", "policies"],
                "additionalProperties": False,
            },
        },
        "required": ["server_group"],
        "additionalProperties": False,
    }


#: 2.1 - 2.14: hard policies only.
create = _create(["anti-affinity", "affinity"])
#: 2.15+: soft policies too.
create_v215 = _create(["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"])

index_query = {
    "type": "object",
    "properties": {
        "all_projects": parameter_types.multi_params({"type": "string"}),
        "limit": parameter_types.multi_params(
            copy.deepcopy(parameter_types.non_negative_integer)),
        "offset": parameter_types.multi_params(
            copy.deepcopy(parameter_types.non_negative_integer)),
    },
    "additionalProperties": True,
}
