"""Resize and cold migration between two in-process compute hosts (fake driver).

Each move is driven through the REST API; the assertions are what a user
and an operator see: the server's status, host and flavor, its Placement
allocations (source under the migration's uuid during the move, only the
right host after confirm, revert or failure) and the migration records.
"""

import pytest

from nova import context as nova_context
from nova import objects
from tests.fixtures import images

ACTION = "/v2.1/servers/{}/action"


@pytest.fixture
def two_hosts(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("host1")
    cloud.start_compute("host2")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    cloud.create_flavor("big", ram=1024, vcpus=2, disk=2, flavor_id="2")
    cloud.create_flavor("tiny-disk", ram=256, vcpus=1, disk=0, flavor_id="3")
    return cloud


def _boot(cloud, flavor="1"):
    server = cloud.create_server(flavor)
    return cloud.wait_for_server_status(server["id"], "ACTIVE")


def _act(cloud, server_id, body, api=None, version=None):
    client = api or cloud.api
    if version:
        client = client.with_version(version)
    return client.post(ACTION.format(server_id), body)


def _migrations(cloud, server_id):
    ctxt = cloud.context()
    cell1 = [c for c in objects.CellMappingList.get_all(ctxt) if not c.is_cell0()][0]
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        return list(objects.MigrationList.get_by_filters(
            cctxt, {"instance_uuid": server_id}))


def _resized(cloud, server_id):
    return cloud.wait_for_server_status(server_id, "VERIFY_RESIZE")


def _other(host):
    return "host2" if host == "host1" else "host1"


def test_resize_then_confirm_moves_the_server_and_its_allocation(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    source = server["OS-EXT-SRV-ATTR:host"]
    resp = _act(cloud, server["id"], {"resize": {"flavorRef": "2"}})
    assert resp.status_code == 202, resp.text
    server = _resized(cloud, server["id"])
    dest = server["OS-EXT-SRV-ATTR:host"]
    assert dest == _other(source)
    assert server["flavor"]["id"] == "2"
    (migration,) = _migrations(cloud, server["id"])
    assert (migration.status, migration.migration_type) == ("finished", "resize")
    assert (migration.source_compute, migration.dest_compute) == (source, dest)
    # During the move: the source held by the migration, the new flavor by the server.
    src_rp, dst_rp = cloud.provider_uuid(source), cloud.provider_uuid(dest)
    assert cloud.allocations(migration.uuid) == {
        src_rp: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    assert cloud.allocations(server["id"]) == {
        dst_rp: {"VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 2}}
    # The guest on the destination sees the bigger disk.
    dest_driver = cloud.plane.computes[dest].manager.driver
    assert dest_driver.disk_gb[server["id"]] == 2

    resp = _act(cloud, server["id"], {"confirmResize": None})
    assert resp.status_code == 204, resp.text
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == dest
    cloud.wait_for(lambda: _migrations(cloud, server["id"])[0].status == "confirmed")
    assert cloud.allocations(migration.uuid) == {}
    assert list(cloud.allocations(server["id"])) == [dst_rp]
    assert not any(cloud.usages(src_rp).values())
    source_driver = cloud.plane.computes[source].manager.driver
    assert server["id"] not in source_driver.list_instance_uuids()
    actions = cloud.api.get(f"/v2.1/servers/{server['id']}/os-instance-actions").json()
    assert {"resize", "confirmResize"} <= {a["action"] for a in actions["instanceActions"]}


def test_resize_then_revert_gives_the_source_back(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    source = server["OS-EXT-SRV-ATTR:host"]
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
    _resized(cloud, server["id"])
    resp = _act(cloud, server["id"], {"revertResize": None})
    assert resp.status_code == 202, resp.text
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert server["flavor"]["id"] == "1"
    (migration,) = _migrations(cloud, server["id"])
    assert migration.status == "reverted"
    src_rp, dst_rp = cloud.provider_uuid(source), cloud.provider_uuid(_other(source))
    assert cloud.allocations(server["id"]) == {
        src_rp: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    assert cloud.allocations(migration.uuid) == {}
    assert not any(cloud.usages(dst_rp).values())
    dest_driver = cloud.plane.computes[_other(source)].manager.driver
    assert server["id"] not in dest_driver.list_instance_uuids()


def test_cold_migrate_to_a_named_host_and_confirm(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    source = server["OS-EXT-SRV-ATTR:host"]
    dest = _other(source)
    # The user may not migrate; an admin may, to a host from 2.56.
    assert _act(cloud, server["id"], {"migrate": None}).status_code == 403
    resp = _act(cloud, server["id"], {"migrate": {"host": dest}}, api=cloud.admin_api,
                version="2.56")
    assert resp.status_code == 202, resp.text
    server = _resized(cloud, server["id"])
    assert server["OS-EXT-SRV-ATTR:host"] == dest
    assert server["flavor"]["id"] == "1"
    (migration,) = _migrations(cloud, server["id"])
    assert migration.migration_type == "migration"
    assert _act(cloud, server["id"], {"confirmResize": None}).status_code == 204
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid(dest)]


def test_stopped_server_stays_stopped_through_a_migration(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    assert _act(cloud, server["id"], {"os-stop": None}).status_code == 202
    cloud.wait_for_server_status(server["id"], "SHUTOFF")
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    _resized(cloud, server["id"])
    assert _act(cloud, server["id"], {"revertResize": None}).status_code == 202
    cloud.wait_for_server_status(server["id"], "SHUTOFF")


def test_request_errors_and_state_rules(two_hosts):
    cloud = two_hosts
    server = _boot(cloud, flavor="2")
    sid = server["id"]
    same = _act(cloud, sid, {"resize": {"flavorRef": "2"}})
    assert same.status_code == 400, same.text
    smaller_disk = _act(cloud, sid, {"resize": {"flavorRef": "1"}})
    assert smaller_disk.status_code == 400, smaller_disk.text
    assert _act(cloud, sid, {"resize": {"flavorRef": "404"}}).status_code == 400
    assert _act(cloud, sid, {"resize": {}}).status_code == 400
    # Confirm and revert need a resized server: 409 from ACTIVE.
    assert _act(cloud, sid, {"confirmResize": None}).status_code == 409
    assert _act(cloud, sid, {"revertResize": None}).status_code == 409
    own_host = _act(cloud, sid, {"migrate": {"host": server["OS-EXT-SRV-ATTR:host"]}},
                    api=cloud.admin_api, version="2.56")
    assert own_host.status_code == 400
    assert _act(cloud, sid, {"migrate": {"host": "nowhere"}}, api=cloud.admin_api,
                version="2.56").status_code == 400
    # No host before 2.56.
    assert _act(cloud, sid, {"migrate": {"host": "host1"}},
                api=cloud.admin_api).status_code == 400
    # Nothing changed.
    assert _migrations(cloud, sid) == []
    assert cloud.get_server(sid)["status"] == "ACTIVE"
    # A resized server cannot be resized or migrated again: 409.
    assert _act(cloud, sid, {"migrate": None}, api=cloud.admin_api).status_code == 202
    _resized(cloud, sid)
    assert _act(cloud, sid, {"migrate": None}, api=cloud.admin_api).status_code == 409
    assert _act(cloud, sid, {"os-stop": None}).status_code == 409


def test_no_other_host_keeps_the_server_active_with_a_fault(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("only")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    server = _boot(cloud)
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    cloud.wait_for(lambda: _migrations(cloud, server["id"])
                   and _migrations(cloud, server["id"])[0].status == "error")
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    rp = cloud.provider_uuid("only")
    assert list(cloud.allocations(server["id"])) == [rp]
    (migration,) = _migrations(cloud, server["id"])
    assert cloud.allocations(migration.uuid) == {}
    # The reason is in the migrate action's conductor event.
    (request,) = [a for a in cloud.admin_api.get(
        f"/v2.1/servers/{server['id']}/os-instance-actions").json()["instanceActions"]
        if a["action"] == "migrate"]
    detail = cloud.admin_api.get(f"/v2.1/servers/{server['id']}/os-instance-actions/"
                                 f"{request['request_id']}").json()["instanceAction"]
    (event,) = [e for e in detail["events"] if e["event"] == "conductor_migrate_server"]
    assert event["result"] == "Error"


def test_resize_to_same_host_when_allowed(bare_nova_cloud):
    cloud = bare_nova_cloud
    from nova.conf import CONF
    CONF.set_override("allow_resize_to_same_host", True)
    try:
        cloud.start_compute("only")
        cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
        cloud.create_flavor("big", ram=1024, vcpus=2, disk=2, flavor_id="2")
        server = _boot(cloud)
        assert _act(cloud, server["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
        server = _resized(cloud, server["id"])
        assert server["OS-EXT-SRV-ATTR:host"] == "only"
        assert _act(cloud, server["id"], {"confirmResize": None}).status_code == 204
        server = cloud.wait_for_server_status(server["id"], "ACTIVE")
        rp = cloud.provider_uuid("only")
        assert cloud.allocations(server["id"]) == {
            rp: {"VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 2}}
        assert cloud.usages(rp) == {"VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 2}
        driver = cloud.plane.computes["only"].manager.driver
        assert server["id"] in driver.list_instance_uuids()
    finally:
        CONF.clear_override("allow_resize_to_same_host")


def test_failure_on_the_destination_returns_the_server_to_its_source(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("good")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    server = _boot(cloud)
    cloud.start_compute("bad", driver="fake.FailingMigrationFakeDriver")
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    cloud.wait_for(lambda: cloud.get_server(server["id"])["OS-EXT-STS:task_state"] is None
                   and cloud.get_server(server["id"])["status"] == "ACTIVE", timeout=30)
    server = cloud.get_server(server["id"])
    assert server["OS-EXT-SRV-ATTR:host"] == "good"
    assert [m.status for m in _migrations(cloud, server["id"])] == ["error"]
    (migration,) = _migrations(cloud, server["id"])
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid("good")]
    assert cloud.allocations(migration.uuid) == {}
    assert not any(cloud.usages(cloud.provider_uuid("bad")).values())
    driver = cloud.plane.computes["good"].manager.driver
    assert driver.get_info(objects.Instance(uuid=server["id"])).state == 1


def test_deleting_a_resized_server_frees_both_hosts(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
    _resized(cloud, server["id"])
    cloud.delete_server(server["id"])
    for host in ("host1", "host2"):
        cloud.wait_for(lambda h=host: not any(cloud.usages(cloud.provider_uuid(h)).values()))
        driver = cloud.plane.computes[host].manager.driver
        cloud.wait_for(lambda d=driver: server["id"] not in d.list_instance_uuids())


def test_resize_confirmed_automatically_after_the_window(two_hosts):
    import time

    from nova.conf import CONF
    cloud = two_hosts
    server = _boot(cloud)
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
    server = _resized(cloud, server["id"])
    dest = server["OS-EXT-SRV-ATTR:host"]
    CONF.set_override("resize_confirm_window", 1)
    try:
        time.sleep(1.5)
        # The destination's periodic task, run now instead of waiting for it.
        manager = cloud.plane.computes[dest].manager
        manager._poll_unconfirmed_resizes(cloud.context())
    finally:
        CONF.clear_override("resize_confirm_window")
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    cloud.wait_for(lambda: _migrations(cloud, server["id"])[0].status == "confirmed")
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid(dest)]
    actions = cloud.api.get(f"/v2.1/servers/{server['id']}/os-instance-actions").json()
    assert "confirmResize" in {a["action"] for a in actions["instanceActions"]}


# -- GET /os-migrations ------------------------------------------------------------


def _list(cloud, query="", version="2.1", api=None):
    client = (api or cloud.admin_api).with_version(version)
    return client.get("/v2.1/os-migrations" + query)


def test_os_migrations_fields_filters_and_paging(two_hosts):
    cloud = two_hosts
    first = _boot(cloud)
    second = _boot(cloud)
    assert _act(cloud, first["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
    _resized(cloud, first["id"])
    assert _act(cloud, first["id"], {"revertResize": None}).status_code == 202
    cloud.wait_for_server_status(first["id"], "ACTIVE")
    assert _act(cloud, second["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    _resized(cloud, second["id"])

    # Administrators only.
    assert _list(cloud, api=cloud.api).status_code == 403
    resp = _list(cloud)
    assert resp.status_code == 200, resp.text
    migrations = resp.json()["migrations"]
    assert len(migrations) == 2
    assert set(migrations[0]) == {
        "id", "status", "instance_uuid", "source_node", "dest_node", "source_compute",
        "dest_compute", "dest_host", "old_instance_type_id", "new_instance_type_id",
        "created_at", "updated_at"}
    by_server = {m["instance_uuid"]: m for m in migrations}
    assert by_server[first["id"]]["status"] == "reverted"
    assert by_server[second["id"]]["status"] == "finished"

    v223 = _list(cloud, version="2.23").json()["migrations"]
    assert {m["migration_type"] for m in v223} == {"resize", "migration"}
    assert "uuid" not in v223[0]
    assert [m["instance_uuid"] for m in _list(
        cloud, "?migration_type=resize", version="2.23").json()["migrations"]] == [first["id"]]
    assert [m["instance_uuid"] for m in _list(
        cloud, "?status=finished").json()["migrations"]] == [second["id"]]
    assert [m["instance_uuid"] for m in _list(
        cloud, f"?instance_uuid={second['id']}").json()["migrations"]] == [second["id"]]
    host = second["OS-EXT-SRV-ATTR:host"]
    assert second["id"] in [m["instance_uuid"] for m in _list(
        cloud, f"?host={host}").json()["migrations"]]
    assert _list(cloud, "?host=nowhere").json()["migrations"] == []

    # 2.59: uuid, newest first, paging by uuid.
    page = _list(cloud, "?limit=1", version="2.59").json()
    (newest,) = page["migrations"]
    assert newest["instance_uuid"] == second["id"] and "uuid" in newest
    assert "marker=" + newest["uuid"] in page["migrations_links"][0]["href"]
    rest = _list(cloud, f"?limit=1&marker={newest['uuid']}", version="2.59").json()
    assert [m["instance_uuid"] for m in rest["migrations"]] == [first["id"]]
    assert _list(cloud, "?marker=unknown", version="2.59").status_code == 400
    assert _list(cloud, "?foo=1", version="2.59").status_code == 400
    assert _list(cloud, "?changes-before=2000-01-01T00:00:00Z",
                 version="2.59").status_code == 400
    # 2.66: changes-before; 2.80: the owner and its filters.
    assert _list(cloud, "?changes-before=2000-01-01T00:00:00Z",
                 version="2.66").json()["migrations"] == []
    v280 = _list(cloud, version="2.80").json()["migrations"]
    assert {m["project_id"] for m in v280} == {cloud.get_server(first["id"])["tenant_id"]}
    user_id = v280[0]["user_id"]
    assert len(_list(cloud, f"?user_id={user_id}", version="2.80").json()["migrations"]) == 2
    assert _list(cloud, "?project_id=other", version="2.80").json()["migrations"] == []
    assert _list(cloud, "?project_id=other", version="2.79").status_code == 400


def test_migration_rescheduled_to_an_alternate_when_the_first_host_refuses(
        bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("src")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    server = _boot(cloud)
    # "refuses" has the most free RAM, so the weighers try it first.
    cloud.start_compute("refuses", driver="fake.NoMigrateFakeDriver")
    cloud.start_compute("small", driver="fake.SmallFakeDriver")
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    server = _resized(cloud, server["id"])
    assert server["OS-EXT-SRV-ATTR:host"] == "small"
    (migration,) = _migrations(cloud, server["id"])
    assert migration.dest_compute == "small"
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid("small")]
    assert list(cloud.allocations(migration.uuid)) == [cloud.provider_uuid("src")]
    assert not any(cloud.usages(cloud.provider_uuid("refuses")).values())
    assert _act(cloud, server["id"], {"revertResize": None}).status_code == 202
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "src"
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid("src")]


def test_migration_refused_by_every_host_keeps_the_server_on_its_source(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("src")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    server = _boot(cloud)
    cloud.start_compute("refuses", driver="fake.NoMigrateFakeDriver")
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    cloud.wait_for(lambda: [m.status for m in _migrations(cloud, server["id"])] == ["error"])
    cloud.wait_for(lambda: cloud.get_server(server["id"])["OS-EXT-STS:task_state"] is None)
    server = cloud.get_server(server["id"])
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "src")
    (migration,) = _migrations(cloud, server["id"])
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid("src")]
    assert cloud.allocations(migration.uuid) == {}
    assert not any(cloud.usages(cloud.provider_uuid("refuses")).values())


def _hypervisor_memory_used(cloud):
    for service in cloud.plane.computes.values():
        service.manager.update_available_resource(cloud.context())
    resp = cloud.admin_api.get("/v2.1/os-hypervisors/detail")
    assert resp.status_code == 200, resp.text
    return {h["hypervisor_hostname"]: h["memory_mb_used"]
            for h in resp.json()["hypervisors"]}


def test_hosts_account_for_a_move_waiting_for_confirmation(two_hosts):
    cloud = two_hosts
    server = _boot(cloud)
    source = server["OS-EXT-SRV-ATTR:host"]
    dest = _other(source)
    base = _hypervisor_memory_used(cloud)
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "2"}}).status_code == 202
    _resized(cloud, server["id"])
    # The source keeps the old guest (512 MiB) until confirmed; the
    # destination runs the new one (1024 MiB).
    during = _hypervisor_memory_used(cloud)
    assert during[source] == base[source]
    assert during[dest] == base[dest] + 1024
    assert _act(cloud, server["id"], {"confirmResize": None}).status_code == 204
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    cloud.wait_for(lambda: _migrations(cloud, server["id"])[0].status == "confirmed")
    after = _hypervisor_memory_used(cloud)
    assert after[source] == base[source] - 512
    assert after[dest] == base[dest] + 1024


def test_resize_beyond_the_ram_quota_is_refused(two_hosts, conf_fixture):
    cloud = two_hosts
    server = _boot(cloud)
    conf_fixture.config(ram=1000, group="quota")
    resp = _act(cloud, server["id"], {"resize": {"flavorRef": "2"}})
    assert resp.status_code == 403, resp.text
    assert "ram" in resp.json()["forbidden"]["message"]
    assert _migrations(cloud, server["id"]) == []
    assert cloud.get_server(server["id"])["OS-EXT-STS:task_state"] is None


def test_migration_keeps_to_the_anti_affinity_of_its_group(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("host1")
    cloud.start_compute("host2")
    # The weighers prefer the big hosts: only the group's policy sends the
    # move to the small one.
    cloud.start_compute("host3", driver="fake.SmallFakeDriver")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    resp = cloud.api.post("/v2.1/os-server-groups", {"server_group": {
        "name": "apart", "policies": ["anti-affinity"]}})
    assert resp.status_code == 200, resp.text
    group = resp.json()["server_group"]["id"]
    servers = []
    for _ in range(2):
        resp = cloud.api.post("/v2.1/servers", {
            "server": {"name": "g", "imageRef": images.IMAGE_ID, "flavorRef": "1"},
            "os:scheduler_hints": {"group": group}})
        assert resp.status_code == 202, resp.text
        servers.append(cloud.wait_for_server_status(resp.json()["server"]["id"], "ACTIVE"))
    used = {s["OS-EXT-SRV-ATTR:host"] for s in servers}
    (free,) = {"host1", "host2", "host3"} - used
    assert _act(cloud, servers[0]["id"], {"migrate": None},
                api=cloud.admin_api).status_code == 202
    moved = _resized(cloud, servers[0]["id"])
    assert moved["OS-EXT-SRV-ATTR:host"] == free


def test_failure_on_the_source_keeps_the_server_there(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("stuck", driver="fake.FailingMigrateDiskFakeDriver")
    cloud.create_flavor("small", ram=512, vcpus=1, disk=1, flavor_id="1")
    server = _boot(cloud)
    cloud.start_compute("other")
    assert _act(cloud, server["id"], {"migrate": None}, api=cloud.admin_api).status_code == 202
    cloud.wait_for(lambda: [m.status for m in _migrations(cloud, server["id"])] == ["error"])
    cloud.wait_for(lambda: cloud.get_server(server["id"])["OS-EXT-STS:task_state"] is None)
    server = cloud.get_server(server["id"])
    assert (server["status"], server["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "stuck")
    (migration,) = _migrations(cloud, server["id"])
    assert list(cloud.allocations(server["id"])) == [cloud.provider_uuid("stuck")]
    assert cloud.allocations(migration.uuid) == {}
    assert not any(cloud.usages(cloud.provider_uuid("other")).values())
    # The server can move again once the source is healthy; meanwhile it works.
    assert _act(cloud, server["id"], {"os-stop": None}).status_code == 202
    cloud.wait_for_server_status(server["id"], "SHUTOFF")


def test_resize_down_in_memory_keeping_the_disk(two_hosts):
    cloud = two_hosts
    cloud.create_flavor("less-ram", ram=256, vcpus=1, disk=2, flavor_id="4")
    server = _boot(cloud, flavor="2")
    # A locked server refuses a non-admin's resize.
    assert _act(cloud, server["id"], {"lock": None}, api=cloud.admin_api).status_code == 202
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "4"}}).status_code == 409
    assert _act(cloud, server["id"], {"unlock": None}, api=cloud.admin_api).status_code == 202
    assert _act(cloud, server["id"], {"resize": {"flavorRef": "4"}}).status_code == 202
    server = _resized(cloud, server["id"])
    assert server["flavor"]["id"] == "4"
    assert _act(cloud, server["id"], {"confirmResize": None}).status_code == 204
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    dst_rp = cloud.provider_uuid(server["OS-EXT-SRV-ATTR:host"])
    assert cloud.allocations(server["id"]) == {
        dst_rp: {"VCPU": 1, "MEMORY_MB": 256, "DISK_GB": 2}}
