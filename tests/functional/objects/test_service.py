"""Service and ComputeNode round trips through a real cell database."""

import datetime

import pytest
from oslo_utils import timeutils

from nova import exception, objects
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import service as service_obj


def _service(ctx, host="host1", binary="nova-compute", topic="compute", **kw):
    svc = objects.Service(ctx, host=host, binary=binary, topic=topic, **kw)
    svc.create()
    return svc


def test_create_and_get_by_host_and_binary(admin_ctx):
    svc = _service(admin_ctx)
    got = objects.Service.get_by_host_and_binary(admin_ctx, "host1", "nova-compute")
    assert got.id == svc.id
    assert got.uuid == svc.uuid
    assert got.version == service_obj.SERVICE_VERSION
    assert got.disabled is False and got.forced_down is False
    assert objects.Service.get_by_host_and_binary(admin_ctx, "nohost", "nova-compute") is None


def test_duplicate_binary_on_host_conflicts(admin_ctx):
    _service(admin_ctx)
    with pytest.raises(exception.ServiceBinaryExists):
        objects.Service(admin_ctx, host="host1", binary="nova-compute",
                        topic="other").create()


def test_get_by_compute_host_and_id(admin_ctx):
    svc = _service(admin_ctx)
    assert objects.Service.get_by_compute_host(admin_ctx, "host1").id == svc.id
    assert objects.Service.get_by_id(admin_ctx, svc.id).host == "host1"
    with pytest.raises(exception.ComputeHostNotFound):
        objects.Service.get_by_compute_host(admin_ctx, "nohost")
    with pytest.raises(exception.ServiceNotFound):
        objects.Service.get_by_id(admin_ctx, 9999)


def test_heartbeat_stamps_last_seen_up(admin_ctx):
    svc = _service(admin_ctx)
    assert svc.last_seen_up is None
    before = timeutils.utcnow() - datetime.timedelta(seconds=1)
    svc.report_count += 1
    svc.save()
    again = objects.Service.get_by_id(admin_ctx, svc.id)
    assert again.report_count == 1
    assert again.last_seen_up.replace(tzinfo=None) >= before
    assert again.updated_at is not None


def test_disable_and_list_filters(admin_ctx):
    a = _service(admin_ctx, host="a")
    _service(admin_ctx, host="b")
    _service(admin_ctx, host="a", binary="nova-conductor", topic="conductor")
    a.disabled = True
    a.disabled_reason = "maintenance"
    a.save()
    assert [s.host for s in objects.ServiceList.get_all(admin_ctx, disabled=True)] == ["a"]
    assert len(objects.ServiceList.get_all(admin_ctx)) == 3
    assert [s.host for s in objects.ServiceList.get_by_binary(admin_ctx, "nova-compute")] \
        == ["b"]
    assert len(objects.ServiceList.get_by_binary(
        admin_ctx, "nova-compute", include_disabled=True)) == 2
    assert [s.binary for s in objects.ServiceList.get_by_topic(admin_ctx, "conductor")] \
        == ["nova-conductor"]


def test_set_zones_defaults(admin_ctx):
    _service(admin_ctx, host="a")
    _service(admin_ctx, host="a", binary="nova-scheduler", topic="scheduler")
    zones = {s.binary: s.availability_zone
             for s in objects.ServiceList.get_all(admin_ctx, set_zones=True)}
    assert zones == {"nova-compute": "nova", "nova-scheduler": "internal"}


def test_minimum_version_ignores_forced_down_and_deleted(admin_ctx):
    assert objects.Service.get_minimum_version(admin_ctx, "nova-compute") == 0
    old = _service(admin_ctx, host="old")
    _service(admin_ctx, host="new")
    # Write an older version straight into the row: save() always writes ours.
    _force_version(admin_ctx, old.id, 0)
    assert objects.Service.get_minimum_version(admin_ctx, "nova-compute") == 0
    old.forced_down = True
    old.save()
    _force_version(admin_ctx, old.id, 0)
    assert objects.Service.get_minimum_version(admin_ctx, "nova-compute") \
        == service_obj.SERVICE_VERSION


def _force_version(ctx, service_id, version):
    @db_api.pick_context_manager_writer
    def _set(context):
        context.session.query(models.Service).filter_by(id=service_id).update(
            {"version": version})
    _set(ctx)


def test_destroy_soft_deletes_service_and_its_nodes(admin_ctx):
    svc = _service(admin_ctx)
    node = _node(admin_ctx, service_id=svc.id)
    svc.destroy()
    assert objects.Service.get_by_host_and_binary(admin_ctx, "host1", "nova-compute") is None
    with pytest.raises(exception.ComputeHostNotFound):
        objects.ComputeNode.get_by_uuid(admin_ctx, node.uuid)
    # The name can be reused once the old row is soft-deleted.
    _service(admin_ctx)


def _node(ctx, host="host1", nodename="node1", **kw):
    values = dict(vcpus=8, memory_mb=16384, local_gb=100, vcpus_used=0,
                  memory_mb_used=512, local_gb_used=0, hypervisor_type="QEMU",
                  hypervisor_version=8002000, cpu_info="{}")
    values.update(kw)
    node = objects.ComputeNode(ctx, host=host, hypervisor_hostname=nodename, **values)
    node.create()
    return node


def test_compute_node_round_trip(admin_ctx):
    node = _node(admin_ctx, stats={"num_instances": "2"}, host_ip="192.0.2.5",
                 supported_hv_specs=[objects.HVSpec(arch="x86_64", hv_type="kvm",
                                                    vm_mode="hvm")])
    got = objects.ComputeNode.get_by_host_and_nodename(admin_ctx, "host1", "node1")
    assert got.uuid == node.uuid
    assert got.stats == {"num_instances": "2"}
    assert str(got.host_ip) == "192.0.2.5"
    assert [s.to_list() for s in got.supported_hv_specs] == [["x86_64", "kvm", "hvm"]]
    # Unset ratios read as the initial_* options.
    assert got.cpu_allocation_ratio == 4.0
    assert got.ram_allocation_ratio == 1.0
    got.vcpus_used = 3
    got.cpu_allocation_ratio = 2.0
    got.stats["num_instances"] = "3"  # edited in place
    got.save()
    assert objects.ComputeNode.get_by_uuid(admin_ctx, node.uuid).stats == {
        "num_instances": "3"}
    again = objects.ComputeNode.get_by_uuid(admin_ctx, node.uuid)
    assert (again.vcpus_used, again.cpu_allocation_ratio) == (3, 2.0)


def test_compute_node_lists(admin_ctx):
    a = _node(admin_ctx, host="h1", nodename="n1")
    b = _node(admin_ctx, host="h1", nodename="n2")
    c = _node(admin_ctx, host="h2", nodename="n3")
    assert [n.uuid for n in objects.ComputeNodeList.get_by_host(admin_ctx, "h1")] \
        == [a.uuid, b.uuid]
    assert len(objects.ComputeNodeList.get_all(admin_ctx)) == 3
    got = objects.ComputeNodeList.get_all_by_uuids(admin_ctx, [a.uuid, c.uuid])
    assert sorted(n.hypervisor_hostname for n in got) == ["n1", "n3"]
    with pytest.raises(exception.ComputeHostNotFound):
        objects.ComputeNodeList.get_by_host(admin_ctx, "nohost")
    c.destroy()
    assert len(objects.ComputeNodeList.get_all(admin_ctx)) == 2
