"""A build that fails on one host moves to an alternate; with none, ERROR + fault."""

from nova import context as nova_context
from nova import objects
from tests.fixtures import images


def _flavor(cloud):
    resp = cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}})
    assert resp.status_code == 200, resp.text


def _boot(cloud):
    resp = cloud.api.post("/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": "1", "imageRef": images.IMAGE_ID}})
    assert resp.status_code == 202, resp.text
    return resp.json()["server"]["id"]


def _providers_with_usage(cloud):
    resp = cloud.placement.adapter.get("/resource_providers", microversion="1.14")
    used = {}
    for rp in resp.json()["resource_providers"]:
        usages = cloud.placement.adapter.get(
            f"/resource_providers/{rp['uuid']}/usages", microversion="1.14").json()["usages"]
        if any(usages.values()):
            used[rp["name"]] = usages
    return used


def test_failed_build_is_rescheduled_to_the_alternate(bare_nova_cloud):
    cloud = bare_nova_cloud
    # The failing host has the most free RAM, so the weighers try it first.
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    cloud.start_compute("small", driver="fake.SmallFakeDriver")
    _flavor(cloud)
    server_id = _boot(cloud)
    server = cloud.wait_for_server_status(server_id, "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "small"
    # Only the host that runs the server holds its allocation.
    assert list(_providers_with_usage(cloud)) == ["small"]


def test_failed_build_without_alternates_ends_in_error_with_a_fault(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    _flavor(cloud)
    server_id = _boot(cloud)
    server = cloud.wait_for_server_status(server_id, "ERROR")
    assert "fake spawn failure" in server["fault"]["message"] or \
        "fake spawn failure" in server["fault"].get("details", "")
    assert server["OS-EXT-STS:task_state"] is None
    # The create action's build event records the failure and its traceback.
    ctxt = nova_context.get_admin_context()
    cell1 = [c for c in objects.CellMappingList.get_all(ctxt) if not c.is_cell0()][0]
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        (action,) = objects.InstanceActionList.get_by_instance_uuid(cctxt, server_id)
        events = objects.InstanceActionEventList.get_by_action(cctxt, action.id)
    assert action.action == "create" and action.message == "Error"
    (event,) = [e for e in events if e.event == "compute__do_build_and_run_instance"]
    assert event.result == "Error"
    assert "fake spawn failure" in event.traceback
    # Deleting the failed server releases what it held.
    assert cloud.api.delete(f"/v2.1/servers/{server_id}").status_code == 204
    cloud.wait_for_server_deleted(server_id)
    assert _providers_with_usage(cloud) == {}
