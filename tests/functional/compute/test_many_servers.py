"""Twenty servers boot and delete with no record or allocation left behind."""

import concurrent.futures

from nova import context as nova_context
from nova import objects
from tests.fixtures import images

COUNT = 20


def test_twenty_servers_boot_and_delete_without_leftovers(nova_cloud, conf_fixture):
    for resource in ("instances", "cores", "ram"):
        conf_fixture.config(**{resource: -1}, group="quota")
    resp = nova_cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": "m1.nano", "ram": 64, "vcpus": 1, "disk": 1, "id": "nano"}})
    assert resp.status_code == 200, resp.text

    def boot(index):
        resp = nova_cloud.api.post("/v2.1/servers", {"server": {
            "name": f"vm{index}", "flavorRef": "nano", "imageRef": images.IMAGE_ID}})
        assert resp.status_code == 202, resp.text
        return resp.json()["server"]["id"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=COUNT) as pool:
        ids = list(pool.map(boot, range(COUNT)))
    for server_id in ids:
        nova_cloud.wait_for_server_status(server_id, "ACTIVE", timeout=60)
    usages = nova_cloud.placement.adapter.get(
        "/usages?project_id=demo-project", microversion="1.9").json()["usages"]
    assert usages == {"VCPU": COUNT, "MEMORY_MB": 64 * COUNT, "DISK_GB": COUNT}

    with concurrent.futures.ThreadPoolExecutor(max_workers=COUNT) as pool:
        codes = list(pool.map(
            lambda sid: nova_cloud.api.delete(f"/v2.1/servers/{sid}").status_code, ids))
    assert codes == [204] * COUNT
    for server_id in ids:
        nova_cloud.wait_for_server_deleted(server_id, timeout=60)

    usages = nova_cloud.placement.adapter.get(
        "/usages?project_id=demo-project", microversion="1.9").json()["usages"]
    assert not any(usages.values())
    ctxt = nova_context.get_admin_context()
    assert list(objects.BuildRequestList.get_all(ctxt)) == []
    live = [m for m in objects.InstanceMappingList.get_by_project_id(ctxt, "demo-project")
            if not m.queued_for_delete]
    assert live == []
    cell1 = [c for c in objects.CellMappingList.get_all(ctxt) if not c.is_cell0()][0]
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        remaining = objects.InstanceList.get_by_filters(cctxt, {"deleted": False})
    assert list(remaining) == []
