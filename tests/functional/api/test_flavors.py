"""Flavors through the real pipeline: listing, show, os-flavor-manage,
os-extra_specs and os-flavor-access, with upstream's status codes and errors."""

import pytest

from nova import objects
from tests.functional.api import client

ADMIN = "admin:admin"
USER = "alice:p1"

TINY = {"name": "m1.tiny", "ram": 512, "vcpus": 1, "disk": 1, "id": "1"}


@pytest.fixture
def app(api_db, conf_fixture):
    objects.register_all()
    return client.load_api(conf_fixture)


@pytest.fixture
def admin(app):
    return client.APIClient(app, token=ADMIN)


@pytest.fixture
def user(app):
    return client.APIClient(app, token=USER)


def _create(api, **spec):
    resp = api.post("/v2.1/flavors", {"flavor": spec})
    assert resp.status_int == 200, resp.json
    return resp.json["flavor"]


def test_create_returns_the_detail_view_with_upstream_defaults(admin):
    flavor = _create(admin, **TINY)
    assert flavor == {
        "id": "1", "name": "m1.tiny", "ram": 512, "disk": 1, "vcpus": 1,
        "links": [{"rel": "self", "href": "http://localhost/v2.1/flavors/1"},
                  {"rel": "bookmark", "href": "http://localhost/flavors/1"}],
        "OS-FLV-DISABLED:disabled": False, "OS-FLV-EXT-DATA:ephemeral": 0,
        "os-flavor-access:is_public": True, "swap": "", "rxtx_factor": 1.0,
    }
    assert admin.get("/v2.1/flavors/1").json == {"flavor": flavor}


def test_create_without_id_generates_a_uuid_and_takes_strings(admin):
    flavor = _create(admin, name="big", ram="2048", vcpus="4", disk="20", swap=512,
                     rxtx_factor="2.5", **{"OS-FLV-EXT-DATA:ephemeral": 5})
    assert len(flavor["id"]) == 36
    assert (flavor["ram"], flavor["vcpus"], flavor["disk"], flavor["swap"]) == (2048, 4, 20, 512)
    assert flavor["rxtx_factor"] == 2.5 and flavor["OS-FLV-EXT-DATA:ephemeral"] == 5


@pytest.mark.parametrize("spec", [
    {"name": "x", "ram": 0, "vcpus": 1, "disk": 1},
    {"name": "x", "ram": 1, "vcpus": 1},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": -1},
    {"name": " x", "ram": 1, "vcpus": 1, "disk": 1},
    {"name": "x", "ram": "99999999999", "vcpus": 1, "disk": 1},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 1, "id": " bad"},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 1, "rxtx_factor": 0},
    {"name": "x", "ram": 1, "vcpus": 1, "disk": 1, "color": "red"},
])
def test_create_refuses_malformed_flavors(admin, spec):
    resp = admin.post("/v2.1/flavors", {"flavor": spec})
    assert resp.status_int == 400, resp.json
    assert resp.json["badRequest"]["code"] == 400


def test_create_duplicate_name_or_id_is_409(admin):
    _create(admin, **TINY)
    resp = admin.post("/v2.1/flavors", {"flavor": dict(TINY, id="2")})
    assert resp.status_int == 409
    assert resp.json["conflictingRequest"]["message"] == \
        "Flavor with name m1.tiny already exists."
    resp = admin.post("/v2.1/flavors", {"flavor": dict(TINY, name="other")})
    assert resp.status_int == 409
    assert resp.json["conflictingRequest"]["message"] == "Flavor with ID 1 already exists."


def test_non_admin_cannot_create_or_delete(admin, user):
    resp = user.post("/v2.1/flavors", {"flavor": TINY})
    assert resp.status_int == 403
    assert "os_compute_api:os-flavor-manage:create" in resp.json["forbidden"]["message"]
    _create(admin, **TINY)
    assert user.delete("/v2.1/flavors/1").status_int == 403


def test_delete_is_202_then_404(admin):
    _create(admin, **TINY)
    resp = admin.delete("/v2.1/flavors/1")
    assert resp.status_int == 202 and resp.body == b""
    resp = admin.get("/v2.1/flavors/1")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == "Flavor 1 could not be found."
    assert admin.delete("/v2.1/flavors/1").status_int == 404


def test_malformed_json_is_400(admin):
    resp = admin.post("/v2.1/flavors", b"{not json")
    assert resp.status_int == 400


def _seed(admin):
    _create(admin, name="small", ram=512, vcpus=1, disk=1, id="1")
    _create(admin, name="medium", ram=2048, vcpus=2, disk=20, id="2")
    _create(admin, name="large", ram=8192, vcpus=4, disk=80, id="3")
    _create(admin, name="secret", ram=1024, vcpus=1, disk=10, id="4",
            **{"os-flavor-access:is_public": False})


def test_list_and_detail_with_filters_sorting_and_paging(admin, user):
    _seed(admin)
    body = user.get("/v2.1/flavors").json
    assert [f["id"] for f in body["flavors"]] == ["1", "2", "3"]
    assert set(body["flavors"][0]) == {"id", "name", "links"}
    assert "flavors_links" not in body
    detail = user.get("/v2.1/flavors/detail?minRam=1024&minDisk=20").json["flavors"]
    assert [f["name"] for f in detail] == ["medium", "large"]
    desc = user.get("/v2.1/flavors?sort_key=memory_mb&sort_dir=desc").json["flavors"]
    assert [f["name"] for f in desc] == ["large", "medium", "small"]
    page = user.get("/v2.1/flavors/detail?limit=2").json
    assert [f["id"] for f in page["flavors"]] == ["1", "2"]
    assert page["flavors_links"] == [
        {"rel": "next", "href": "http://localhost/v2.1/flavors/detail?limit=2&marker=2"}]
    rest = user.get("/v2.1/flavors/detail?limit=2&marker=2").json
    assert [f["id"] for f in rest["flavors"]] == ["3"] and "flavors_links" not in rest


def test_list_errors(admin, user):
    _seed(admin)
    for query in ("minRam=big", "minDisk=x", "sort_key=colour", "sort_dir=up", "limit=-1",
                  "marker=999"):
        resp = user.get("/v2.1/flavors?" + query)
        assert resp.status_int == 400, (query, resp.json)
    assert admin.get("/v2.1/flavors?is_public=maybe").status_int == 400
    assert user.get("/v2.1/flavors?unknown=1").status_int == 200


def test_is_public_filter_has_admin_semantics(admin, user):
    _seed(admin)
    ids = lambda api, q="": [f["id"] for f in api.get("/v2.1/flavors" + q).json["flavors"]]  # noqa: E731
    assert ids(admin) == ["1", "2", "3"]
    assert ids(admin, "?is_public=none") == ["1", "2", "3", "4"]
    assert ids(admin, "?is_public=false") == ["4"]
    # A project member cannot widen the filter; the private flavor stays hidden.
    assert ids(user, "?is_public=false") == ["1", "2", "3"]
    assert user.get("/v2.1/flavors/4").status_int == 404
    # Shared with p1, it shows up in p1's listing and show.
    resp = admin.post("/v2.1/flavors/4/action", {"addTenantAccess": {"tenant": "p1"}})
    assert resp.status_int == 200, resp.json
    assert resp.json == {"flavor_access": [{"flavor_id": "4", "tenant_id": "p1"}]}
    assert ids(user) == ["1", "2", "3", "4"]
    assert user.get("/v2.1/flavors/4").json["flavor"]["os-flavor-access:is_public"] is False


def test_flavor_access(admin, user):
    _seed(admin)
    assert admin.get("/v2.1/flavors/4/os-flavor-access").json == {"flavor_access": []}
    resp = admin.get("/v2.1/flavors/1/os-flavor-access")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == \
        "Access list not available for public flavors."
    add = {"addTenantAccess": {"tenant": "p2"}}
    assert admin.post("/v2.1/flavors/4/action", add).status_int == 200
    assert admin.post("/v2.1/flavors/4/action", add).status_int == 409
    assert admin.post("/v2.1/flavors/1/action", add).status_int == 409
    assert user.post("/v2.1/flavors/4/action", add).status_int == 403
    assert user.get("/v2.1/flavors/4/os-flavor-access").status_int == 403
    assert admin.post("/v2.1/flavors/4/action", {"addTenantAccess": {}}).status_int == 400
    assert admin.post("/v2.1/flavors/4/action", {"explode": {}}).status_int == 400
    remove = {"removeTenantAccess": {"tenant": "p2"}}
    resp = admin.post("/v2.1/flavors/4/action", remove)
    assert resp.status_int == 200 and resp.json == {"flavor_access": []}
    assert admin.post("/v2.1/flavors/4/action", remove).status_int == 404
    assert admin.post("/v2.1/flavors/99/action", remove).status_int == 404


def test_extra_specs(admin, user):
    _create(admin, **TINY)
    base = "/v2.1/flavors/1/os-extra_specs"
    assert user.get(base).json == {"extra_specs": {}}
    resp = admin.post(base, {"extra_specs": {"hw:cpu_policy": "dedicated", "quota:n": 5}})
    assert resp.status_int == 200
    assert resp.json == {"extra_specs": {"hw:cpu_policy": "dedicated", "quota:n": 5}}
    assert user.get(base).json == {"extra_specs": {"hw:cpu_policy": "dedicated",
                                                   "quota:n": "5"}}
    assert user.get(base + "/quota:n").json == {"quota:n": "5"}
    resp = admin.put(base + "/quota:n", {"quota:n": "6"})
    assert resp.status_int == 200 and resp.json == {"quota:n": "6"}
    resp = admin.put(base + "/quota:n", {"other": "6"})
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"] == "Request body and URI mismatch"
    assert admin.put(base + "/quota:n", {"a": "1", "b": "2"}).status_int == 400
    assert admin.post(base, {"extra_specs": {"bad/key": "x"}}).status_int == 400
    assert admin.post(base, {"specs": {}}).status_int == 400
    assert user.post(base, {"extra_specs": {"a": "b"}}).status_int == 403
    assert user.put(base + "/quota:n", {"quota:n": "1"}).status_int == 403
    assert user.delete(base + "/quota:n").status_int == 403
    resp = admin.delete(base + "/quota:n")
    assert resp.status_int == 200 and resp.body == b""
    resp = admin.get(base + "/quota:n")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == \
        "Flavor 1 has no extra specs with key quota:n."
    assert admin.delete(base + "/quota:n").status_int == 404
    assert admin.get("/v2.1/flavors/99/os-extra_specs").status_int == 404


def test_unknown_method_is_405(admin):
    resp = admin.request("PATCH", "/v2.1/flavors/1")
    assert resp.status_int == 405
    assert resp.headers["Allow"] == "DELETE, GET, PUT"  # PUT from 2.55
