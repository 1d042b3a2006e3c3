"""Image views, Glance filter mapping and the controller with an in-test image service."""

import datetime

import pytest
import webob

from nova import context as nova_context
from nova import exception
from nova.api.openstack import api_version_request, wsgi
from nova.api.openstack.compute import images
from nova.api.openstack.compute.views import images as views

CREATED = datetime.datetime(2024, 5, 6, 7, 8, 9)


def _image(**values):
    image = {"id": "i1", "name": "cirros", "status": "active", "min_ram": 0,
             "min_disk": 1, "size": 12, "created_at": CREATED, "updated_at": CREATED,
             "properties": {}}
    image.update(values)
    return image


def _req(path="/v2.1/images", version="2.1"):
    req = wsgi.Request.blank(path)
    req.script_name = "/v2.1"
    req.path_info = path[len("/v2.1"):].split("?")[0]
    req.api_version_request = api_version_request.APIVersionRequest(version)
    req.environ[wsgi.ENV_CONTEXT] = nova_context.RequestContext(
        user_id="u", project_id="p", roles=["member", "reader"])
    return req


@pytest.mark.parametrize(("status", "shown", "progress"), [
    ("active", "ACTIVE", 100), ("queued", "SAVING", 25), ("saving", "SAVING", 50),
    ("deleted", "DELETED", 0), ("pending_delete", "DELETED", 0), ("killed", "ERROR", 0),
    ("uploading", "UNKNOWN", 0)])
def test_status_and_progress(api_conf, status, shown, progress):
    body = views.detail(_req(), _image(status=status))
    assert (body["status"], body["progress"]) == (shown, progress)


def test_detail_dates_and_size(api_conf):
    body = views.detail(_req(), _image())
    assert body["created"] == "2024-05-06T07:08:09Z"
    assert "OS-EXT-IMG-SIZE:size" in body
    assert "server" not in body and "OS-DCF:diskConfig" not in body


def test_alternate_link_honours_glance_link_prefix(api_conf):
    api_conf.config(endpoint_override="http://glance.internal:9292", group="glance")
    assert views.links(_req(), "i1")[2]["href"] == "http://glance.internal:9292/images/i1"
    api_conf.config(glance_link_prefix="https://images.example", group="api")
    assert views.links(_req(), "i1")[2]["href"] == "https://images.example/images/i1"


def test_glance_filters():
    req = webob.Request.blank(
        "/images?name=a&status=ACTIVE&changes-since=2024-01-01T00:00:00Z"
        "&server=http://h/v2.1/servers/s1&type=snapshot&minRam=5&property-os=linux&x=1")
    assert images.glance_filters(req) == {
        "name": "a", "status": "active", "updated_at": "gte:2024-01-01T00:00:00Z",
        "instance_uuid": "s1", "image_type": "snapshot", "min_ram": "5", "os": "linux"}


class _Images:
    def __init__(self):
        self.calls = []

    def show(self, context, image_id):
        raise exception.ImageNotFound(image_id=image_id)

    def detail(self, context, **kwargs):
        self.calls.append(kwargs)
        return [_image()]

    def delete(self, context, image_id):
        raise exception.ImageNotAuthorized(image_id=image_id)


def test_controller_passes_paging_and_maps_errors(api_conf):
    service = _Images()
    controller = images.ImagesController(lambda: service)
    body = controller.index(_req("/v2.1/images?limit=1&marker=m&name=n"))
    assert service.calls == [{"limit": 1, "marker": "m", "name": "n"}]
    assert body["images_links"][0]["href"].endswith("marker=i1")
    with pytest.raises(webob.exc.HTTPNotFound):
        controller.show(_req(), "i9")
    with pytest.raises(webob.exc.HTTPForbidden):
        controller.delete(_req(), "i9")
    with pytest.raises(exception.VersionNotFoundForAPIMethod):
        controller.index(_req(version="2.36"))
