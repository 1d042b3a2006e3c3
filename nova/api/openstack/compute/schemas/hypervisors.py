"""Query schemas of /os-hypervisors: 2.33 adds limit/marker, 2.53
``hypervisor_hostname_pattern`` and ``with_servers``.

Other parameters are dropped, not refused, until 2.53 (upstream's rule);
from 2.53 they are refused.
"""

import copy

from nova.api.validation import parameter_types

list_query_v233 = {
    "type": "object",
    "properties": dict(parameter_types.pagination_parameters),
    "additionalProperties": True,
}

_with_servers = {"with_servers": parameter_types.multi_params(parameter_types.boolean)}

#: GET /os-hypervisors and /detail from 2.53.
list_query_v253 = {
    "type": "object",
    "properties": dict(
        copy.deepcopy(parameter_types.pagination_parameters),
        hypervisor_hostname_pattern=parameter_types.multi_params(
            {"type": "string", "minLength": 1, "maxLength": 255}),
        **copy.deepcopy(_with_servers)),
    "additionalProperties": False,
}

#: GET /os-hypervisors/{uuid} from 2.53.
show_query_v253 = {
    "type": "object",
    "properties": copy.deepcopy(_with_servers),
    "additionalProperties": False,
}
