"""Query and body schemas of /flavors (listing, os-flavor-manage, os-flavor-access).

Up to 2.74 upstream accepts (and ignores) unknown query parameters of the
list calls, hence ``additionalProperties: True`` below.
"""

import copy

from nova.api.validation import parameter_types
from nova.objects import flavor as flavor_obj

#: Largest value of an integer flavor column (a signed 32-bit int).
MAX_INT = 2**31 - 1

index_query = {
    "type": "object",
    "properties": {
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "marker": parameter_types.multi_params({"type": "string"}),
        "is_public": parameter_types.multi_params({"type": "string"}),
        "minRam": parameter_types.multi_params({"type": "string"}),
        "minDisk": parameter_types.multi_params({"type": "string"}),
        "sort_key": parameter_types.multi_params(
            {"type": "string", "enum": list(flavor_obj.SORT_KEYS)}),
        "sort_dir": parameter_types.multi_params(
            {"type": "string", "enum": ["asc", "desc"]}),
    },
    "additionalProperties": True,
}

#: GET /flavors and /flavors/detail from 2.75: unknown parameters are refused.
index_query_v275 = dict(copy.deepcopy(index_query), additionalProperties=False)

#: A flavor id given by the admin: no leading/trailing space, a restricted
#: alphabet; JSON numbers are accepted and turned into strings.
flavor_id = {
    "type": ["string", "number", "null"],
    "minLength": 1,
    "maxLength": 255,
    "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$",
}

_size = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minLength": 1,
         "minimum": 0, "maximum": MAX_INT}
_positive = dict(_size, minimum=1)

create = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 255,
                         "format": "name"},
                "id": flavor_id,
                "ram": _positive,
                "vcpus": _positive,
                "disk": _size,
                "OS-FLV-EXT-DATA:ephemeral": _size,
                "swap": _size,
                "rxtx_factor": {
                    "type": ["number", "string"],
                    "pattern": r"^[0-9]+(\.[0-9]+)?$",
                    "minimum": 0, "exclusiveMinimum": True,
                    "maximum": 3.40282e38,
                },
                "os-flavor-access:is_public": parameter_types.boolean,
            },
            "required": ["name", "ram", "vcpus", "disk"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

#: A flavor description (2.55): up to 65535 printable characters or null.
_description = {"type": ["string", "null"], "minLength": 0, "maxLength": 65535}

create_v255 = copy.deepcopy(create)
create_v255["properties"]["flavor"]["properties"]["description"] = _description

#: PUT /flavors/{id} (2.55): only the description changes.
update_v255 = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {"description": _description},
            "required": ["description"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

_extra_spec_key = "^[a-zA-Z0-9-_:. ]{1,255}$"
_extra_spec_value = {"type": ["string", "number", "boolean"], "maxLength": 255}

extra_specs_create = {
    "type": "object",
    "properties": {
        "extra_specs": {
            "type": "object",
            "patternProperties": {_extra_spec_key: copy.deepcopy(_extra_spec_value)},
            "additionalProperties": False,
        },
    },
    "required": ["extra_specs"],
    "additionalProperties": False,
}

extra_spec_update = {
    "type": "object",
    "patternProperties": {_extra_spec_key: copy.deepcopy(_extra_spec_value)},
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
}

_tenant = {
    "type": "object",
    "properties": {"tenant": {"type": "string", "minLength": 1, "maxLength": 255,
                              "format": "name"}},
    "required": ["tenant"],
    "additionalProperties": False,
}

add_tenant_access = {
    "type": "object",
    "properties": {"addTenantAccess": _tenant},
    "required": ["addTenantAccess"],
    "additionalProperties": False,
}

remove_tenant_access = {
    "type": "object",
    "properties": {"removeTenantAccess": copy.deepcopy(_tenant)},
    "required": ["removeTenantAccess"],
    "additionalProperties": False,
}
