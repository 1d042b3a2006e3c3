"""Live migration and evacuate between two compute hosts, through the REST API.

Two in-process nova-compute services on the fake driver, whose live
migration copies in steps with progress; variants fail halfway or run
slowly enough to be forced or aborted. What a user relies on:

* os-migrateLive moves a running server to the other host (the
  scheduler's choice, a host asked for, or a forced one); its
  allocation ends on the destination only, and the Migration is
  "completed";
* a failed or aborted live migration leaves the server ACTIVE where it
  was, with its source allocation only;
* GET /servers/{id}/migrations shows the running one with its byte
  counters, force_complete finishes it, DELETE aborts it;
* evacuate rebuilds the server of a host whose nova-compute is down on
  the other host; when the old host starts again it removes the guest and
  its allocation there;
* the state rules answer 409 and the bad requests 400.
"""

import pytest

from nova import context as nova_context
from nova import objects
from nova.scheduler.client import report
from tests.fixtures import images

ADMIN_LIVE = "2.34"


def _other(host):
    return {"compute1": "compute2", "compute2": "compute1"}[host]


@pytest.fixture
def flavor(bare_nova_cloud):
    return bare_nova_cloud.create_flavor(name="m1.small", ram=256, vcpus=1, disk=1,
                                         flavor_id="1")


def _cloud(cloud, driver="fake.FakeDriver"):
    cloud.start_compute("compute1", driver=driver)
    cloud.start_compute("compute2", driver=driver)
    return cloud


def _boot(cloud, name="vm"):
    server = cloud.create_server("1", images.IMAGE_ID, name=name)
    active = cloud.wait_for_server_status(server["id"], "ACTIVE")
    return server["id"], active["OS-EXT-SRV-ATTR:host"]


def _action(cloud, server_id, body, version=ADMIN_LIVE, api=None):
    return (api or cloud.admin_api).post(f"/v2.1/servers/{server_id}/action", body,
                                         version=version)


def _live(cloud, server_id, host=None, version=ADMIN_LIVE, **extra):
    args = {"block_migration": "auto", "host": host, **extra}
    return _action(cloud, server_id, {"os-migrateLive": args}, version)


def _migrations(cloud, server_id, migration_type):
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        return list(objects.MigrationList.get_by_filters(
            cctxt, {"instance_uuid": server_id, "migration_type": migration_type}))


def _status(cloud, server_id, migration_type="live-migration"):
    """The status of the server's only migration of that type, None before it exists."""
    found = _migrations(cloud, server_id, migration_type)
    return found[0].status if len(found) == 1 else None


def _migration(cloud, server_id, migration_type="live-migration"):
    found = _migrations(cloud, server_id, migration_type)
    assert len(found) == 1, found
    return found[0]


def _settled(cloud, server_id):
    """Wait for the server's task to end; return the server."""
    return cloud.wait_for(
        lambda: (lambda s: s if s["OS-EXT-STS:task_state"] is None else None)(
            cloud.get_server(server_id)), timeout=30, message="task_state cleared")


def _fault(cloud, server_id):
    """The message of the server's last fault (shown by the API in ERROR only)."""
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, server_id, expected_attrs=["fault"])
    return instance.fault.message if instance.fault else None


def _rp(cloud, host):
    return cloud.provider_uuid(host)


def _events(cloud, server_id, action):
    actions = cloud.admin_api.get(
        f"/v2.1/servers/{server_id}/os-instance-actions").json()["instanceActions"]
    request_id = next(a["request_id"] for a in actions if a["action"] == action)
    return cloud.admin_api.get(
        f"/v2.1/servers/{server_id}/os-instance-actions/{request_id}"
    ).json()["instanceAction"]["events"]


# -- live migration ---------------------------------------------------------------

def test_live_migration_moves_the_running_server_and_its_allocation(
        bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    dest = _other(source)
    resp = _live(cloud, server_id)
    assert resp.status_code == 202, resp.text
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"] == dest,
                   timeout=30, message="server on the destination")
    server = cloud.wait_for_server_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    assert server["OS-EXT-SRV-ATTR:hypervisor_hostname"] == dest
    migration = _migration(cloud, server_id)
    cloud.wait_for(lambda: _status(cloud, server_id) == "completed",
                   message="migration completed")
    migration = _migration(cloud, server_id)
    assert (migration.source_compute, migration.dest_compute) == (source, dest)
    assert migration.memory_total == 256 * 1024 * 1024
    assert migration.memory_remaining == 0
    # The destination holds the instance, the source nothing any more.
    assert list(cloud.allocations(server_id)) == [_rp(cloud, dest)]
    assert cloud.allocations(migration.uuid) == {}
    assert cloud.usages(_rp(cloud, source))["MEMORY_MB"] == 0
    # The guest runs there: its console is readable through the new host.
    out = cloud.admin_api.post(f"/v2.1/servers/{server_id}/action",
                               {"os-getConsoleOutput": {}}).json()["output"]
    assert f"live-migrated to {dest}" in out
    events = {e["event"]: e["result"] for e in _events(cloud, server_id,
                                                        "live-migration")}
    assert events == {"conductor_live_migrate_instance": "Success",
                      "compute_live_migration": "Success"}

    # And back again, to a host asked for by name (checked by the scheduler).
    assert _live(cloud, server_id, host=source).status_code == 202
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"] == source,
                   timeout=30, message="server back on the source")
    _settled(cloud, server_id)
    cloud.delete_server(server_id)
    assert cloud.allocations(server_id) == {}


def test_forced_live_migration_claims_the_host_without_the_scheduler(
        bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    dest = _other(source)
    assert _live(cloud, server_id, host=dest, force=True).status_code == 202
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"] == dest,
                   timeout=30, message="server on the forced host")
    _settled(cloud, server_id)
    assert cloud.allocations(server_id) == {_rp(cloud, dest): {
        "VCPU": 1, "MEMORY_MB": 256, "DISK_GB": 1}}


def test_live_migration_before_2_34_answers_its_checks(bare_nova_cloud, flavor):
    cloud = bare_nova_cloud
    cloud.start_compute("compute1")
    server_id, source = _boot(cloud)
    # No other host: the scheduler finds none, the API says so (400).
    resp = _action(cloud, server_id, {"os-migrateLive": {
        "block_migration": False, "disk_over_commit": False, "host": None}}, "2.1")
    assert resp.status_code == 400, resp.text
    assert "No valid host" in resp.json()["badRequest"]["message"]
    server = _settled(cloud, server_id)
    assert server["status"] == "ACTIVE" and server["OS-EXT-SRV-ATTR:host"] == source
    assert _status(cloud, server_id) == "error"
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]
    # From 2.34 the answer is 202 and the refusal is in the action's events.
    assert _live(cloud, server_id).status_code == 202
    cloud.wait_for(lambda: len(_migrations(cloud, server_id, "live-migration")) == 2
                   and all(m.status == "error"
                           for m in _migrations(cloud, server_id, "live-migration")),
                   message="second migration refused")
    server = _settled(cloud, server_id)
    assert server["status"] == "ACTIVE"
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]
    # Its own host, by name: 400 before 2.34.
    resp = _action(cloud, server_id, {"os-migrateLive": {
        "block_migration": False, "disk_over_commit": False, "host": source}}, "2.1")
    assert resp.status_code == 400, resp.text


def test_failed_live_migration_leaves_the_server_where_it_was(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud, "fake.FailingLiveMigrationFakeDriver")
    server_id, source = _boot(cloud)
    assert _live(cloud, server_id).status_code == 202
    cloud.wait_for(lambda: _status(cloud, server_id) == "error",
                   timeout=30, message="migration error")
    server = _settled(cloud, server_id)
    assert server["status"] == "ACTIVE"
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert "fake copy failure" in _fault(cloud, server_id)
    migration = _migration(cloud, server_id)
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]
    assert cloud.allocations(migration.uuid) == {}
    assert cloud.usages(_rp(cloud, _other(source)))["MEMORY_MB"] == 0


def _running_migration(cloud, server_id):
    def running():
        resp = cloud.admin_api.get(f"/v2.1/servers/{server_id}/migrations",
                                   version="2.23")
        assert resp.status_code == 200, resp.text
        found = [m for m in resp.json()["migrations"] if m["status"] == "running"
                 and m["memory_processed_bytes"]]
        return found[0] if found else None
    return cloud.wait_for(running, timeout=30, message="migration running")


def test_running_migration_is_listed_and_can_be_aborted(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud, "fake.SlowLiveMigrationFakeDriver")
    server_id, source = _boot(cloud)
    assert _live(cloud, server_id).status_code == 202
    listed = _running_migration(cloud, server_id)
    assert listed["server_uuid"] == server_id
    assert listed["source_compute"] == source
    assert listed["dest_compute"] == _other(source)
    assert listed["memory_total_bytes"] == 256 * 1024 * 1024
    assert 0 < listed["memory_processed_bytes"] < listed["memory_total_bytes"]
    assert "uuid" not in listed
    path = f"/v2.1/servers/{server_id}/migrations/{listed['id']}"
    shown = cloud.admin_api.get(path, version="2.59").json()["migration"]
    assert shown["id"] == listed["id"] and "uuid" in shown
    # While it runs: other actions are refused, users may not see it.
    assert _action(cloud, server_id, {"os-stop": None}).status_code == 409
    assert _live(cloud, server_id).status_code == 409
    assert cloud.api.get(f"/v2.1/servers/{server_id}/migrations",
                         version="2.23").status_code == 403
    assert cloud.admin_api.get(f"/v2.1/servers/{server_id}/migrations",
                               version="2.22").status_code == 404
    assert cloud.admin_api.delete(path, version="2.23").status_code == 404
    assert cloud.admin_api.delete(f"/v2.1/servers/{server_id}/migrations/99999",
                                  version="2.24").status_code == 404

    resp = cloud.admin_api.delete(path, version="2.24")
    assert resp.status_code == 202, resp.text
    cloud.wait_for(lambda: _status(cloud, server_id) == "cancelled",
                   timeout=30, message="migration cancelled")
    server = _settled(cloud, server_id)
    assert server["status"] == "ACTIVE" and server["OS-EXT-SRV-ATTR:host"] == source
    assert _fault(cloud, server_id) is None
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]
    assert cloud.allocations(_migration(cloud, server_id).uuid) == {}
    assert cloud.admin_api.get(f"/v2.1/servers/{server_id}/migrations",
                               version="2.23").json()["migrations"] == []
    # Not running any more: 409 (the server is not migrating).
    assert cloud.admin_api.delete(path, version="2.24").status_code == 409


def test_force_complete_finishes_a_running_migration(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud, "fake.SlowLiveMigrationFakeDriver")
    server_id, source = _boot(cloud)
    assert _live(cloud, server_id).status_code == 202
    listed = _running_migration(cloud, server_id)
    path = f"/v2.1/servers/{server_id}/migrations/{listed['id']}/action"
    assert cloud.admin_api.post(path, {"force_complete": None},
                                version="2.21").status_code == 404
    resp = cloud.admin_api.post(path, {"force_complete": None}, version="2.22")
    assert resp.status_code == 202, resp.text
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"]
                   == _other(source), timeout=15, message="moved at once")
    assert _settled(cloud, server_id)["status"] == "ACTIVE"
    assert _status(cloud, server_id) == "completed"
    # Nothing running now: 409 for the server that no longer migrates.
    assert cloud.admin_api.post(path, {"force_complete": None},
                                version="2.22").status_code == 409


def test_live_migration_state_rules_and_bad_requests(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    # Administrators only.
    assert _action(cloud, server_id, {"os-migrateLive": {
        "block_migration": "auto", "host": None}}, api=cloud.api).status_code == 403
    # Bad bodies: 400 per microversion.
    for version, args in (
            ("2.1", {"block_migration": "auto", "disk_over_commit": False, "host": None}),
            ("2.1", {"block_migration": False, "host": None}),
            ("2.25", {"block_migration": False, "disk_over_commit": False, "host": None}),
            ("2.25", {"block_migration": "auto", "host": None, "force": True}),
            ("2.68", {"block_migration": "auto", "host": None, "force": True}),
            ("2.30", {"block_migration": "maybe", "host": None})):
        resp = _action(cloud, server_id, {"os-migrateLive": args}, version)
        assert resp.status_code == 400, (version, args, resp.text)
    # An unknown host: 400; nothing changed.
    assert _live(cloud, server_id, host="nowhere").status_code == 400
    assert cloud.get_server(server_id)["OS-EXT-STS:task_state"] is None
    assert _migrations(cloud, server_id, "live-migration") == []
    # A stopped server cannot be live-migrated (409); a paused one can.
    assert _action(cloud, server_id, {"os-stop": None}).status_code == 202
    cloud.wait_for_server_status(server_id, "SHUTOFF")
    assert _live(cloud, server_id).status_code == 409
    assert _action(cloud, server_id, {"os-start": None}).status_code == 202
    cloud.wait_for_server_status(server_id, "ACTIVE")
    assert _action(cloud, server_id, {"pause": None}).status_code == 202
    cloud.wait_for_server_status(server_id, "PAUSED")
    assert _live(cloud, server_id).status_code == 202
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"]
                   == _other(source), timeout=30, message="paused server moved")
    assert _settled(cloud, server_id)["status"] == "PAUSED"


# -- evacuate ----------------------------------------------------------------------

def _force_down(cloud, host, down=True):
    resp = cloud.admin_api.put("/v2.1/os-services/force-down",
                               {"host": host, "binary": "nova-compute",
                                "forced_down": down}, version="2.11")
    assert resp.status_code == 200, resp.text


def test_evacuate_rebuilds_elsewhere_and_the_old_host_cleans_up(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    dest = _other(source)
    # Refused while the host's nova-compute is up.
    resp = _action(cloud, server_id, {"evacuate": {}}, "2.14")
    assert resp.status_code == 400, resp.text
    assert _migrations(cloud, server_id, "evacuation") == []

    cloud.stop_compute(source)
    _force_down(cloud, source)
    assert _action(cloud, server_id, {"evacuate": {}}, api=cloud.api,
                   version="2.14").status_code == 403
    assert _action(cloud, server_id, {"evacuate": {"host": source}},
                   "2.14").status_code == 400
    assert _action(cloud, server_id, {"evacuate": {"host": "nowhere"}},
                   "2.14").status_code == 404
    assert _action(cloud, server_id, {"evacuate": {"onSharedStorage": False}},
                   "2.14").status_code == 400
    resp = _action(cloud, server_id, {"evacuate": {}}, "2.14")
    assert resp.status_code == 200, resp.text
    cloud.wait_for(lambda: cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"] == dest,
                   timeout=30, message="server on the new host")
    server = cloud.wait_for_server_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:task_state"] is None
    cloud.wait_for(lambda: _status(cloud, server_id, "evacuation") == "done",
                   message="evacuation done")
    migration = _migration(cloud, server_id, "evacuation")
    assert (migration.source_compute, migration.dest_compute) == (source, dest)
    # The dead host's usage is held by the migration until it comes back.
    assert list(cloud.allocations(server_id)) == [_rp(cloud, dest)]
    assert list(cloud.allocations(migration.uuid)) == [_rp(cloud, source)]
    events = {e["event"]: e["result"] for e in _events(cloud, server_id, "evacuate")}
    assert events == {"conductor_rebuild_server": "Success",
                      "compute_rebuild_instance": "Success"}

    # The old host comes back: the evacuated guest and its usage go.
    old = cloud.start_compute(source)
    _force_down(cloud, source, down=False)
    cloud.wait_for(lambda: _status(cloud, server_id, "evacuation")
                   == "completed", message="evacuation completed")
    assert cloud.allocations(migration.uuid) == {}
    assert cloud.usages(_rp(cloud, source))["MEMORY_MB"] == 0
    assert server_id not in old.manager.driver.list_instance_uuids()
    assert cloud.get_server(server_id)["OS-EXT-SRV-ATTR:host"] == dest
    cloud.delete_server(server_id)
    assert cloud.allocations(server_id) == {}


def test_evacuate_from_2_95_leaves_the_server_shutoff(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    cloud.stop_compute(source)
    _force_down(cloud, source)
    # force was removed at 2.68.
    assert _action(cloud, server_id, {"evacuate": {"host": _other(source),
                                                   "force": True}},
                   "2.68").status_code == 400
    resp = _action(cloud, server_id, {"evacuate": {}}, "2.95")
    assert resp.status_code == 200, resp.text
    server = cloud.wait_for_server_status(server_id, "SHUTOFF")
    assert server["OS-EXT-SRV-ATTR:host"] == _other(source)


def test_evacuate_without_another_host_keeps_the_server(bare_nova_cloud, flavor):
    cloud = bare_nova_cloud
    cloud.start_compute("compute1")
    server_id, source = _boot(cloud)
    cloud.stop_compute(source)
    _force_down(cloud, source)
    assert _action(cloud, server_id, {"evacuate": {}}, "2.14").status_code == 200
    cloud.wait_for(lambda: _status(cloud, server_id, "evacuation") == "error",
                   message="evacuation refused")
    server = _settled(cloud, server_id)
    assert server["OS-EXT-SRV-ATTR:host"] == source
    assert "No valid host" in _fault(cloud, server_id)
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]


def test_live_migration_interrupted_by_a_restart_is_failed(bare_nova_cloud, flavor):
    cloud = _cloud(bare_nova_cloud)
    server_id, source = _boot(cloud)
    dest = _other(source)
    cloud.stop_compute(source)
    # What a nova-compute killed in the middle of the copy leaves: the
    # server migrating, its migration running, the source's usage held by
    # the migration and the destination's claim held by the instance.
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, server_id)
        instance.task_state = "migrating"
        instance.save()
        migration = objects.Migration(
            context=cctxt, source_compute=source, source_node=source, dest_compute=dest,
            dest_node=dest, instance_uuid=server_id, status="running",
            migration_type="live-migration")
        migration.create()
    placement = report.SchedulerReportClient(cloud.placement.adapter)
    placement.move_allocations(cloud.context(), server_id, migration.uuid)
    assert list(cloud.allocations(migration.uuid)) == [_rp(cloud, source)]

    cloud.start_compute(source)
    server = _settled(cloud, server_id)
    assert server["status"] == "ACTIVE" and server["OS-EXT-SRV-ATTR:host"] == source
    assert _status(cloud, server_id) == "error"
    assert list(cloud.allocations(server_id)) == [_rp(cloud, source)]
    assert cloud.allocations(migration.uuid) == {}
