"""/images: the deprecated proxy to the Image service (2.1-2.35; 404 from 2.36).

Reads go to Glance with the caller's token, so Glance decides what the
caller sees; nova adds no rule of its own (upstream removed the
``os_compute_api:image-size`` rule that once hid ``OS-EXT-IMG-SIZE:size``).
The image service is built on first use by the factory given to the
controller (the real GlanceImageService in route_table; tests may give
any object with show/detail/delete).
"""

import threading

import webob.exc

from nova import exception
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.views import images as views

#: Query parameter -> image service filter (upstream's mapping).
FILTERS = {"name": "name", "status": "status", "changes-since": "changes-since",
           "server": "property-instance_uuid", "type": "property-image_type",
           "minRam": "min_ram", "minDisk": "min_disk"}

def glance_filters(req):
    """Return Glance v2 query filters for the list query of ``req``.

    ``server`` may be a server URL (its last segment is the uuid),
    ``status`` is lower-cased, ``changes-since`` becomes ``updated_at``
    ``gte:``, and ``property-<name>`` filters on an image property.
    """
    filters = {}
    for param, value in req.GET.items():
        if param in FILTERS:
            filters[FILTERS[param]] = value
        elif param.startswith("property-"):
            filters[param] = value
    glance = {}
    for name, value in filters.items():
        if name == "property-instance_uuid":
            glance["instance_uuid"] = value.rsplit("/", 1)[-1]
        elif name.startswith("property-"):
            glance[name[len("property-"):]] = value
        elif name == "status":
            glance["status"] = value.lower()
        elif name == "changes-since":
            glance["updated_at"] = "gte:" + value
        else:
            glance[name] = value
    return glance


class ImagesController:
    """List, show and delete images through the image service.

    :param image_service_factory: callable returning an object with
        ``show(context, id)``, ``detail(context, limit=, marker=, **filters)``
        and ``delete(context, id)`` (nova.image.glance.GlanceImageService).
    """

    def __init__(self, image_service_factory):
        self._factory = image_service_factory
        self._service = None
        self._lock = threading.Lock()

    @property
    def image_service(self):
        with self._lock:
            if self._service is None:
                self._service = self._factory()
            return self._service

    def _list(self, req):
        page = {}
        if "limit" in req.GET or "marker" in req.GET:
            limit, marker = common.get_limit_and_marker(req)
            if "limit" in req.GET:
                page["limit"] = limit
            if marker:
                page["marker"] = marker
        return self.image_service.detail(req.context, **page, **glance_filters(req))

    @wsgi.api_version("2.1", "2.35")
    def index(self, req):
        """GET /images -> {"images": [{id, name, links}], "images_links"?}."""
        entries = [views.summary(req, image) for image in self._list(req)]
        return views.collection(req, entries, "images")

    @wsgi.api_version("2.1", "2.35")
    def detail(self, req):
        """GET /images/detail -> {"images": [detail], "images_links"?}."""
        entries = [views.detail(req, image) for image in self._list(req)]
        return views.collection(req, entries, "images/detail")

    @wsgi.api_version("2.1", "2.35")
    def show(self, req, id):
        """GET /images/{id} -> {"image": detail}; 404 "Image not found."."""
        try:
            image = self.image_service.show(req.context, id)
        except exception.ImageNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation="Image not found.") from exc
        return {"image": views.detail(req, image)}

    @wsgi.api_version("2.1", "2.35")
    @wsgi.response(204)
    def delete(self, req, id):
        """DELETE /images/{id} -> 204; 404 unknown, 403 when Glance refuses."""
        try:
            self.image_service.delete(req.context, id)
        except exception.ImageNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation="Image not found.") from exc
        except exception.ImageNotAuthorized as exc:
            raise webob.exc.HTTPForbidden(
                explanation="You are not allowed to delete the image.") from exc
