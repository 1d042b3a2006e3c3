"""Request validation decorators for Compute API handlers.

Stack one decorator per microversion range; each validates only requests
whose microversion lies in its range, so a handler reads::

    @validation.schema(schemas.create, "2.1", "2.18")
    @validation.schema(schemas.create_v219, "2.19")
    def create(self, req, body):
        ...

    @validation.query_schema(schemas.index_query)
    def index(self, req):
        ...

Failures raise nova.exception.ValidationError: 400 ``badRequest`` whose
message names the field. Put these decorators *below* ``wsgi.api_version``
(on each variant) or above it (for all variants), either works.
"""

import functools
import logging

import webob

import nova.conf
from nova import exception
from nova.api.validation import validators

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


def _request_of(args):
    for arg in args:
        if isinstance(arg, webob.Request):
            return arg
    raise TypeError("validation decorators need the request as a positional argument")


def _in_range(req, min_version, max_version):
    if min_version is None and max_version is None:
        return True
    return req.api_version_request.matches(min_version, max_version)


def schema(request_body_schema, min_version=None, max_version=None):
    """Validate the ``body`` argument against ``request_body_schema``.

    :param request_body_schema: JSON Schema (draft 4) dict.
    :param min_version: "2.N" lowest microversion this schema applies to,
        None for no lower bound.
    :param max_version: "2.N" highest, None for no upper bound.
    :raises nova.exception.ValidationError: (400) body does not match. A
        missing body is validated as None, so ``"type": "object"`` rejects
        an empty POST.
    """
    validator = validators.SchemaValidator(request_body_schema, is_body=True)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = _request_of(args)
            if _in_range(req, min_version, max_version):
                validator.validate(kwargs.get("body"))
            return func(*args, **kwargs)
        _record(wrapper, func, "body", request_body_schema, min_version, max_version)
        return wrapper
    return decorator


def _record(wrapper, func, kind, schema_, min_version, max_version):
    # The OpenAPI document (nova.api.openstack.openapi) reads what each
    # handler validates from here; outer decorators see inner ones' entries.
    wrapper.api_schemas = [*getattr(func, "api_schemas", ()),
                           (kind, schema_, min_version, max_version)]


def query_schema(query_params_schema, min_version=None, max_version=None):
    """Validate the query string against ``query_params_schema``.

    The query string is validated as a dict of lists (``?a=1&a=2`` is
    ``{"a": ["1", "2"]}``), so each property's schema is an array; see
    ``parameter_types.single_param`` / ``multi_params``. When the schema
    allows additional properties (upstream's rule for list filters before
    they were locked down), undeclared parameters are removed from
    ``req.GET`` after validation instead of being refused.

    :param query_params_schema: JSON Schema (draft 4) dict of type object.
    :param min_version: "2.N" or None; :param max_version: "2.N" or None.
    :raises nova.exception.ValidationError: (400) naming the parameter.
    """
    validator = validators.SchemaValidator(query_params_schema, is_body=False)
    strip = query_params_schema.get("additionalProperties", True) is True
    allowed = validators.allowed_names(query_params_schema)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            req = _request_of(args)
            if _in_range(req, min_version, max_version):
                validator.validate(req.GET.dict_of_lists())
                if strip:
                    for name in [name for name in req.GET if not allowed(name)]:
                        del req.GET[name]
            return func(*args, **kwargs)
        _record(wrapper, func, "query", query_params_schema, min_version, max_version)
        return wrapper
    return decorator


def response_body_schema(response_schema, min_version=None, max_version=None):
    """Check a handler's JSON result against ``response_schema``.

    What a mismatch does follows [api] response_validation: ``error`` ->
    500 computeFault, ``warn`` -> a logged warning, ``ignore`` -> nothing.
    Only plain dict/list results are checked.
    """
    validator = validators.SchemaValidator(response_schema, is_body=True)

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            result = func(*args, **kwargs)
            mode = CONF.api.response_validation
            req = _request_of(args)
            if (mode != "ignore" and isinstance(result, (dict, list))
                    and _in_range(req, min_version, max_version)):
                try:
                    validator.validate(result)
                except exception.ValidationError as exc:
                    if mode == "error":
                        raise exception.NovaException(
                            f"Response of {func.__qualname__} does not match its "
                            f"schema: {exc.format_message()}") from exc
                    LOG.warning("Response of %s does not match its schema: %s",
                                func.__qualname__, exc.format_message())
            return result
        return wrapper
    return decorator
