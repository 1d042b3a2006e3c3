"""/os-hosts (deprecated, 2.1 - 2.42) through the real pipeline."""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from tests.functional.api import client


@pytest.fixture
def cloud(databases, conf_fixture):
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name="cell1",
                               transport_url="fake://", database_connection=databases.main_url)
    cell.create()
    flavor = objects.Flavor(ctx, flavorid="1", name="m1", memory_mb=512, vcpus=2, root_gb=5,
                            ephemeral_gb=1, swap=0, is_public=True, disabled=False)
    flavor.create()
    with nova_context.target_cell(ctx, cell) as cctxt:
        objects.Service(cctxt, host="ctl", binary="nova-scheduler", topic="scheduler",
                        report_count=0, disabled=False, forced_down=False).create()
        svc = objects.Service(cctxt, host="c1", binary="nova-compute", topic="compute",
                              report_count=0, disabled=False, forced_down=False)
        svc.create()
        objects.ComputeNode(
            cctxt, service_id=svc.id, host="c1", hypervisor_hostname="c1.example", vcpus=8,
            memory_mb=16384, local_gb=200, vcpus_used=4, memory_mb_used=1536,
            local_gb_used=18, free_ram_mb=0, free_disk_gb=0, current_workload=0,
            running_vms=3, hypervisor_type="QEMU", hypervisor_version=1, cpu_info="",
            disk_available_least=0, host_ip="192.0.2.1", supported_hv_specs=[],
            stats={}).create()
        for project in ("p1", "p1", "p2"):
            objects.Instance(cctxt, flavor=flavor, project_id=project, user_id="u",
                             host="c1", node="c1.example", vm_state="active",
                             image_ref="i").create()
    return client.load_api(conf_fixture)


def _api(app, version="2.1", token="admin:admin"):
    return client.APIClient(app, token=token, version=version)


def test_index_names_every_service_host_with_its_zone(cloud):
    resp = _api(cloud).get("/v2.1/os-hosts")
    assert resp.status_int == 200, resp.json
    assert sorted(resp.json["hosts"], key=lambda h: h["host_name"]) == [
        {"host_name": "c1", "service": "compute", "zone": "nova"},
        {"host_name": "ctl", "service": "scheduler", "zone": "internal"}]
    zoned = _api(cloud).get("/v2.1/os-hosts?zone=internal").json["hosts"]
    assert [h["host_name"] for h in zoned] == ["ctl"]


def test_show_gives_totals_use_and_use_per_project(cloud):
    resp = _api(cloud).get("/v2.1/os-hosts/c1")
    assert resp.status_int == 200, resp.json
    by_project = {r["resource"]["project"]: r["resource"] for r in resp.json["host"]}
    assert by_project["(total)"] == {"host": "c1", "project": "(total)", "cpu": 8,
                                     "memory_mb": 16384, "disk_gb": 200}
    assert (by_project["(used_now)"]["cpu"], by_project["(used_now)"]["disk_gb"]) == (4, 18)
    assert (by_project["(used_max)"]["cpu"], by_project["(used_max)"]["memory_mb"],
            by_project["(used_max)"]["disk_gb"]) == (6, 1536, 18)
    assert (by_project["p1"]["cpu"], by_project["p2"]["cpu"]) == (4, 2)


def test_unknown_host_is_404(cloud):
    assert _api(cloud).get("/v2.1/os-hosts/nowhere").status_int == 404
    assert _api(cloud).put("/v2.1/os-hosts/nowhere", {"status": "disable"}).status_int == 404
    assert _api(cloud).get("/v2.1/os-hosts/nowhere/reboot").status_int == 404


def test_disable_and_enable_change_the_compute_service(cloud):
    api = _api(cloud)
    resp = api.put("/v2.1/os-hosts/c1", {"status": "disable"})
    assert resp.status_int == 200, resp.json
    assert resp.json == {"host": "c1", "status": "disabled"}
    services = api.get("/v2.1/os-services?binary=nova-compute").json["services"]
    assert services[0]["status"] == "disabled"
    assert api.put("/v2.1/os-hosts/c1", {"status": "enable"}).json["status"] == "enabled"
    services = api.get("/v2.1/os-services?binary=nova-compute").json["services"]
    assert services[0]["status"] == "enabled"


@pytest.mark.parametrize("body", [{}, {"status": "maybe"}, {"status": "enable", "x": 1}])
def test_bad_update_bodies_are_400(cloud, body):
    assert _api(cloud).put("/v2.1/os-hosts/c1", body).status_int == 400


@pytest.mark.parametrize("path", ["reboot", "shutdown", "startup"])
def test_power_actions_and_maintenance_are_not_implemented(cloud, path):
    resp = _api(cloud).get(f"/v2.1/os-hosts/c1/{path}")
    assert resp.status_int == 501, resp.json
    resp = _api(cloud).put("/v2.1/os-hosts/c1", {"maintenance_mode": "enable"})
    assert resp.status_int == 501


def test_for_admins_only(cloud):
    assert _api(cloud, token="alice:p1").get("/v2.1/os-hosts").status_int == 403
    assert _api(cloud, token="alice:p1").get("/v2.1/os-hosts/c1").status_int == 403


def test_gone_from_2_43(cloud):
    assert _api(cloud, "2.42").get("/v2.1/os-hosts").status_int == 200
    for path in ("/v2.1/os-hosts", "/v2.1/os-hosts/c1", "/v2.1/os-hosts/c1/reboot"):
        assert _api(cloud, "2.43").get(path).status_int == 404
