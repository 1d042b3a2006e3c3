"""Query schemas of /os-hypervisors: 2.33 adds limit/marker.

Other parameters are dropped, not refused, until 2.53 (upstream's rule).
"""

from nova.api.validation import parameter_types

list_query_v233 = {
    "type": "object",
    "properties": dict(parameter_types.pagination_parameters),
    "additionalProperties": True,
}
