"""Server groups (os-server-groups) end to end: the API, the scheduler's
policy filters, the quotas and the compute host's late policy check."""

import pytest

from tests.fixtures import images
from tests.fixtures.services import PROJECT_ID

GROUPS = "/v2.1/os-server-groups"


def _group(api, policy="anti-affinity", name="g1", status=200):
    resp = api.post(GROUPS, {"server_group": {"name": name, "policies": [policy]}})
    assert resp.status_code == status, resp.text
    return resp.json().get("server_group")


def _boot(cloud, group_id, name="vm", **fields):
    resp = cloud.api.post("/v2.1/servers", {
        "server": {"name": name, "flavorRef": "1", "imageRef": images.IMAGE_ID, **fields},
        "os:scheduler_hints": {"group": group_id}})
    return resp


def _boot_ok(cloud, group_id, name="vm"):
    resp = _boot(cloud, group_id, name)
    assert resp.status_code == 202, resp.text
    return resp.json()["server"]["id"]


def _host(server):
    return server["OS-EXT-SRV-ATTR:host"]


@pytest.fixture
def cloud(bare_nova_cloud):
    """Two compute hosts of the same size and a small flavor "1"."""
    bare_nova_cloud.start_compute("compute1")
    bare_nova_cloud.start_compute("compute2")
    bare_nova_cloud.create_flavor(name="m1.tiny", ram=128, vcpus=1, disk=1, flavor_id="1")
    return bare_nova_cloud


# -- the API -------------------------------------------------------------------

def test_create_show_list_delete(bare_nova_cloud):
    api = bare_nova_cloud.api
    group = _group(api)
    assert group == {"id": group["id"], "name": "g1", "policies": ["anti-affinity"],
                     "members": [], "metadata": {}}
    resp = api.get(f"{GROUPS}/{group['id']}")
    assert resp.status_code == 200 and resp.json() == {"server_group": group}
    resp = api.get(GROUPS)
    assert resp.status_code == 200 and resp.json() == {"server_groups": [group]}
    resp = api.delete(f"{GROUPS}/{group['id']}")
    assert resp.status_code == 204, resp.text
    resp = api.get(f"{GROUPS}/{group['id']}")
    assert resp.status_code == 404 and "itemNotFound" in resp.json()
    assert api.delete(f"{GROUPS}/{group['id']}").status_code == 404


def test_bad_bodies_are_400_and_create_nothing(bare_nova_cloud):
    api = bare_nova_cloud.api
    for body in ({"server_group": {"name": "g", "policies": ["spread"]}},
                 {"server_group": {"name": "g", "policies": ["affinity", "anti-affinity"]}},
                 {"server_group": {"name": "g", "policies": []}},
                 {"server_group": {"name": "g"}},
                 {"server_group": {"name": " g", "policies": ["affinity"]}},
                 {"server_group": {"name": "g", "policies": ["affinity"], "x": 1}}):
        resp = api.post(GROUPS, body)
        assert resp.status_code == 400, (body, resp.text)
        assert resp.json()["badRequest"]["code"] == 400
    # Soft policies exist from 2.15.
    _group(api, "soft-affinity", status=400)
    assert api.get(GROUPS).json() == {"server_groups": []}
    group = _group(api.with_version("2.15"), "soft-anti-affinity")
    assert group["policies"] == ["soft-anti-affinity"]


def test_2_13_shows_project_and_user(bare_nova_cloud):
    group = _group(bare_nova_cloud.api.with_version("2.13"))
    assert group["project_id"] == PROJECT_ID and group["user_id"] == "demo"


def test_all_projects_is_for_admins(bare_nova_cloud):
    cloud = bare_nova_cloud
    mine = _group(cloud.api, name="mine")
    theirs = _group(cloud.admin_api, name="theirs")
    names = [g["name"] for g in cloud.api.get(f"{GROUPS}?all_projects=True").json()[
        "server_groups"]]
    assert names == ["mine"]
    names = [g["name"] for g in cloud.admin_api.get(GROUPS).json()["server_groups"]]
    assert names == ["theirs"]
    groups = cloud.admin_api.get(f"{GROUPS}?all_projects=True").json()["server_groups"]
    assert [g["id"] for g in groups] == [mine["id"], theirs["id"]]
    page = cloud.admin_api.get(f"{GROUPS}?all_projects=True&limit=1&offset=1").json()
    assert [g["id"] for g in page["server_groups"]] == [theirs["id"]]
    # Another project's group is not the user's to see or delete.
    assert cloud.api.get(f"{GROUPS}/{theirs['id']}").status_code == 403
    assert cloud.api.delete(f"{GROUPS}/{theirs['id']}").status_code == 403


def test_server_groups_quota(bare_nova_cloud, conf_fixture):
    conf_fixture.config(server_groups=1, group="quota")
    _group(bare_nova_cloud.api)
    resp = bare_nova_cloud.api.post(
        GROUPS, {"server_group": {"name": "g2", "policies": ["affinity"]}})
    assert resp.status_code == 403, resp.text
    assert "too many server groups" in resp.json()["forbidden"]["message"]
    assert len(bare_nova_cloud.api.get(GROUPS).json()["server_groups"]) == 1


# -- servers in groups ------------------------------------------------------------

def test_unknown_or_malformed_group_hint_is_400(cloud):
    for hint in ("2b1f8a4e-0d56-4a4f-8d47-8a4e2bc1f2a1", "not-a-uuid"):
        resp = _boot(cloud, hint)
        assert resp.status_code == 400, resp.text
    assert cloud.api.get("/v2.1/servers").json() == {"servers": []}


def test_anti_affinity_spreads_and_a_third_server_finds_no_host(cloud):
    group = _group(cloud.api)
    first = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "a"), "ACTIVE")
    second = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "b"), "ACTIVE")
    assert {_host(first), _host(second)} == {"compute1", "compute2"}
    third = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "c"), "ERROR")
    assert "No valid host" in third["fault"]["message"]
    members = cloud.api.get(f"{GROUPS}/{group['id']}").json()["server_group"]["members"]
    assert sorted(members) == sorted([first["id"], second["id"], third["id"]])
    # A deleted server leaves the group.
    cloud.delete_server(third["id"])
    members = cloud.api.get(f"{GROUPS}/{group['id']}").json()["server_group"]["members"]
    assert sorted(members) == sorted([first["id"], second["id"]])


def test_affinity_packs_servers_on_one_host(cloud):
    group = _group(cloud.api, "affinity")
    # The RAM, CPU and disk weighers alone would spread the second server.
    first = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "a"), "ACTIVE")
    second = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "b"), "ACTIVE")
    assert _host(first) == _host(second)


@pytest.mark.parametrize("policy", ["affinity", "anti-affinity"])
def test_one_request_for_two_servers_keeps_the_policy(cloud, policy):
    group = _group(cloud.api, policy)
    resp = _boot(cloud, group["id"], min_count=2, max_count=2)
    assert resp.status_code == 202, resp.text
    servers = cloud.api.get("/v2.1/servers").json()["servers"]
    hosts = {_host(cloud.wait_for_server_status(s["id"], "ACTIVE")) for s in servers}
    assert len(hosts) == (1 if policy == "affinity" else 2)


def test_soft_anti_affinity_spreads_but_does_not_refuse(cloud, conf_fixture):
    # Stacking weighers: only the soft policy spreads the first two.
    for name in ("ram", "cpu", "disk"):
        conf_fixture.config(**{f"{name}_weight_multiplier": -1.0}, group="filter_scheduler")
    conf_fixture.config(soft_anti_affinity_weight_multiplier=10.0, group="filter_scheduler")
    group = _group(cloud.api.with_version("2.15"), "soft-anti-affinity")
    hosts = [_host(cloud.wait_for_server_status(_boot_ok(cloud, group["id"], n), "ACTIVE"))
             for n in ("a", "b", "c")]
    assert set(hosts[:2]) == {"compute1", "compute2"}
    assert hosts[2] in ("compute1", "compute2")


def test_server_group_members_quota(cloud, conf_fixture):
    conf_fixture.config(server_group_members=1, group="quota")
    group = _group(cloud.api, "affinity")
    _boot_ok(cloud, group["id"])
    resp = _boot(cloud, group["id"], "b")
    assert resp.status_code == 403, resp.text
    assert "too many servers in group" in resp.json()["forbidden"]["message"]
    assert len(cloud.api.get("/v2.1/servers").json()["servers"]) == 1


# -- the late check on the host -----------------------------------------------------

def _stale_scheduler(conf_fixture):
    """A scheduler that ignores the group and stacks: its choice breaks the policy."""
    conf_fixture.config(enabled_filters=["ComputeFilter"], group="filter_scheduler")
    for name in ("ram", "cpu", "disk"):
        conf_fixture.config(**{f"{name}_weight_multiplier": -1.0}, group="filter_scheduler")


def test_late_check_reschedules_a_member_the_scheduler_misplaced(cloud, conf_fixture):
    group = _group(cloud.api)
    first = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "a"), "ACTIVE")
    _stale_scheduler(conf_fixture)
    second = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "b"), "ACTIVE")
    assert _host(second) != _host(first)
    # Only the host it runs on holds its allocation.
    assert list(cloud.allocations(second["id"])) == [cloud.provider_uuid(_host(second))]


def test_late_check_without_alternates_ends_in_error(cloud, conf_fixture):
    conf_fixture.config(max_attempts=1, group="scheduler")
    group = _group(cloud.api)
    first = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "a"), "ACTIVE")
    _stale_scheduler(conf_fixture)
    second = cloud.wait_for_server_status(_boot_ok(cloud, group["id"], "b"), "ERROR")
    assert "Anti-affinity instance group policy was violated" in second["fault"]["message"]
    # The stale choice was the first server's host; the host refused it.
    assert _host(second) == _host(first)
