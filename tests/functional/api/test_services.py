"""/os-services through the real pipeline, over two real cell databases."""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.scheduler.client import report
from tests.functional.api import client


def _cell(ctx, name, url):
    cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name=name,
                               transport_url="fake://", database_connection=url)
    cell.create()
    return cell


def _service(cctxt, host, binary, **values):
    values = dict({"disabled": False, "forced_down": False}, **values)
    service = objects.Service(cctxt, host=host, binary=binary, topic=binary[5:],
                              report_count=0, **values)
    service.create()
    return service


@pytest.fixture
def cloud(databases, cell_database_factory, conf_fixture):
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cell1 = _cell(ctx, "cell1", databases.main_url)
    cell2 = _cell(ctx, "cell2", cell_database_factory())
    with nova_context.target_cell(ctx, cell1) as cctxt:
        _service(cctxt, "ctl", "nova-conductor")
        _service(cctxt, "c1", "nova-compute")
    with nova_context.target_cell(ctx, cell2) as cctxt:
        _service(cctxt, "c2", "nova-compute", disabled=True, disabled_reason="maintenance")
    objects.HostMapping(ctx, host="c1", cell_mapping=cell1).create()
    return {"app": client.load_api(conf_fixture), "ctx": ctx, "cells": (cell1, cell2)}


def _api(cloud, version="2.1", token="admin:admin"):
    return client.APIClient(cloud["app"], token=token, version=version)


def test_list_across_cells(cloud):
    resp = _api(cloud).get("/v2.1/os-services")
    assert resp.status_int == 200, resp.json
    services = resp.json["services"]
    assert [(s["host"], s["binary"]) for s in services] == [
        ("ctl", "nova-conductor"), ("c1", "nova-compute"), ("c2", "nova-compute")]
    conductor, compute1, compute2 = services
    assert conductor["zone"] == "internal" and compute1["zone"] == "nova"
    assert (compute1["status"], compute1["state"], compute1["disabled_reason"]) == \
        ("enabled", "up", None)
    assert (compute2["status"], compute2["disabled_reason"]) == ("disabled", "maintenance")
    # Integer ids are per cell: both cells start at 1.
    assert compute1["id"] == 2 and compute2["id"] == 1
    assert set(compute1) == {"id", "binary", "host", "zone", "status", "state",
                             "updated_at", "disabled_reason"}


def test_filters(cloud):
    api = _api(cloud)
    assert [s["host"] for s in api.get("/v2.1/os-services?binary=nova-compute")
            .json["services"]] == ["c1", "c2"]
    assert [s["binary"] for s in api.get("/v2.1/os-services?host=ctl")
            .json["services"]] == ["nova-conductor"]
    assert api.get("/v2.1/os-services?host=nowhere").json == {"services": []}


def test_non_admin_is_403(cloud):
    api = _api(cloud, token="alice:p1")
    assert api.get("/v2.1/os-services").status_int == 403
    body = {"host": "c1", "binary": "nova-compute"}
    assert api.put("/v2.1/os-services/disable", body).status_int == 403
    assert api.delete("/v2.1/os-services/1").status_int == 403


def test_disable_enable_and_log_reason(cloud):
    api = _api(cloud)
    body = {"host": "c1", "binary": "nova-compute"}
    resp = api.put("/v2.1/os-services/disable", body)
    assert resp.status_int == 200, resp.json
    assert resp.json == {"service": {"host": "c1", "binary": "nova-compute",
                                     "status": "disabled"}}
    resp = api.put("/v2.1/os-services/disable-log-reason",
                   dict(body, disabled_reason="bad disk"))
    assert resp.json == {"service": {"host": "c1", "binary": "nova-compute",
                                     "status": "disabled", "disabled_reason": "bad disk"}}
    listed = api.get("/v2.1/os-services?host=c1").json["services"][0]
    assert (listed["status"], listed["disabled_reason"]) == ("disabled", "bad disk")
    resp = api.put("/v2.1/os-services/enable", {"host": "c2", "binary": "nova-compute"})
    assert resp.json["service"]["status"] == "enabled"
    listed = api.get("/v2.1/os-services?host=c2").json["services"][0]
    assert (listed["status"], listed["disabled_reason"]) == ("enabled", None)


def test_update_errors(cloud):
    api = _api(cloud)
    body = {"host": "c1", "binary": "nova-compute"}
    resp = api.put("/v2.1/os-services/explode", body)
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == "Unknown action"
    resp = api.put("/v2.1/os-services/disable", {"host": "nowhere", "binary": "nova-compute"})
    assert resp.status_int == 404
    resp = api.put("/v2.1/os-services/disable", {"host": "ctl", "binary": "nova-conductor"})
    assert resp.status_int == 400
    assert "Only nova-compute services can be updated" in resp.json["badRequest"]["message"]
    assert api.put("/v2.1/os-services/disable", {"host": "c1"}).status_int == 400
    assert api.put("/v2.1/os-services/disable-log-reason", body).status_int == 400
    # force-down does not exist before 2.11.
    resp = api.put("/v2.1/os-services/force-down", dict(body, forced_down=True))
    assert resp.status_int == 400


def test_forced_down_from_2_11(cloud):
    api = _api(cloud, "2.11")
    services = api.get("/v2.1/os-services").json["services"]
    assert all(s["forced_down"] is False for s in services)
    body = {"host": "c1", "binary": "nova-compute", "forced_down": True}
    resp = api.put("/v2.1/os-services/force-down", body)
    assert resp.status_int == 200, resp.json
    assert resp.json == {"service": {"host": "c1", "binary": "nova-compute",
                                     "forced_down": True}}
    listed = api.get("/v2.1/os-services?host=c1").json["services"][0]
    assert (listed["forced_down"], listed["state"]) == (True, "down")
    assert api.put("/v2.1/os-services/force-down",
                   {"host": "c1", "binary": "nova-compute"}).status_int == 400
    assert api.put("/v2.1/os-services/force-down",
                   dict(body, forced_down="perhaps")).status_int == 400


def test_delete(cloud):
    api = _api(cloud)
    cell1, _ = cloud["cells"]
    with nova_context.target_cell(cloud["ctx"], cell1) as cctxt:
        flavor = objects.Flavor(cloud["ctx"], flavorid="1", name="m1", memory_mb=64, vcpus=1,
                                root_gb=1, ephemeral_gb=0, swap=0, is_public=True,
                                disabled=False)
        flavor.create()
        instance = objects.Instance(cctxt, flavor=flavor, project_id="p", user_id="u",
                                    host="c1", vm_state="active", image_ref="i")
        instance.create()
    resp = api.delete("/v2.1/os-services/2")
    assert resp.status_int == 409
    assert "hosting instances" in resp.json["conflictingRequest"]["message"]
    with nova_context.target_cell(cloud["ctx"], cell1) as cctxt:
        instance._context = cctxt
        instance.destroy()
    aggregate = objects.Aggregate(cloud["ctx"], name="agg1")
    aggregate.create()
    aggregate.add_host("c1")
    resp = api.delete("/v2.1/os-services/2")
    assert resp.status_int == 204, resp.json
    assert objects.Aggregate.get_by_id(cloud["ctx"], aggregate.id).hosts == []
    assert [s["host"] for s in api.get("/v2.1/os-services").json["services"]] == ["ctl", "c2"]
    assert objects.HostMappingList.get_all(cloud["ctx"]).objects == []
    resp = api.delete("/v2.1/os-services/2")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == "Service 2 not found."
    assert api.delete("/v2.1/os-services/abc").status_int == 400
    # An integer no service can have: 404, not a database error.
    assert api.delete("/v2.1/os-services/" + "9" * 30).status_int == 404


def test_post_is_405(cloud):
    assert _api(cloud).post("/v2.1/os-services", {}).status_int == 405


def test_delete_compute_removes_its_resource_providers(cloud, placement_service):
    cell1, _ = cloud["cells"]
    ctx = cloud["ctx"]
    with nova_context.target_cell(ctx, cell1) as cctxt:
        node = objects.ComputeNode(
            cctxt, service_id=2, host="c1", hypervisor_hostname="c1.node", vcpus=1,
            memory_mb=512, local_gb=1, vcpus_used=0, memory_mb_used=0, local_gb_used=0,
            hypervisor_type="QEMU", hypervisor_version=1, cpu_info="", supported_hv_specs=[],
            stats={})
        node.create()
    placement = report.SchedulerReportClient()
    placement.ensure_resource_provider(ctx, node.uuid, name="c1.node")
    assert placement.get_resource_provider(ctx, node.uuid) is not None
    assert _api(cloud).delete("/v2.1/os-services/2").status_int == 204
    assert placement.get_resource_provider(ctx, node.uuid) is None
    assert _api(cloud).get("/v2.1/os-hypervisors").json == {"hypervisors": []}


def test_delete_ambiguous_id_is_400(cloud):
    # Both cells have a service with id 1.
    resp = _api(cloud).delete("/v2.1/os-services/1")
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"] == "Service id 1 refers to multiple services."


def test_delete_compute_with_migration_in_progress_is_409(cloud):
    cell1, _ = cloud["cells"]
    with nova_context.target_cell(cloud["ctx"], cell1) as cctxt:
        objects.ComputeNode(
            cctxt, service_id=2, host="c1", hypervisor_hostname="c1.node", vcpus=1,
            memory_mb=512, local_gb=1, vcpus_used=0, memory_mb_used=0, local_gb_used=0,
            hypervisor_type="QEMU", hypervisor_version=1, cpu_info="", supported_hv_specs=[],
            stats={}).create()
        objects.Migration(cctxt, source_compute="c1", source_node="c1.node",
                          dest_compute="c9", dest_node="c9.node", status="migrating",
                          migration_type="live-migration",
                          instance_uuid=uuidutils.generate_uuid()).create()
    resp = _api(cloud).delete("/v2.1/os-services/2")
    assert resp.status_int == 409
    assert "in-progress migrations" in resp.json["conflictingRequest"]["message"]
