"""Schemas of /os-services (2.1-2.52 forms)."""

import copy

from nova.api.validation import parameter_types

index_query = {
    "type": "object",
    "properties": {
        "host": parameter_types.multi_params({"type": "string"}),
        "binary": parameter_types.multi_params({"type": "string"}),
    },
    "additionalProperties": True,
}

#: PUT /os-services/{enable,disable,disable-log-reason}.
service_update = {
    "type": "object",
    "properties": {
        "host": parameter_types.hostname,
        "binary": {"type": "string"},
        "disabled_reason": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "required": ["host", "binary"],
    "additionalProperties": False,
}

#: 2.11 adds PUT /os-services/force-down with ``forced_down``.
service_update_v211 = copy.deepcopy(service_update)
service_update_v211["properties"]["forced_down"] = parameter_types.boolean
