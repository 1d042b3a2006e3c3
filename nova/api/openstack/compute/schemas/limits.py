"""Query schema of GET /limits (unknown parameters ignored, as upstream before 2.57)."""

from nova.api.validation import parameter_types

index_query = {
    "type": "object",
    "properties": {
        "tenant_id": parameter_types.multi_params({"type": "string"}),
    },
    "additionalProperties": True,
}
