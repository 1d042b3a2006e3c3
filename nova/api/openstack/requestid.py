"""Request id middleware answering both upstream request id headers."""

from oslo_middleware import request_id

#: The header nova answered with before oslo's x-openstack-request-id existed;
#: novaclient and some monitoring still read it.
COMPUTE_REQUEST_ID_HEADER = "x-compute-request-id"


class ComputeRequestIdMiddleware(request_id.RequestId):
    """oslo.middleware's RequestId, also setting ``x-compute-request-id``.

    The id (``req-<uuid>``) is generated per request, stored in the WSGI
    environ for the context filter, and returned in both
    ``x-openstack-request-id`` and ``x-compute-request-id``. A valid
    ``X-OpenStack-Request-ID`` request header becomes the global request id.
    """

    compat_headers = [COMPUTE_REQUEST_ID_HEADER]
