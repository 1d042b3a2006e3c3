"""Dispatch requests through a declarative route table.

A route table is a dict ``path template -> {HTTP method: handler}``::

    {
        "/flavors": {"GET": flavors.index, "POST": flavor_manage.create},
        "/flavors/detail": {"GET": flavors.detail},
        "/flavors/{id}": {"GET": flavors.show, "DELETE": flavor_manage.delete},
    }

Path variables (``{id}``) become keyword arguments of the handler. Templates
are tried in the table's order, so a literal path ("/flavors/detail") must
come before a template that would also match it ("/flavors/{id}"). A path
that matches no template is 404 ``itemNotFound``; a path that matches but
lacks the method is 405 ``badMethod`` with an ``Allow`` header, answered
here from the table, so no handler needs a "method not allowed" stub.

The router also negotiates the microversion (see api_version_request),
parses JSON request bodies and turns handler results into responses; see
nova.api.openstack.wsgi for the handler contract.
"""

import routes
import webob
import webob.exc
from oslo_serialization import jsonutils

from nova import exception
from nova.api.openstack import api_version_request, wsgi

#: Methods whose handler receives ``body=``.
BODY_METHODS = frozenset(("POST", "PUT", "PATCH"))
#: Content types accepted for request bodies (upstream accepts both).
JSON_CONTENT_TYPES = frozenset(("application/json", "application/vnd.openstack.compute+json"))
#: Deepest nesting of arrays and objects accepted in a JSON body; no
#: request of the API nests beyond a handful of levels, and validating a
#: deeper document would exhaust the interpreter's recursion limit.
MAX_BODY_DEPTH = 32

_ROUTE_KEY = "nova.route"


class Router:
    """WSGI app serving one route table.

    :param route_table: dict of path template -> {METHOD: handler}; see the
        module docstring.
    :param versioned: True to negotiate a microversion per request and answer
        with the microversion headers (the /v2.1 API); False for
        unversioned apps (the root version list).
    :param min_version: lowest microversion served ("2.N").
    :param max_version: highest microversion served ("2.N"),
        api_version_request.MAX_API_VERSION (read when the app is built)
        when None; tests may raise it to exercise handlers with variants
        above MAX_API_VERSION.
    """

    def __init__(self, route_table, versioned=True,
                 min_version=api_version_request.MIN_API_VERSION,
                 max_version=None):
        self.route_table = dict(route_table)
        self.versioned = versioned
        self.min_version = min_version
        self.max_version = max_version or api_version_request.MAX_API_VERSION
        self._mapper = routes.Mapper()
        for template, methods in self.route_table.items():
            for method, handler in methods.items():
                if method != method.upper() or not callable(handler):
                    raise ValueError(f"bad route entry {template!r} {method!r}")
            self._mapper.connect(template, **{_ROUTE_KEY: template})

    def __call__(self, environ, start_response):
        req = wsgi.Request(environ)
        if self.versioned:
            req.api_version_request = api_version_request.negotiate(
                req.headers, self.min_version, self.max_version)
        template, params = self._match(req)
        methods = self.route_table[template]
        handler = methods.get(req.method)
        if handler is None:
            allowed = ", ".join(sorted(methods))
            raise webob.exc.HTTPMethodNotAllowed(
                explanation=f"The method {req.method} is not allowed for this resource.",
                headers=[("Allow", allowed)])
        if req.method in BODY_METHODS:
            params["body"] = parse_body(req)
        result = handler(req, **params)
        resp = to_response(result, wsgi.default_code(handler, req.api_version_request))
        if self.versioned:
            for name, value in api_version_request.response_headers(req.api_version_request):
                resp.headers[name] = value
        return resp(environ, start_response)

    def _match(self, req):
        """Return (template, params) for the request path.

        A leading project id segment (``/v2.1/<project_id>/servers``, the
        endpoint form older catalogs use) is accepted when it is the
        caller's project.

        :raises webob.exc.HTTPNotFound: nothing matches.
        """
        path = req.path_info or "/"
        found = self._mapper.match(path)
        if found is None:
            context = req.context
            head, _, rest = path.lstrip("/").partition("/")
            if context is not None and context.project_id and head == context.project_id:
                found = self._mapper.match("/" + rest)
        if found is None:
            raise webob.exc.HTTPNotFound()
        params = dict(found)
        return params.pop(_ROUTE_KEY), params


class Actions:
    """Handler of an ``/action`` route: dispatch on the body's single key.

    Upstream's action calls (``POST /servers/{server_id}/action`` with
    ``{"os-stop": null}``, ``{"reboot": {"type": "SOFT"}}``...) share one
    path. Listing them in the route table keeps every call on one screen::

        "/servers/{id}/action": {"POST": router.Actions({
            "os-start": server_power.start,
            "os-stop": server_power.stop,
            "reboot": server_power.reboot,
        })},

    Each action handler is called like any handler, with ``body`` the
    whole request body, and may carry ``@wsgi.response``, validation and
    ``wsgi.api_version`` decorators of its own.

    :param actions: dict of action name -> handler.
    :raises webob.exc.HTTPBadRequest: (when called) body not an object of
        exactly one key, or an action not in the table.
    """

    def __init__(self, actions):
        self.actions = dict(actions)

    def __call__(self, req, body=None, **params):
        if not isinstance(body, dict) or len(body) != 1:
            raise webob.exc.HTTPBadRequest(
                explanation="Malformed request body: an action call takes an "
                            "object with exactly one key, the action name.")
        (name,) = body
        handler = self.actions.get(name)
        if handler is None:
            raise webob.exc.HTTPBadRequest(explanation=f"There is no such action: {name}")
        result = handler(req, body=body, **params)
        if isinstance(result, (wsgi.ResponseObject, webob.Response)):
            return result
        return wsgi.ResponseObject(
            result, code=wsgi.default_code(handler, req.api_version_request))


def parse_body(req):
    """Return the JSON body of ``req`` (dict/list) or None when empty.

    :raises nova.exception.InvalidContentType: body with a non-JSON
        Content-Type (415).
    :raises nova.exception.MalformedRequestBody: undecodable JSON, JSON
        nested deeper than MAX_BODY_DEPTH, or a body that is not valid
        chunked transfer coding when the request says it is (400).
    :raises webob.exc.HTTPRequestTimeout: the body did not arrive in time
        ([wsgi] request_read_timeout) (408).
    :raises webob.exc.HTTPRequestEntityTooLarge: chunked body over the size
        limit (raised while reading).
    """
    try:
        raw = req.body
    except TimeoutError as exc:
        raise webob.exc.HTTPRequestTimeout(
            explanation="The request body did not arrive in time.") from exc
    except ValueError as exc:
        # The HTTP server's chunked decoder rejects a body that is not
        # chunked although Transfer-Encoding says so.
        raise exception.MalformedRequestBody(reason=str(exc)) from exc
    if not raw:
        return None
    if req.content_type and req.content_type not in JSON_CONTENT_TYPES:
        raise exception.InvalidContentType(content_type=req.content_type)
    try:
        body = jsonutils.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise exception.MalformedRequestBody(reason=str(exc)) from exc
    if _depth_exceeds(body, MAX_BODY_DEPTH):
        raise exception.MalformedRequestBody(
            reason=f"JSON nested deeper than {MAX_BODY_DEPTH} levels")
    return body


def _depth_exceeds(document, limit):
    """True when arrays/objects in ``document`` nest deeper than ``limit``."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def to_response(result, default_code=None):
    """Turn a handler's result into a webob.Response.

    :param result: dict/list, None, wsgi.ResponseObject or webob.Response.
    :param default_code: the handler's ``@wsgi.response`` status, if any.
    :returns: webob.Response; JSON bodies carry ``application/json``.
    """
    if isinstance(result, webob.Response):
        return result
    headers = {}
    code = None
    if isinstance(result, wsgi.ResponseObject):
        headers = result.headers
        code = result.code
        result = result.obj
    resp = webob.Response(status=code or default_code or 200)
    if result is not None:
        resp.content_type = "application/json"
        resp.charset = "utf-8"
        resp.body = jsonutils.dump_as_bytes(result)
    else:
        resp.content_type = None
        resp.body = b""
    for name, value in headers.items():
        resp.headers[name] = value
    return resp
