"""Query schemas of /os-hypervisors: 2.33 adds limit/marker and refuses others."""

from nova.api.validation import parameter_types

list_query_v233 = {
    "type": "object",
    "properties": dict(parameter_types.pagination_parameters),
    "additionalProperties": False,
}
