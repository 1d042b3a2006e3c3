"""Links and pagination helpers."""

import pytest
import webob.exc

from nova.api.openstack import common, wsgi


def _req(url, script_name="/v2.1"):
    path = url.split("?")[0]
    req = wsgi.Request.blank(url)
    req.script_name = script_name
    req.path_info = path[len(script_name):]
    return req


def test_resource_links_self_and_bookmark(api_conf):
    req = _req("http://h:8774/v2.1/flavors/1")
    assert common.resource_links(req, "flavors", "1") == [
        {"rel": "self", "href": "http://h:8774/v2.1/flavors/1"},
        {"rel": "bookmark", "href": "http://h:8774/flavors/1"},
    ]


def test_link_prefix_replaces_scheme_host_and_prepends_path(api_conf):
    api_conf.config(compute_link_prefix="https://api.example.com/compute", group="api")
    req = _req("http://10.0.0.1:8774/v2.1/servers/x")
    assert common.resource_links(req, "servers", "x") == [
        {"rel": "self", "href": "https://api.example.com/compute/v2.1/servers/x"},
        {"rel": "bookmark", "href": "https://api.example.com/compute/servers/x"},
    ]


def test_limit_defaults_to_and_is_capped_by_max_limit(api_conf):
    api_conf.config(max_limit=50, group="api")
    assert common.get_limit_and_marker(_req("http://h/v2.1/servers")) == (50, None)
    assert common.get_limit_and_marker(_req("http://h/v2.1/servers?limit=500&marker=m")) == (
        50, "m")
    assert common.get_limit_and_marker(_req("http://h/v2.1/servers?limit=5")) == (5, None)


@pytest.mark.parametrize("limit", ["-1", "ten"])
def test_bad_limit_is_a_bad_request(api_conf, limit):
    with pytest.raises(webob.exc.HTTPBadRequest):
        common.get_limit_and_marker(_req(f"http://h/v2.1/servers?limit={limit}"))


def test_next_link_only_for_a_full_page(api_conf):
    req = _req("http://h/v2.1/flavors?limit=2&is_public=true&marker=a")
    assert common.collection_links(req, [{"id": "b"}], "flavors") == []
    assert common.collection_links(req, [{"id": "b"}, {"id": "c"}], "flavors") == [{
        "rel": "next",
        "href": "http://h/v2.1/flavors?limit=2&is_public=true&marker=c"}]
