"""Query schema of GET /limits: unknown parameters ignored before 2.75, refused from 2.75."""

import copy

from nova.api.validation import parameter_types

index_query = {
    "type": "object",
    "properties": {
        "tenant_id": parameter_types.multi_params({"type": "string"}),
    },
    "additionalProperties": True,
}

index_query_v275 = dict(copy.deepcopy(index_query), additionalProperties=False)
