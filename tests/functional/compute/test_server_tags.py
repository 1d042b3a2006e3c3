"""Server tags through the REST API (api-ref "Server tags", 2.26), fake driver.

What ``openstack server add tag`` / ``remove tag`` / ``server set --tag``
and the list filters rely on: each route's code and body, the tag rules
(400), the 2.26 gate (404 below it), the 409 of a state that forbids
changes, 404 for another project's server, the ``tags`` field of the
server and the tags, tags-any, not-tags and not-tags-any filters.
"""

import pytest

from tests.fixtures import images, services

TAGS = "/v2.1/servers/{}/tags"
TAG = "/v2.1/servers/{}/tags/{}"
VERSION = "2.26"


@pytest.fixture
def api(nova_cloud):
    return nova_cloud.api.with_version(VERSION)


@pytest.fixture
def server(nova_cloud):
    """An ACTIVE server of the ordinary user; its id."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def _ok(resp, code=200):
    assert resp.status_code == code, resp.text
    return resp.json() if resp.content else None


def _fault(resp, code, key):
    assert resp.status_code == code, resp.text
    return resp.json()[key]["message"]


def test_add_check_list_replace_delete(nova_cloud, api, server):
    assert _ok(api.get(TAGS.format(server))) == {"tags": []}

    resp = api.put(TAG.format(server, "web"))
    assert _ok(resp, 201) is None
    assert resp.headers["Location"] == f"{nova_cloud.url}/v2.1/servers/{server}/tags/web"
    # Adding a tag the server has is a 204 and changes nothing.
    assert _ok(api.put(TAG.format(server, "web")), 204) is None
    assert _ok(api.put(TAG.format(server, "db 1")), 201) is None
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["db 1", "web"]}
    assert _ok(api.get(TAG.format(server, "web")), 204) is None
    message = _fault(api.get(TAG.format(server, "nope")), 404, "itemNotFound")
    assert message == f"Instance {server} has no tag 'nope'"
    # The server body shows its tags from 2.26, not before.
    assert sorted(nova_cloud.get_server(server, api=api)["tags"]) == ["db 1", "web"]
    assert "tags" not in nova_cloud.get_server(server, api=nova_cloud.api)

    replaced = _ok(api.put(TAGS.format(server), {"tags": ["b", "a", "b"]}))
    assert replaced == {"tags": ["a", "b"]}
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["a", "b"]}

    assert _ok(api.delete(TAG.format(server, "a")), 204) is None
    _fault(api.delete(TAG.format(server, "a")), 404, "itemNotFound")
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["b"]}
    assert _ok(api.delete(TAGS.format(server)), 204) is None
    assert _ok(api.get(TAGS.format(server))) == {"tags": []}
    assert _ok(api.put(TAGS.format(server), {"tags": []})) == {"tags": []}


def test_routes_do_not_exist_before_2_26(nova_cloud, server):
    old = nova_cloud.api.with_version("2.25")
    for resp in (old.get(TAGS.format(server)), old.put(TAGS.format(server), {"tags": []}),
                 old.delete(TAGS.format(server)), old.get(TAG.format(server, "a")),
                 old.put(TAG.format(server, "a")), old.delete(TAG.format(server, "a"))):
        _fault(resp, 404, "itemNotFound")
    assert _ok(nova_cloud.api.with_version(VERSION).get(TAGS.format(server))) == {
        "tags": []}


def test_bad_tags_are_400_and_change_nothing(api, server):
    _ok(api.put(TAGS.format(server), {"tags": ["keep"]}))
    bad_bodies = [None, {}, {"tags": "a"}, {"tags": [""]}, {"tags": ["a,b"]},
                  {"tags": ["a/b"]}, {"tags": ["x" * 61]}, {"tags": [1]},
                  {"tags": ["a"], "other": 1},
                  {"tags": [f"t{i}" for i in range(51)]}]
    for body in bad_bodies:
        resp = api.put(TAGS.format(server), body)
        assert resp.status_code == 400, (body, resp.text)
        assert "badRequest" in resp.json()
    for tag in ("a,b", "x" * 61):
        _fault(api.put(TAG.format(server, tag)), 400, "badRequest")
    # PUT of one tag takes no body.
    _fault(api.put(TAG.format(server, "a"), {"tag": "a"}), 400, "badRequest")
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["keep"]}
    # 60 characters is fine.
    _ok(api.put(TAG.format(server, "x" * 60)), 201)


def test_at_most_50_tags(api, server):
    fifty = [f"t{i:02d}" for i in range(50)]
    assert _ok(api.put(TAGS.format(server), {"tags": fifty})) == {"tags": fifty}
    message = _fault(api.put(TAG.format(server, "one-more")), 400, "badRequest")
    assert "50" in message
    # A tag the server has is still a 204.
    _ok(api.put(TAG.format(server, "t00")), 204)
    assert _ok(api.get(TAGS.format(server))) == {"tags": fifty}


def test_shelved_server_changes_tags_server_in_error_does_not(nova_cloud, api, server):
    assert api.post(f"/v2.1/servers/{server}/action", {"shelve": None}).status_code == 202
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    _ok(api.put(TAG.format(server, "cold")), 201)
    resp = nova_cloud.admin_api.post(f"/v2.1/servers/{server}/action",
                                     {"os-resetState": {"state": "error"}})
    assert resp.status_code == 202, resp.text
    for resp, action in ((api.put(TAG.format(server, "x")), "update tag"),
                         (api.put(TAGS.format(server), {"tags": []}), "update tags"),
                         (api.delete(TAG.format(server, "cold")), "delete tag"),
                         (api.delete(TAGS.format(server)), "delete tags")):
        message = _fault(resp, 409, "conflictingRequest")
        assert message == (f"Cannot '{action}' instance {server} while it is in "
                           "vm_state error")
    # Reading is allowed.
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["cold"]}
    _ok(api.get(TAG.format(server, "cold")), 204)


def test_locked_server_still_changes_tags(nova_cloud, api, server):
    assert api.post(f"/v2.1/servers/{server}/action", {"lock": None}).status_code == 202
    _ok(api.put(TAG.format(server, "locked")), 201)


def test_another_projects_server_does_not_exist(nova_cloud, api, server):
    _ok(api.put(TAG.format(server, "mine")), 201)
    stranger = services.RestClient(nova_cloud.url, "eve:other-project", version=VERSION)
    try:
        for resp in (stranger.get(TAGS.format(server)),
                     stranger.get(TAG.format(server, "mine")),
                     stranger.put(TAG.format(server, "x")),
                     stranger.put(TAGS.format(server), {"tags": []}),
                     stranger.delete(TAG.format(server, "mine")),
                     stranger.delete(TAGS.format(server))):
            _fault(resp, 404, "itemNotFound")
    finally:
        stranger.close()
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["mine"]}
    admin = nova_cloud.admin_api.with_version(VERSION)
    _ok(admin.put(TAG.format(server, "admin")), 201)
    assert _ok(api.get(TAGS.format(server))) == {"tags": ["admin", "mine"]}


def _ids(api, query, detail=False):
    path = "/v2.1/servers/detail" if detail else "/v2.1/servers"
    resp = api.get(f"{path}?{query}")
    assert resp.status_code == 200, resp.text
    return {s["id"] for s in resp.json()["servers"]}


def test_list_filters(nova_cloud, api):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    ids = {}
    for name, tags in (("ab", ["a", "b"]), ("a", ["a"]), ("c", ["c"]), ("none", [])):
        ids[name] = nova_cloud.create_server("1", images.IMAGE_ID, name=name)["id"]
        nova_cloud.wait_for_server_status(ids[name], "ACTIVE")
        _ok(api.put(TAGS.format(ids[name]), {"tags": tags}))
    every = set(ids.values())

    assert _ids(api, "tags=a") == {ids["ab"], ids["a"]}
    assert _ids(api, "tags=a,b") == {ids["ab"]}
    assert _ids(api, "tags-any=b,c") == {ids["ab"], ids["c"]}
    # not-tags: servers lacking at least one of them.
    assert _ids(api, "not-tags=a,b") == every - {ids["ab"]}
    # not-tags-any: servers with none of them.
    assert _ids(api, "not-tags-any=a,c") == {ids["none"]}
    assert _ids(api, "tags=a&not-tags-any=b", detail=True) == {ids["a"]}
    detail = api.get("/v2.1/servers/detail?tags-any=c").json()["servers"]
    assert [s["tags"] for s in detail] == [["c"]]
    # Before 2.26 the tag filters are ignored like unknown parameters.
    assert _ids(nova_cloud.api.with_version("2.25"), "tags=a,b") == every
