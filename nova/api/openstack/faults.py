"""Error responses in upstream's fault format, and the filter that makes them.

Every error of the Compute API is a JSON body with one key naming the kind
of fault::

    {"itemNotFound": {"code": 404, "message": "Flavor 42 could not be found."}}

The key follows the HTTP status as upstream names it (api-ref "Faults");
statuses without a name of their own, and 500, are ``computeFault``.

Outages of a dependency are no bugs: an unreachable database (oslo.db's
DBConnectionError, or a driver error on a connection that was lost) or
message broker (a message that could not be handed to it) is answered 503
``serviceUnavailable`` with a ``Retry-After`` header, never 500; see
doc/source/outages.rst.
"""

import logging

import oslo_messaging as messaging
import sqlalchemy.exc
import webob
import webob.exc
from kombu import exceptions as kombu_exceptions
from oslo_db import exception as db_exc
from oslo_serialization import jsonutils

from nova import exception
from nova.api.openstack import api_version_request, middleware, wsgi

LOG = logging.getLogger(__name__)

#: HTTP status -> fault key, as upstream's API reference lists them.
FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}
DEFAULT_FAULT_NAME = "computeFault"

#: Message of an unexpected error: the details belong in the log, not to the
#: client, who quotes the request id to the operator.
UNEXPECTED_ERROR_MESSAGE = (
    "Unexpected API Error. Please report this to the cloud operator together "
    "with the request id; the Nova API log holds the details.\n%s"
)

# Headers of a webob exception that describe its own HTML/text body and must
# not leak onto our JSON body.
_BODY_HEADERS = {"content-type", "content-length"}


def fault_name(code):
    """Return upstream's fault key for HTTP status ``code`` (int)."""
    return FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)


def fault_response(code, message, headers=None, version=None):
    """Build a fault response.

    :param code: int HTTP status.
    :param message: str shown to the client.
    :param headers: optional iterable of (name, value) extra headers (for
        example ``Allow`` on 405).
    :param version: APIVersionRequest of the request, or None/null when the
        request was not microversioned; a real version adds the microversion
        response headers, as on successful responses.
    :returns: webob.Response with a JSON body.
    """
    body = {fault_name(code): {"code": code, "message": message}}
    resp = webob.Response(status=code, content_type="application/json", charset="utf-8")
    resp.body = jsonutils.dump_as_bytes(body)
    for name, value in headers or ():
        resp.headers[name] = value
    if version is not None and not version.is_null():
        for name, value in api_version_request.response_headers(version):
            resp.headers[name] = value
    return resp


def _connect_failed(exc):
    """True for a PostgreSQL connection that could not be made.

    oslo.db turns a refused PostgreSQL connection into DBConnectionError by
    libpq's old message ("could not connect to server"); libpq 14 and later
    say 'connection to server at "host", port N failed: ...', which it
    passes through as SQLAlchemy's OperationalError. psycopg2 sets
    ``pgcode`` (the SQLSTATE) on every error the server sent; an
    OperationalError without one comes from libpq itself: the server was
    never reached or the connection broke, an outage either way.
    """
    return (isinstance(exc, sqlalchemy.exc.OperationalError)
            and getattr(exc.orig, "pgcode", "") is None)


def outage_exception(exc):
    """Return the ServiceUnavailable that ``exc`` stands for, or None.

    * oslo.db's DBConnectionError, a SQLAlchemy DBAPIError whose
      connection was invalidated (a lost connection oslo.db did not wrap),
      and a PostgreSQL connection libpq could not make (``_connect_failed``):
      DatabaseUnavailable.
    * oslo.messaging's MessageDeliveryFailure, and kombu's
      OperationalError (a first connection refused): MessagingUnavailable.
      Both mean the message never reached the broker.
    """
    if isinstance(exc, db_exc.DBConnectionError) or (
            isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated) or (
            _connect_failed(exc)):
        return exception.DatabaseUnavailable()
    if isinstance(exc, (messaging.MessageDeliveryFailure,
                        kombu_exceptions.OperationalError)):
        return exception.MessagingUnavailable()
    return None


def describe_exception(exc):
    """Return (code, message, headers) for an exception raised under the API.

    * NovaException: its ``code``; its message for 4xx, and for 5xx only
      when the class is marked ``safe`` (others may carry internal detail).
    * webob.exc.HTTPException: its status and ``explanation`` (plus
      ``detail`` when set), keeping headers such as ``Allow``.
    * a dependency's outage (``outage_exception``): 503 with Retry-After.
    * anything else: 500 with a generic message naming the class.

    :returns: (int, str, list of (name, value)).
    """
    exc = outage_exception(exc) or exc
    if isinstance(exc, exception.NovaException):
        code = exc.code or 500
        if code < 500 or exc.safe:
            message = exc.format_message()
        else:
            message = UNEXPECTED_ERROR_MESSAGE % type(exc)
        return code, message, list((exc.headers or {}).items())
    if isinstance(exc, webob.exc.HTTPException):
        message = exc.explanation
        if exc.detail:
            message = f"{message} {exc.detail}" if message else exc.detail
        headers = [(name, value) for name, value in exc.headers.items()
                   if name.lower() not in _BODY_HEADERS]
        return exc.code, message, headers
    return 500, UNEXPECTED_ERROR_MESSAGE % type(exc), []


class FaultWrapper(middleware.Middleware):
    """Turn any exception raised below it into a fault response.

    Expected errors (4xx) are logged at INFO; unexpected ones (5xx) with
    their traceback at ERROR. The microversion headers are added when the
    router had negotiated a version before the error.
    """

    def __call__(self, environ, start_response):
        try:
            return self.application(environ, start_response)
        except Exception as exc:
            code, message, headers = describe_exception(exc)
            req = wsgi.Request(environ)
            if isinstance(exc, exception.ServiceUnavailable) or outage_exception(exc):
                LOG.warning("%s %s answered %s: %s (%s)", req.method, req.path_qs, code,
                            message, exc)
            elif code >= 500:
                LOG.exception("%s %s failed with %s", req.method, req.path_qs, code)
            else:
                LOG.info("%s %s returned with HTTP %s: %s", req.method, req.path_qs,
                         code, message)
            resp = fault_response(code, message, headers, environ.get(wsgi.ENV_API_VERSION))
            return resp(environ, start_response)
