"""Query schemas of GET /os-migrations (api-ref "List Migrations")."""

import copy

from nova.api.validation import parameter_types

_FILTERS = {
    "hidden": parameter_types.multi_params({"type": "string"}),
    "host": parameter_types.multi_params({"type": "string"}),
    "instance_uuid": parameter_types.multi_params({"type": "string"}),
    "source_compute": parameter_types.multi_params({"type": "string"}),
    "status": parameter_types.multi_params({"type": "string"}),
    "migration_type": parameter_types.multi_params(
        {"type": "string",
         "enum": ["evacuation", "live-migration", "migration", "resize"]}),
}

#: 2.1 - 2.58: the filters; unknown parameters are ignored.
index_query = {
    "type": "object",
    "properties": copy.deepcopy(_FILTERS),
    "additionalProperties": True,
}

#: 2.59 - 2.65: paging and changes-since; anything else is refused.
index_query_v259 = {
    "type": "object",
    "properties": {
        **copy.deepcopy(_FILTERS),
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "marker": parameter_types.multi_params({"type": "string"}),
        "changes-since": parameter_types.multi_params(
            {"type": "string", "format": "date-time"}),
    },
    "additionalProperties": False,
}

#: 2.66 - 2.79: and changes-before.
index_query_v266 = copy.deepcopy(index_query_v259)
index_query_v266["properties"]["changes-before"] = parameter_types.multi_params(
    {"type": "string", "format": "date-time"})

#: 2.80+: and the owner's user_id and project_id.
index_query_v280 = copy.deepcopy(index_query_v266)
index_query_v280["properties"]["user_id"] = parameter_types.multi_params(
    {"type": "string"})
index_query_v280["properties"]["project_id"] = parameter_types.multi_params(
    {"type": "string"})
