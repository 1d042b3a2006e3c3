"""The Compute API on one screen: every path, method and handler.

To add a resource, import its controller module and add its paths below
(literal paths before templates that would also match them); see
doc/source/api.rst. Paths are relative to the /v2.1 endpoint. The router
answers 404 for unknown paths and 405 (with Allow) for unknown methods.
"""

from nova.api.openstack import router
from nova.api.openstack.compute import versions


def route_table():
    """Return the v2.1 route table: {path template: {METHOD: handler}}.

    Controllers that hold collaborators (a compute API, a placement
    client) are instantiated here, once per app, and their bound methods
    are the handlers.
    """
    return {
        "/": {"GET": versions.show},
    }


def version_list_table():
    """Return the route table of the unversioned root endpoint ("/")."""
    return {
        "/": {"GET": versions.index},
    }


def version_document_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for /v2.1 and /v2.1/ (``oscomputeversionapp_v21``)."""
    return router.Router({"/": {"GET": versions.show}})


def compute_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for /v2.1 (``osapi_compute_app_v21``)."""
    return router.Router(route_table())


def versions_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for / (``oscomputeversionapp``)."""
    return router.Router(version_list_table(), versioned=False)
