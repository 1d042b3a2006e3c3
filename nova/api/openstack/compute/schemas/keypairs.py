"""Body and query schemas of /os-keypairs by microversion.

2.2 adds ``type`` (ssh or x509), 2.10 ``user_id`` (administrators acting
for another user), 2.35 ``limit``/``marker`` on the list. Unknown query
parameters are ignored before 2.75 and refused from 2.75, as upstream.
2.92 requires ``public_key`` (nova no longer generates key pairs) and
lets names hold ``@`` and ``.``.
"""

import copy

from nova.api.validation import parameter_types

create = {
    "type": "object",
    "properties": {
        "keypair": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "public_key": {"type": "string"},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["keypair"],
    "additionalProperties": False,
}

create_v22 = copy.deepcopy(create)
create_v22["properties"]["keypair"]["properties"]["type"] = {
    "type": "string", "enum": ["ssh", "x509"]}

create_v210 = copy.deepcopy(create_v22)
create_v210["properties"]["keypair"]["properties"]["user_id"] = {"type": "string"}

_user_id = {"user_id": parameter_types.multi_params({"type": "string"})}

query_v210 = {"type": "object", "properties": copy.deepcopy(_user_id),
              "additionalProperties": True}

index_query_v235 = {
    "type": "object",
    "properties": dict(copy.deepcopy(_user_id), **parameter_types.pagination_parameters),
    "additionalProperties": True,
}

create_v292 = copy.deepcopy(create_v210)
create_v292["properties"]["keypair"]["properties"]["name"] = {
    "type": "string", "minLength": 1, "maxLength": 255,
    "pattern": "^[a-zA-Z0-9 @._-]+$"}
create_v292["properties"]["keypair"]["required"] = ["name", "public_key"]

query_v275 = dict(copy.deepcopy(query_v210), additionalProperties=False)

index_query_v275 = dict(copy.deepcopy(index_query_v235), additionalProperties=False)
