"""An OpenAPI 3.1 description of the Compute API, built from the route table.

Nothing is written twice: paths and methods come from
nova.api.openstack.compute.routes.route_table, the request bodies and query
parameters from the JSON schemas the handlers validate with
(``nova.api.validation`` records them on each handler), the microversion
ranges from ``wsgi.api_version`` variants, success codes from
``wsgi.response``, summaries from the handlers' docstrings. nova-api
serves the document at ``GET /openapi.json`` (no authentication, like the
version documents); ``tools/gen-openapi.py`` writes the copy checked in at
``doc/source/openapi.json``.

A handler validating different bodies in different microversion ranges
gets a ``anyOf`` of them, each marked with ``x-openstack-microversion``
({"min", "max"}); an action route gets a ``anyOf`` of its actions' bodies.
"""

import copy
import inspect
import json
import re

from nova.api.openstack import api_version_request, router, wsgi

OPENAPI_VERSION = "3.1.0"
_PATH_VARIABLE = re.compile(r"{([^}]+)}")

#: The error body every failure has (nova.api.openstack.faults).
FAULT_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    },
}


def _to_json_schema_2020(schema):
    """Rewrite draft-4 idioms the handlers' schemas use into JSON Schema 2020-12."""
    if isinstance(schema, list):
        return [_to_json_schema_2020(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: _to_json_schema_2020(value) for key, value in schema.items()}
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if result.get(exclusive) is True and bound in result:
            result[exclusive] = result.pop(bound)
        elif result.get(exclusive) is False:
            del result[exclusive]
    return result


def _variants(handler):
    """Yield (function, min, max) for each microversion variant of ``handler``.

    ``min``/``max`` are "2.N" strings or None (no bound). The functions
    keep the ``api_schemas`` their validation decorators recorded.
    """
    func = getattr(handler, "__func__", handler)
    outer = list(getattr(func, "api_schemas", ()))
    inner = func
    while not isinstance(inner, wsgi.VersionedHandler) and hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__
    if isinstance(inner, wsgi.VersionedHandler):
        for low, high, variant in inner._variants:
            high_text = None if high.get_string() == "999.999" else high.get_string()
            yield variant, low.get_string(), high_text, outer
    else:
        yield func, None, None, []


def _in_effect(low, high, schema_min, schema_max):
    """The microversion range where a schema of a variant applies, or None."""
    lows = [v for v in (low, schema_min) if v]
    highs = [v for v in (high, schema_max) if v]
    lo = max(lows, key=api_version_request.APIVersionRequest) if lows else None
    hi = min(highs, key=api_version_request.APIVersionRequest) if highs else None
    if lo and hi and api_version_request.APIVersionRequest(lo) > \
            api_version_request.APIVersionRequest(hi):
        return None
    return lo, hi


def _schemas(handler, kind):
    """[(schema, min, max)] of ``kind`` ("body"/"query") ``handler`` validates."""
    found = []
    for func, low, high, outer in _variants(handler):
        for entry_kind, schema, s_min, s_max in [*getattr(func, "api_schemas", ()), *outer]:
            if entry_kind != kind:
                continue
            in_effect = _in_effect(low, high, s_min, s_max)
            if in_effect is not None and (schema, *in_effect) not in found:
                found.append((schema, *in_effect))
    return found


def _range(handler):
    ranges = [(low, high) for _, low, high, _ in _variants(handler)]
    lows = [low or api_version_request.MIN_API_VERSION for low, _ in ranges]
    highs = [high for _, high in ranges]
    low = min(lows, key=api_version_request.APIVersionRequest)
    high = None if None in highs else max(highs, key=api_version_request.APIVersionRequest)
    return low, high


def _marked(schema, low, high):
    marked = _to_json_schema_2020(copy.deepcopy(schema))
    marked["x-openstack-microversion"] = {"min": low or api_version_request.MIN_API_VERSION,
                                          "max": high}
    return marked


def _body_schema(handler):
    if isinstance(handler, router.Actions):
        options = []
        for name, action in handler.actions.items():
            bodies = _schemas(action, "body")
            if not bodies:
                bodies = [({"type": "object", "properties": {name: {}},
                            "required": [name], "additionalProperties": False},
                           *_range(action))]
            options.extend(_marked(schema, low, high) for schema, low, high in bodies)
        return {"anyOf": options}
    bodies = _schemas(handler, "body")
    if not bodies:
        return None
    if len(bodies) == 1:
        return _marked(*bodies[0])
    return {"anyOf": [_marked(schema, low, high) for schema, low, high in bodies]}


def _query_parameters(handler):
    parameters = {}
    for schema, _, _ in _schemas(handler, "query"):
        for name, prop in schema.get("properties", {}).items():
            value_schema = prop.get("items", prop) if prop.get("type") == "array" else prop
            parameters.setdefault(name, {
                "name": name, "in": "query", "required": False,
                "schema": _to_json_schema_2020(copy.deepcopy(value_schema)),
            })
    return list(parameters.values())


def _summary(handler):
    target = handler
    if isinstance(handler, router.Actions):
        return "Run a server action, named by the body's only key."
    doc = inspect.getdoc(getattr(target, "__func__", target)) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _success_code(handler):
    if isinstance(handler, router.Actions):
        return 202
    codes = [getattr(func, "wsgi_code", None) for func, _, _, _ in _variants(handler)]
    outer = getattr(getattr(handler, "__func__", handler), "wsgi_code", None)
    return next((c for c in [outer, *codes] if c), 200)


def _operation_id(method, template):
    words = re.sub(r"[{}]", "", template).strip("/").replace("/", "_").replace("-", "_")
    return f"{method.lower()}_{words or 'root'}"


def _operation(method, template, handler):
    low, high = (api_version_request.MIN_API_VERSION, None) \
        if isinstance(handler, router.Actions) else _range(handler)
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _PATH_VARIABLE.findall(template)]
    parameters.extend(_query_parameters(handler) if not isinstance(handler, router.Actions)
                      else [])
    operation = {
        "operationId": _operation_id(method, template),
        "summary": _summary(handler),
        "parameters": parameters,
        "responses": {
            str(_success_code(handler)): {"description": "Success."},
            "default": {"description": "An error in the API's fault format.",
                        "content": {"application/json": {"schema": FAULT_SCHEMA}}},
        },
        "x-openstack-microversion": {"min": low, "max": high},
    }
    if method in router.BODY_METHODS:
        body = _body_schema(handler)
        operation["requestBody"] = {
            "required": body is not None,
            "content": {"application/json": {"schema": body or {}}},
        }
    return operation


def as_json(document):
    """The document as the text checked in at doc/source/openapi.json (stable order)."""
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def build(route_table, server_url="/v2.1"):
    """Return the OpenAPI 3.1 document (dict) of ``route_table``.

    :param route_table: {path template: {METHOD: handler}} as
        nova.api.openstack.compute.routes.route_table returns.
    :param server_url: the base URL the paths are relative to.
    """
    low = api_version_request.MIN_API_VERSION
    high = api_version_request.MAX_API_VERSION
    paths = {}
    for template, methods in route_table.items():
        paths[template] = {method.lower(): _operation(method, template, handler)
                           for method, handler in sorted(methods.items())}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "OpenStack Compute API",
            "version": high,
            "description": (
                f"Microversions from {low} to {high}: send OpenStack-API-Version: "
                "compute 2.N. x-openstack-microversion gives the range of each "
                "operation and request schema."),
        },
        "servers": [{"url": server_url}],
        "components": {"securitySchemes": {
            "token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}}},
        "security": [{"token": []}],
        "paths": paths,
    }
