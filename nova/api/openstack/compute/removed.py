"""APIs upstream removed: every method of their routes answers 410 Gone.

Upstream keeps these paths so that old clients learn the API is gone
rather than that they mistyped it (api-ref "Obsolete APIs" and the
removal notes of each section): the cells v1 API (removed in Train), the
certificates and cloudpipe APIs (Pike), the XenAPI guest agents API
(Victoria), the XVP consoles API (Ussuri), and the nova-network only
fping, fixed IPs, floating IP DNS, bulk floating IPs and default security
group rules APIs (Rocky). No policy is checked: there is nothing to guard.
"""

import webob.exc

#: Route templates of removed APIs -> the methods upstream routed there.
REMOVED_ROUTES = {
    "/os-agents": ("GET", "POST"),
    "/os-agents/{id}": ("PUT", "DELETE"),
    "/os-cells": ("GET", "POST"),
    "/os-cells/detail": ("GET",),
    "/os-cells/info": ("GET",),
    "/os-cells/capacities": ("GET",),
    "/os-cells/{id}": ("GET", "PUT", "DELETE"),
    "/os-cells/{id}/capacities": ("GET",),
    "/os-certificates": ("POST",),
    "/os-certificates/{id}": ("GET",),
    "/os-cloudpipe": ("GET", "POST"),
    "/os-cloudpipe/configure-project": ("PUT",),
    "/servers/{server_id}/consoles": ("GET", "POST"),
    "/servers/{server_id}/consoles/{id}": ("GET", "DELETE"),
    "/os-fping": ("GET",),
    "/os-fping/{id}": ("GET",),
    "/os-fixed-ips/{id}": ("GET",),
    "/os-fixed-ips/{id}/action": ("POST",),
    "/os-floating-ip-dns": ("GET",),
    "/os-floating-ip-dns/{id}": ("PUT", "DELETE"),
    "/os-floating-ip-dns/{domain_id}/entries/{id}": ("GET", "PUT", "DELETE"),
    "/os-floating-ips-bulk": ("GET", "POST"),
    "/os-floating-ips-bulk/{id}": ("GET", "PUT"),
    "/os-security-group-default-rules": ("GET", "POST"),
    "/os-security-group-default-rules/{id}": ("GET", "DELETE"),
}


def gone(req, body=None, **params):
    """Answer 410 Gone in the fault format, whatever the request."""
    raise webob.exc.HTTPGone(explanation="This API has been removed.")


def route_table():
    """Return {path: {METHOD: gone}} for every removed route."""
    return {path: {method: gone for method in methods}
            for path, methods in REMOVED_ROUTES.items()}
