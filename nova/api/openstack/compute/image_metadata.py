"""/images/{image_id}/metadata: the deprecated proxy to image properties (2.1 - 2.38).

API reference "Image metadata (DEPRECATED)": the properties of a Glance
image read and changed through the Compute API, with the caller's token,
so Glance decides who may see or change what. From 2.39 every route
answers 404, as upstream. A merge or replace that would leave the image
with more properties than the project's metadata_items quota is 403.
"""

import webob.exc

from nova import exception, quota
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import server_metadata as schemas

_LAST = "2.38"


class ImageMetadataController:
    """Handlers of /images/{image_id}/metadata[/{key}].

    :param images: the ImagesController, whose image service (show,
        update, remove_properties) this proxy shares.
    """

    def __init__(self, images):
        self._images = images

    @property
    def image_service(self):
        return self._images.image_service

    def _call(self, method, *args):
        try:
            return method(*args)
        except exception.ImageNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation="Image not found.") from exc
        except exception.ImageNotAuthorized as exc:
            raise webob.exc.HTTPForbidden(explanation=exc.format_message()) from exc
        except exception.ImageBadRequest as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc

    def _properties(self, req, image_id):
        return self._call(self.image_service.show, req.context, image_id)["properties"]

    def _set(self, req, image_id, wanted, replace):
        current = self._properties(req, image_id)
        merged = dict(wanted) if replace else dict(current, **wanted)
        quota.check_metadata_items(req.context, req.context.project_id, merged)
        if wanted:
            self._call(self.image_service.update, req.context, image_id,
                       {"properties": wanted})
        if replace:
            stale = [key for key in current if key not in wanted]
            if stale:
                self._call(self.image_service.remove_properties, req.context, image_id,
                           stale)
        return self._properties(req, image_id)

    @wsgi.api_version("2.1", _LAST)
    def index(self, req, image_id):
        """GET -> {"metadata": {property: value}}."""
        return {"metadata": self._properties(req, image_id)}

    @wsgi.api_version("2.1", _LAST)
    def show(self, req, image_id, key):
        """GET .../{key} -> {"meta": {key: value}}; 404 when the image lacks it."""
        properties = self._properties(req, image_id)
        if key not in properties:
            raise webob.exc.HTTPNotFound(explanation="Metadata item was not found")
        return {"meta": {key: properties[key]}}

    @wsgi.api_version("2.1", _LAST)
    @validation.schema(schemas.metadata_all)
    def create(self, req, image_id, body):
        """POST {"metadata": {...}}: merge the items; answers all properties."""
        return {"metadata": self._set(req, image_id, body["metadata"], replace=False)}

    @wsgi.api_version("2.1", _LAST)
    @validation.schema(schemas.metadata_all)
    def update_all(self, req, image_id, body):
        """PUT {"metadata": {...}}: the properties become exactly these."""
        return {"metadata": self._set(req, image_id, body["metadata"], replace=True)}

    @wsgi.api_version("2.1", _LAST)
    @validation.schema(schemas.metadata_item)
    def update(self, req, image_id, key, body):
        """PUT .../{key} {"meta": {key: value}}: set one item; echoes the body."""
        if key not in body["meta"]:
            raise webob.exc.HTTPBadRequest(explanation="Request body and URI mismatch")
        self._set(req, image_id, body["meta"], replace=False)
        return {"meta": body["meta"]}

    @wsgi.api_version("2.1", _LAST)
    @wsgi.response(204)
    def delete(self, req, image_id, key):
        """DELETE .../{key} -> 204; 404 when the image lacks it."""
        if key not in self._properties(req, image_id):
            raise webob.exc.HTTPNotFound(explanation="Metadata item was not found")
        self._call(self.image_service.remove_properties, req.context, image_id, [key])
