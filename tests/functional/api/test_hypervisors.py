"""/os-hypervisors through the real pipeline, over two real cell databases."""

import json

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from tests.functional.api import client

CPU_INFO = {"arch": "x86_64", "model": "Nehalem", "vendor": "Intel",
            "topology": {"cores": 2, "threads": 1, "sockets": 1}, "features": ["vmx"]}


def _node(cctxt, service, name, **values):
    fields = dict(vcpus=4, memory_mb=8192, local_gb=100, vcpus_used=1, memory_mb_used=512,
                  local_gb_used=10, free_ram_mb=7680, free_disk_gb=90, current_workload=0,
                  running_vms=1, hypervisor_type="QEMU", hypervisor_version=8002000,
                  cpu_info=json.dumps(CPU_INFO), disk_available_least=80,
                  host_ip="192.0.2.10", supported_hv_specs=[], stats={})
    fields.update(values)
    node = objects.ComputeNode(cctxt, service_id=service.id, host=service.host,
                               hypervisor_hostname=name, **fields)
    node.create()
    return node


@pytest.fixture
def cloud(databases, cell_database_factory, conf_fixture):
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cells = []
    for index, url in enumerate((databases.main_url, cell_database_factory()), start=1):
        cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name=f"cell{index}",
                                   transport_url="fake://", database_connection=url)
        cell.create()
        cells.append(cell)
    with nova_context.target_cell(ctx, cells[0]) as cctxt:
        svc = objects.Service(cctxt, host="c1", binary="nova-compute", topic="compute",
                              report_count=0, disabled=False, forced_down=False)
        svc.create()
        _node(cctxt, svc, "node-a.example")
        _node(cctxt, svc, "node-b.example", cpu_info="")
        flavor = objects.Flavor(ctx, flavorid="1", name="m1", memory_mb=64, vcpus=1,
                                root_gb=1, ephemeral_gb=0, swap=0, is_public=True,
                                disabled=False)
        flavor.create()
        server = objects.Instance(cctxt, flavor=flavor, project_id="p", user_id="u",
                                  host="c1", node="node-a.example", vm_state="active",
                                  image_ref="i")
        server.create()
    with nova_context.target_cell(ctx, cells[1]) as cctxt:
        svc = objects.Service(cctxt, host="c2", binary="nova-compute", topic="compute",
                              report_count=0, disabled=True, disabled_reason="broken",
                              forced_down=True)
        svc.create()
        _node(cctxt, svc, "other.example", vcpus=8)
    return {"app": client.load_api(conf_fixture), "server": server}


def _api(cloud, version="2.1", token="admin:admin"):
    return client.APIClient(cloud["app"], token=token, version=version)


def test_index(cloud):
    resp = _api(cloud).get("/v2.1/os-hypervisors")
    assert resp.status_int == 200, resp.json
    assert resp.json == {"hypervisors": [
        {"id": 1, "hypervisor_hostname": "node-a.example", "state": "up", "status": "enabled"},
        {"id": 2, "hypervisor_hostname": "node-b.example", "state": "up", "status": "enabled"},
        {"id": 1, "hypervisor_hostname": "other.example", "state": "down",
         "status": "disabled"}]}


def test_detail_cpu_info_string_before_2_28(cloud):
    hypervisors = _api(cloud, "2.27").get("/v2.1/os-hypervisors/detail").json["hypervisors"]
    first = hypervisors[0]
    assert json.loads(first["cpu_info"]) == CPU_INFO
    assert first["service"] == {"host": "c1", "id": 1, "disabled_reason": None}
    assert (first["vcpus"], first["memory_mb"], first["local_gb"], first["free_ram_mb"],
            first["disk_available_least"], first["host_ip"], first["hypervisor_type"],
            first["hypervisor_version"], first["running_vms"]) == \
        (4, 8192, 100, 7680, 80, "192.0.2.10", "QEMU", 8002000, 1)
    assert hypervisors[1]["cpu_info"] == ""
    assert hypervisors[2]["service"]["disabled_reason"] == "broken"


def test_detail_cpu_info_object_from_2_28(cloud):
    hypervisors = _api(cloud, "2.28").get("/v2.1/os-hypervisors/detail").json["hypervisors"]
    assert hypervisors[0]["cpu_info"] == CPU_INFO
    assert hypervisors[1]["cpu_info"] == {}


def test_show(cloud):
    api = _api(cloud, "2.1")
    shown = api.get("/v2.1/os-hypervisors/2").json["hypervisor"]
    assert shown["hypervisor_hostname"] == "node-b.example" and "service" in shown
    assert isinstance(_api(cloud, "2.28").get("/v2.1/os-hypervisors/1").json[
        "hypervisor"]["cpu_info"], dict)
    for bad in ("99", "abc", "9" * 30):  # too large a key: 404, not a DB error
        resp = api.get(f"/v2.1/os-hypervisors/{bad}")
        assert resp.status_int == 404
        assert resp.json["itemNotFound"]["message"] == \
            f"Hypervisor with ID '{bad}' could not be found."


def test_paging_from_2_33(cloud):
    api = _api(cloud, "2.33")
    page = api.get("/v2.1/os-hypervisors?limit=1").json
    assert [h["hypervisor_hostname"] for h in page["hypervisors"]] == ["node-a.example"]
    assert page["hypervisors_links"] == [
        {"rel": "next", "href": "http://localhost/v2.1/os-hypervisors?limit=1&marker=1"}]
    rest = api.get("/v2.1/os-hypervisors/detail?marker=1").json
    assert [h["hypervisor_hostname"] for h in rest["hypervisors"]] == [
        "node-b.example", "other.example"]
    assert "hypervisors_links" not in rest
    assert api.get("/v2.1/os-hypervisors?marker=77").status_int == 400
    assert api.get("/v2.1/os-hypervisors?colour=red").status_int == 200
    assert api.get("/v2.1/os-hypervisors?limit=-1").status_int == 400
    # Before 2.33 paging parameters are not looked at.
    old = _api(cloud, "2.32").get("/v2.1/os-hypervisors?limit=1").json
    assert len(old["hypervisors"]) == 3 and "hypervisors_links" not in old


def test_statistics_count_enabled_computes_only(cloud):
    stats = _api(cloud).get("/v2.1/os-hypervisors/statistics").json["hypervisor_statistics"]
    assert (stats["count"], stats["vcpus"], stats["memory_mb"], stats["running_vms"]) == \
        (2, 8, 16384, 2)


def test_search_and_servers(cloud):
    api = _api(cloud)
    found = api.get("/v2.1/os-hypervisors/node/search").json["hypervisors"]
    assert [h["hypervisor_hostname"] for h in found] == ["node-a.example", "node-b.example"]
    resp = api.get("/v2.1/os-hypervisors/nomatch/search")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == \
        "No hypervisor matching 'nomatch' could be found."
    servers = api.get("/v2.1/os-hypervisors/node-a/servers").json["hypervisors"]
    assert servers[0]["servers"] == [{"uuid": cloud["server"].uuid,
                                      "name": cloud["server"].name}]
    other = api.get("/v2.1/os-hypervisors/other/servers").json["hypervisors"]
    assert "servers" not in other[0]
    assert api.get("/v2.1/os-hypervisors/nomatch/servers").status_int == 404


def test_uptime_is_not_implemented(cloud):
    assert _api(cloud).get("/v2.1/os-hypervisors/1/uptime").status_int == 501
    assert _api(cloud).get("/v2.1/os-hypervisors/99/uptime").status_int == 404


def test_non_admin_is_403(cloud):
    api = _api(cloud, token="alice:p1")
    for path in ("", "/detail", "/1", "/statistics", "/node/search", "/node/servers"):
        assert api.get("/v2.1/os-hypervisors" + path).status_int == 403, path
