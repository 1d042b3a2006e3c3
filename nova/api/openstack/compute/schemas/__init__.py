"""Request schemas, one module per resource, named like its controller.

Each module holds plain dicts (JSON Schema draft 4) used with
``nova.api.validation.schema`` and ``query_schema``; a schema that changes
with the microversion gets one dict per range (``create_v219`` ...).
"""
