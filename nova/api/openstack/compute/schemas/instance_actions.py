"""Query schemas of os-instance-actions (api-ref "Servers actions")."""

import copy

from nova.api.validation import parameter_types

#: 2.1 - 2.57: no query parameters are read (unknown ones ignored).
index_query = {"type": "object", "additionalProperties": True}

#: 2.58 - 2.65: paging and changes-since; anything else is refused.
index_query_v258 = {
    "type": "object",
    "properties": {
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "marker": parameter_types.multi_params({"type": "string"}),
        "changes-since": parameter_types.multi_params(
            {"type": "string", "format": "date-time"}),
    },
    "additionalProperties": False,
}

#: 2.66+: and changes-before.
index_query_v266 = copy.deepcopy(index_query_v258)
index_query_v266["properties"]["changes-before"] = parameter_types.multi_params(
    {"type": "string", "format": "date-time"})
