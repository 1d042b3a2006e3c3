"""The /os-hypervisors view builders."""

from nova.api.openstack.compute.views import hypervisors as views
from nova.objects import compute_node, service


def _node(**values):
    base = dict(id=7, host="c1", hypervisor_hostname="n1", vcpus=4, memory_mb=1024,
                local_gb=10, vcpus_used=1, memory_mb_used=256, local_gb_used=2,
                free_ram_mb=768, free_disk_gb=8, current_workload=0, running_vms=1,
                hypervisor_type="QEMU", hypervisor_version=1, host_ip="192.0.2.1",
                cpu_info='{"arch": "x86_64"}', disk_available_least=7)
    base.update(values)
    return compute_node.ComputeNode(**base)


def _service(**values):
    return service.Service(**dict(dict(id=3, disabled=False, disabled_reason=None), **values))


def test_summary():
    assert views.summary(_node(), _service(disabled=True), False) == {
        "id": 7, "hypervisor_hostname": "n1", "state": "down", "status": "disabled"}


def test_detail_cpu_info_by_version():
    as_object = views.Shape(cpu_info_as_object=True)
    assert views.detail(_node(), _service(), True, views.Shape())["cpu_info"] == \
        '{"arch": "x86_64"}'
    assert views.detail(_node(), _service(), True, as_object)["cpu_info"] == \
        {"arch": "x86_64"}
    assert views.detail(_node(cpu_info=""), _service(), True,
                        views.Shape(cpu_info_as_object=True))["cpu_info"] == {}
    assert views.detail(_node(cpu_info="{bad"), _service(), True, as_object)["cpu_info"] == {}


def test_detail_service_and_host_ip():
    body = views.detail(_node(), _service(disabled_reason="r"), True,
                        views.Shape(cpu_info_as_object=True))
    assert body["service"] == {"host": "c1", "id": 3, "disabled_reason": "r"}
    assert body["host_ip"] == "192.0.2.1"


def test_statistics_sums():
    stats = views.statistics([_node(), _node(vcpus=2, disk_available_least=None)])
    body = stats["hypervisor_statistics"]
    assert (body["count"], body["vcpus"], body["disk_available_least"]) == (2, 6, 7)
