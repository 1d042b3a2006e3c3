"""Flavor view builders and query parsing."""

import pytest
import webob.exc

from nova import context as nova_context
from nova.api.openstack import wsgi
from nova.api.openstack.api_version_request import APIVersionRequest
from nova.api.openstack.compute import flavors
from nova.api.openstack.compute.views import flavors as views
from nova.objects import flavor as flavor_obj


def _flavor(**overrides):
    values = dict(flavorid="f1", name="small", memory_mb=512, vcpus=1, root_gb=1,
                  ephemeral_gb=0, swap=0, rxtx_factor=1.0, disabled=False, is_public=True,
                  projects=[])
    values.update(overrides)
    return flavor_obj.Flavor(**values)


def _req(path="/v2.1/flavors", version="2.1"):
    req = wsgi.Request.blank(path)
    req.script_name = "/v2.1"
    req.path_info = path[len("/v2.1"):]
    req.api_version_request = APIVersionRequest(version)
    return req


def test_detail_shows_swap_as_empty_string_when_zero(api_conf):
    body = views.detail(_req(), _flavor())
    assert body["swap"] == ""
    assert views.detail(_req(), _flavor(swap=1024))["swap"] == 1024


def test_detail_shows_swap_as_zero_from_2_75(api_conf):
    req = _req(version="2.75")
    req.environ[wsgi.ENV_CONTEXT] = nova_context.RequestContext(
        "alice", "p1", roles=["member", "reader"])
    body = views.detail(req, _flavor(description=None, extra_specs={}))
    assert body["swap"] == 0
    assert body["description"] is None and body["extra_specs"] == {}


def test_flavor_links_self_and_bookmark(api_conf):
    assert views.flavor_links(_req(), "f1") == [
        {"rel": "self", "href": "http://localhost/v2.1/flavors/f1"},
        {"rel": "bookmark", "href": "http://localhost/flavors/f1"}]


def test_link_prefix_is_honoured(api_conf):
    api_conf.config(compute_link_prefix="https://cloud.example/compute", group="api")
    assert views.flavor_links(_req(), "f1")[0]["href"] == \
        "https://cloud.example/compute/v2.1/flavors/f1"


def test_index_adds_next_link_only_for_a_full_page(api_conf):
    req = _req("/v2.1/flavors?limit=1")
    body = views.index(req, [_flavor()], views.summary)
    assert body["flavors_links"][0]["href"].endswith("/flavors?limit=1&marker=f1")
    assert "flavors_links" not in views.index(_req(), [_flavor()], views.summary)


def test_access_list():
    assert views.access_list(_flavor(flavorid="9", projects=["a", "b"])) == {
        "flavor_access": [{"flavor_id": "9", "tenant_id": "a"},
                          {"flavor_id": "9", "tenant_id": "b"}]}


@pytest.mark.parametrize(("value", "expected"), [
    (None, True), ("none", None), ("None", None), ("true", True), ("0", False)])
def test_parse_is_public(value, expected):
    assert flavors.parse_is_public(value) is expected


def test_parse_is_public_refuses_garbage():
    with pytest.raises(webob.exc.HTTPBadRequest):
        flavors.parse_is_public("perhaps")
