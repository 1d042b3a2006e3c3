"""Body and query schemas of /os-server-groups by microversion.

From 2.64 a group is created with ``policy`` (one name) and optional
``rules``: only ``max_server_per_host`` (a positive integer), only with
"anti-affinity" (the handler refuses it with other policies, 400).


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

_POLICIES_V264 = ["anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"]

#: 2.64+: ``policy`` and ``rules``.
create_v264 = {
    "type": "object",
    "properties": {
        "server_group": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "policy": {"type": "string", "enum": _POLICIES_V264},
                "rules": {
                    "type": "object",
                    "properties": {
                        "max_server_per_host": parameter_types.positive_integer,
                    },
                    "additionalProperties": False,
                },
            },
            "required": ["name", "policy"],
            "additionalProperties": False,
        },
    },
    "required": ["server_group"],
    "additionalProperties": False,
}

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

#: GET /os-server-groups from 2.75: unknown parameters are refused.
index_query_v275 = dict(copy.deepcopy(index_query), additionalProperties=False)
