"""Request body size limit that lets the fault wrapper answer the 413.

oslo.middleware's limiter answers an over-long request itself (a webob HTML
or text page) because its ``__call__`` is wrapped by ``webob.dec.wsgify``.
This subclass keeps its option ([oslo_middleware] max_request_body_size,
bytes) and its streaming reader for chunked bodies, but raises instead, so
clients get upstream's ``overLimit`` JSON fault like for any other error.
"""

import webob
import webob.exc
from oslo_middleware import sizelimit


class RequestBodySizeLimiter(sizelimit.RequestBodySizeLimiter):
    """Reject bodies above [oslo_middleware] max_request_body_size with 413.

    A declared Content-Length above the limit fails before the body is read;
    a chunked body fails while it is read (from the router's body parsing).

    :raises webob.exc.HTTPRequestEntityTooLarge: body too large.
    """

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        max_size = self._conf_get("max_request_body_size")
        if req.content_length is not None and req.content_length > max_size:
            raise webob.exc.HTTPRequestEntityTooLarge(
                explanation="Request is too large. Larger than "
                            f"max_request_body_size ({max_size}).")
        if req.content_length is None and environ.get("wsgi.input_terminated"):
            # A chunked body (the server says the stream ends by itself):
            # count while it is read. webob would hide the stream behind an
            # empty file if we went through req.body_file here.
            environ["wsgi.input"] = sizelimit.LimitingReader(environ["wsgi.input"], max_size)
        return self.application(environ, start_response)
