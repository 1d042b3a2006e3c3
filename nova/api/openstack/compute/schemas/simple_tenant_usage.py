"""Query schemas of os-simple-tenant-usage (api-ref "Usage reports")."""

import copy

from nova.api.validation import parameter_types

_WINDOW = {
    "start": parameter_types.multi_params({"type": "string"}),
    "end": parameter_types.multi_params({"type": "string"}),
}

#: 2.1 - 2.39 index: the window and ``detailed``; other parameters ignored.
index_query = {
    "type": "object",
    "properties": dict(_WINDOW, detailed=parameter_types.multi_params(
        {"type": "string", "enum": ["0", "1"]})),
    "additionalProperties": True,
}

#: 2.40 - 2.74: and paging over the servers counted.
index_query_v240 = copy.deepcopy(index_query)
index_query_v240["properties"].update(
    limit=parameter_types.multi_params(parameter_types.non_negative_integer),
    marker=parameter_types.multi_params({"type": "string"}))

#: 2.75+: unknown parameters are refused.
index_query_v275 = copy.deepcopy(index_query_v240)
index_query_v275["additionalProperties"] = False

#: show: the window only (and paging from 2.40).
show_query = {"type": "object", "properties": copy.deepcopy(_WINDOW),
              "additionalProperties": True}
show_query_v240 = copy.deepcopy(show_query)
show_query_v240["properties"].update(
    limit=parameter_types.multi_params(parameter_types.non_negative_integer),
    marker=parameter_types.multi_params({"type": "string"}))
show_query_v275 = copy.deepcopy(show_query_v240)
show_query_v275["additionalProperties"] = False
