"""Schemas of /os-services: the 2.1-2.52 action forms and the 2.53 uuid form."""

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

#: PUT /os-services/{service_uuid} (2.53): any of status, disabled_reason
#: (only with status "disabled") and forced_down.
service_update_v253 = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["enabled", "disabled"]},
        "disabled_reason": {"type": "string", "minLength": 1, "maxLength": 255},
        "forced_down": parameter_types.boolean,
    },
    "additionalProperties": False,
}

#: GET /os-services from 2.75: unknown parameters are refused.
index_query_v275 = dict(copy.deepcopy(index_query), additionalProperties=False)
