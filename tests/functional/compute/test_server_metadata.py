"""Server metadata through the REST API (api-ref "Server metadata"), fake driver.

What ``openstack server set --property k=v`` (POST .../metadata) and
``openstack server unset --property k`` (DELETE .../metadata/{key}) rely
on: the bodies and codes of each route, the 404s, the schema's 400s, the
409s of a locked server or a state that forbids changes, the 403 of the
metadata_items limit.
"""

import pytest

from nova import policy
from tests.fixtures import images, services

META = "/v2.1/servers/{}/metadata"
ITEM = "/v2.1/servers/{}/metadata/{}"


@pytest.fixture
def server(nova_cloud):
    """An ACTIVE server of the ordinary user with metadata {"a": "1"}; its id."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1",
                                       metadata={"a": "1"})
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def _ok(resp, code=200):
    assert resp.status_code == code, resp.text
    return resp.json() if resp.content else None


def _fault(resp, code, key):
    assert resp.status_code == code, resp.text
    return resp.json()[key]["message"]


def test_list_merge_replace_show_set_delete(nova_cloud, server):
    api = nova_cloud.api
    assert _ok(api.get(META.format(server))) == {"metadata": {"a": "1"}}

    # POST merges and answers the whole metadata.
    merged = _ok(api.post(META.format(server), {"metadata": {"b": "2", "a": "one"}}))
    assert merged == {"metadata": {"a": "one", "b": "2"}}
    # PUT replaces it all.
    replaced = _ok(api.put(META.format(server), {"metadata": {"c": "3", "d": ""}}))
    assert replaced == {"metadata": {"c": "3", "d": ""}}
    assert _ok(api.get(META.format(server))) == {"metadata": {"c": "3", "d": ""}}

    assert _ok(api.get(ITEM.format(server, "c"))) == {"meta": {"c": "3"}}
    assert _ok(api.put(ITEM.format(server, "e"), {"meta": {"e": "5"}})) == {
        "meta": {"e": "5"}}
    assert _ok(api.put(ITEM.format(server, "c"), {"meta": {"c": "three"}})) == {
        "meta": {"c": "three"}}
    assert _ok(api.delete(ITEM.format(server, "d")), 204) is None
    expected = {"c": "three", "e": "5"}
    assert _ok(api.get(META.format(server))) == {"metadata": expected}
    # The server's own body shows the same metadata.
    assert nova_cloud.get_server(server, api=api)["metadata"] == expected

    # PUT with an empty dict removes everything.
    assert _ok(api.put(META.format(server), {"metadata": {}})) == {"metadata": {}}
    assert nova_cloud.get_server(server)["metadata"] == {}


def test_unknown_key_and_unknown_server_are_404(nova_cloud, server):
    api = nova_cloud.api
    message = _fault(api.get(ITEM.format(server, "nope")), 404, "itemNotFound")
    assert message == "Metadata item was not found"
    _fault(api.delete(ITEM.format(server, "nope")), 404, "itemNotFound")
    missing = "7a3ce4e0-0000-4000-8000-000000000000"
    for resp in (api.get(META.format(missing)),
                 api.post(META.format(missing), {"metadata": {"x": "1"}}),
                 api.put(META.format(missing), {"metadata": {}}),
                 api.get(ITEM.format(missing, "a")),
                 api.put(ITEM.format(missing, "a"), {"meta": {"a": "1"}}),
                 api.delete(ITEM.format(missing, "a"))):
        _fault(resp, 404, "itemNotFound")


_BAD_BODIES = [
    ("post", META, None),
    ("post", META, {"metadata": "x"}),
    ("post", META, {"meta": {"a": "1"}}),
    ("post", META, {"metadata": {"a": 1}}),
    ("post", META, {"metadata": {"a" * 256: "1"}}),
    ("post", META, {"metadata": {"a": "x" * 256}}),
    ("post", META, {"metadata": {"bad/key": "1"}}),
    ("put", META, {"metadata": {"": "1"}}),
    ("put", META, {"metadata": {"a": "1"}, "extra": 1}),
    ("put", ITEM, {"meta": {}}),
    ("put", ITEM, {"meta": {"a": "1", "b": "2"}}),
    ("put", ITEM, {"metadata": {"a": "1"}}),
    # The body's key must be the URL's.
    ("put", ITEM, {"meta": {"b": "1"}}),
]


def test_bad_bodies_are_400_and_change_nothing(nova_cloud, server):
    for method, path, body in _BAD_BODIES:
        url = path.format(server, "a") if path == ITEM else path.format(server)
        resp = getattr(nova_cloud.api, method)(url, body)
        assert resp.status_code == 400, (method, path, body, resp.text)
        assert "badRequest" in resp.json()
    assert _ok(nova_cloud.api.get(META.format(server))) == {"metadata": {"a": "1"}}


def test_more_items_than_the_quota_is_403(nova_cloud, server):
    too_many = {f"k{i}": "v" for i in range(128)}  # 128 new + "a" = 129 > 128
    message = _fault(nova_cloud.api.post(META.format(server), {"metadata": too_many}),
                     403, "forbidden")
    assert "128" in message
    assert _ok(nova_cloud.api.get(META.format(server))) == {"metadata": {"a": "1"}}
    # Replacing with exactly the limit is fine.
    del too_many["k0"]
    too_many["a"] = "1"
    assert len(_ok(nova_cloud.api.put(META.format(server),
                                      {"metadata": too_many}))["metadata"]) == 128


def test_locked_server_refuses_the_owner_not_the_admin(nova_cloud, server):
    api = nova_cloud.api
    resp = nova_cloud.admin_api.post(f"/v2.1/servers/{server}/action", {"lock": None})
    assert resp.status_code == 202, resp.text
    for resp in (api.post(META.format(server), {"metadata": {"b": "2"}}),
                 api.put(META.format(server), {"metadata": {}}),
                 api.put(ITEM.format(server, "b"), {"meta": {"b": "2"}}),
                 api.delete(ITEM.format(server, "a"))):
        assert "is locked" in _fault(resp, 409, "conflictingRequest")
    # Reading is allowed, and the admin may change it.
    assert _ok(api.get(META.format(server))) == {"metadata": {"a": "1"}}
    _ok(nova_cloud.admin_api.post(META.format(server), {"metadata": {"b": "2"}}))
    assert _ok(api.get(META.format(server))) == {"metadata": {"a": "1", "b": "2"}}


def test_stopped_server_changes_shelved_one_does_not(nova_cloud, server):
    api = nova_cloud.api
    assert api.post(f"/v2.1/servers/{server}/action", {"os-stop": None}).status_code == 202
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    _ok(api.post(META.format(server), {"metadata": {"b": "2"}}))
    assert api.post(f"/v2.1/servers/{server}/action", {"shelve": None}).status_code == 202
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    message = _fault(api.post(META.format(server), {"metadata": {"c": "3"}}), 409,
                     "conflictingRequest")
    assert message == (f"Cannot 'update metadata' instance {server} while it is in "
                       "vm_state shelved_offloaded")
    message = _fault(api.delete(ITEM.format(server, "a")), 409, "conflictingRequest")
    assert "Cannot 'delete metadata'" in message
    assert _ok(api.get(META.format(server))) == {"metadata": {"a": "1", "b": "2"}}


def test_server_in_error_refuses_changes(bare_nova_cloud):
    # No compute host: the server ends in ERROR (in cell0).
    bare_nova_cloud.create_flavor(flavor_id="1", ram=128)
    server = bare_nova_cloud.create_server("1", images.IMAGE_ID, metadata={"a": "1"})["id"]
    bare_nova_cloud.wait_for_server_status(server, "ERROR")
    api = bare_nova_cloud.api
    assert _ok(api.get(META.format(server))) == {"metadata": {"a": "1"}}
    assert "vm_state error" in _fault(api.put(META.format(server), {"metadata": {}}),
                                      409, "conflictingRequest")


def test_another_projects_server_does_not_exist(nova_cloud, server):
    stranger = services.RestClient(nova_cloud.url, "eve:other-project")
    try:
        _fault(stranger.get(META.format(server)), 404, "itemNotFound")
        _fault(stranger.get(ITEM.format(server, "a")), 404, "itemNotFound")
        _fault(stranger.post(META.format(server), {"metadata": {"x": "1"}}), 404,
               "itemNotFound")
        _fault(stranger.delete(ITEM.format(server, "a")), 404, "itemNotFound")
    finally:
        stranger.close()
    assert _ok(nova_cloud.api.get(META.format(server))) == {"metadata": {"a": "1"}}
    # The admin sees and changes any project's server.
    _ok(nova_cloud.admin_api.put(ITEM.format(server, "a"), {"meta": {"a": "2"}}))
    assert _ok(nova_cloud.api.get(ITEM.format(server, "a"))) == {"meta": {"a": "2"}}


def test_policy_can_forbid_changes(nova_cloud, server, tmp_path, conf_fixture):
    rules = tmp_path / "policy.yaml"
    rules.write_text('"os_compute_api:server-metadata:create": "rule:context_is_admin"\n')
    conf_fixture.config(policy_file=str(rules), group="oslo_policy")
    policy.reset()
    try:
        _fault(nova_cloud.api.post(META.format(server), {"metadata": {"b": "2"}}), 403,
               "forbidden")
        _ok(nova_cloud.api.get(META.format(server)))
    finally:
        policy.reset()
