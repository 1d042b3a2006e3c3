"""What a controller sees and returns: the request, the response object and
the decorators that pick a controller method's variant and status code.

A controller method (a "handler") is called by the router as
``handler(req, **url_params)`` plus ``body=<parsed JSON or None>`` for POST,
PUT and PATCH. It returns one of:

* a dict or list -> JSON body, status from ``@response`` (default 200);
* None -> empty body, status from ``@response`` (default 200, so a
  delete declares ``@wsgi.response(204)`` as upstream does);
* a ``ResponseObject`` -> its body, code and headers;
* a ``webob.Response`` -> sent as it is.

Errors are raised: a ``nova.exception.NovaException`` subclass (its ``code``
is the status) or a ``webob.exc.HTTPException``; the fault wrapper turns them
into upstream's fault bodies.
"""

import functools

import webob

from nova import exception
from nova.api.openstack import api_version_request

#: environ keys the API middlewares and router share.
ENV_CONTEXT = "nova.context"
ENV_API_VERSION = "nova.api_version_request"


class Request(webob.Request):
    """A webob request that carries the nova context and microversion.

    ``context`` is the nova.context.RequestContext built by the auth filter
    (None before it ran); ``api_version_request`` is the negotiated
    APIVersionRequest (the null version outside the versioned API).
    """

    @property
    def context(self):
        return self.environ.get(ENV_CONTEXT)

    @property
    def api_version_request(self):
        version = self.environ.get(ENV_API_VERSION)
        if version is None:
            return api_version_request.APIVersionRequest()
        return version

    @api_version_request.setter
    def api_version_request(self, version):
        self.environ[ENV_API_VERSION] = version

    def is_legacy_v2(self):
        """Always False: the legacy /v2 endpoint is not served."""
        return False


class ResponseObject:
    """A handler's result when it needs to set the status or headers.

    :param obj: JSON-able body (dict or list) or None for an empty body.
    :param code: HTTP status (int); None means the ``@response`` default.
    :param headers: dict of extra response headers (str -> str).
    """

    def __init__(self, obj, code=None, headers=None):
        self.obj = obj
        self.code = code
        self.headers = dict(headers or {})


def response(code):
    """Set the success status of a handler (upstream's ``@wsgi.response``).

    :param code: int HTTP status used when the handler returns a plain body,
        e.g. ``@wsgi.response(202)`` for an accepted server create.
    """
    def decorator(func):
        func.wsgi_code = code
        return func
    return decorator


def default_code(handler, version=None):
    """Return the ``@response`` code of a (possibly bound or versioned) handler.

    :param handler: the callable from the route table.
    :param version: the request's APIVersionRequest; for a VersionedHandler
        the code of the variant serving it wins over one set on the whole
        handler.
    :returns: int or None when the handler has no ``@response``.
    """
    if isinstance(handler, VersionedHandler) and version is not None:
        code = getattr(handler.variant_for(version), "wsgi_code", None)
        if code is not None:
            return code
    return getattr(handler, "wsgi_code", None)


class VersionedHandler:
    """A handler with one implementation per microversion range.

    Built by ``api_version``; more ranges are added with ``add_version``
    (the pattern of ``property.setter``), so all variants of one call sit
    next to each other and no variant tests the version in its body::

        @wsgi.api_version("2.1", "2.46")
        def show(self, req, id):
            ...

        @show.add_version("2.47")
        def show(self, req, id):
            ...

    Calling it picks the variant whose [min, max] range holds
    ``req.api_version_request``; none -> VersionNotFoundForAPIMethod (404).
    Works on plain functions and on methods (it is a descriptor).
    """

    def __init__(self, variants, instance=None):
        self._variants = tuple(variants)
        self._instance = instance
        # Name and docstring only: a variant's own @response code must not
        # become the code of every variant.
        functools.update_wrapper(self, self._variants[0][2], updated=())
        self.__dict__.pop("wsgi_code", None)

    def add_version(self, min_version, max_version=None):
        """Return a decorator adding a variant for [min_version, max_version].

        :param min_version: "2.N" lowest microversion of the new variant.
        :param max_version: "2.N" highest, or None for "up to the maximum".
        :raises ValueError: when the range overlaps an existing variant.
        """
        new_min = api_version_request.APIVersionRequest(min_version)
        new_max = _upper(max_version)

        def decorator(func):
            for low, high, _ in self._variants:
                if new_min <= high and low <= new_max:
                    raise ValueError(
                        f"{func.__qualname__}: microversion range {min_version}-"
                        f"{max_version or 'max'} overlaps {low}-{high}")
            return VersionedHandler(self._variants + ((new_min, new_max, func),))
        return decorator

    def variant_for(self, version):
        """Return the function serving ``version`` (APIVersionRequest).

        :raises nova.exception.VersionNotFoundForAPIMethod: no range holds it.
        """
        for low, high, func in self._variants:
            if version.matches(low, high):
                return func
        raise exception.VersionNotFoundForAPIMethod(version=version.get_string())

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        bound = VersionedHandler(self._variants, instance)
        # A @response placed above the @api_version stack set it on self.
        if hasattr(self, "wsgi_code"):
            bound.wsgi_code = self.wsgi_code
        return bound

    def __call__(self, *args, **kwargs):
        if self._instance is not None:
            args = (self._instance, *args)
        # The request is the first argument of a function, the second of a
        # method (also when another decorator wrapped the unbound handler).
        req = next(arg for arg in args[:2] if isinstance(arg, webob.Request))
        return self.variant_for(req.api_version_request)(*args, **kwargs)


def _upper(max_version):
    if max_version is None:
        # Above any version we could ever serve, so "open-ended" needs no
        # update when MAX_API_VERSION rises.
        return api_version_request.APIVersionRequest("999.999")
    return api_version_request.APIVersionRequest(max_version)


def api_version(min_version, max_version=None):
    """Declare the microversion range a handler serves (upstream's decorator).

    :param min_version: "2.N" lowest microversion served.
    :param max_version: "2.N" highest, None for no upper bound.
    :returns: decorator producing a VersionedHandler; add further ranges with
        ``@<name>.add_version(min, max)``.
    """
    low = api_version_request.APIVersionRequest(min_version)
    high = _upper(max_version)

    def decorator(func):
        return VersionedHandler(((low, high, func),))
    return decorator
