"""The weighers that rank hosts on build failures, cells, versions, instances,
metrics and PCI devices: each decides the order of hand-made host states."""

import types
from unittest import mock

import pytest

from nova import conf as nova_conf
from nova import exception
from nova.compute import vm_states
from nova.scheduler import host_manager, weights
from nova.scheduler.weights import base, host_instances

CONF = nova_conf.CONF

#: Multipliers set to 0 so that one weigher alone decides an order.
_OTHERS_OFF = ("ram_weight_multiplier", "cpu_weight_multiplier", "disk_weight_multiplier",
               "hypervisor_version_weight_multiplier", "io_ops_weight_multiplier",
               "build_failure_weight_multiplier", "cross_cell_move_weight_multiplier",
               "pci_weight_multiplier")


def _host(name, **kw):
    values = dict(host=name, nodename=name, uuid=name, cell_uuid="c1",
                  hypervisor_version=8000000, failed_builds=0, metrics={},
                  num_instances=0, num_io_ops=0,
                  free_pci_devices=0, free_ram_mb=1000, free_vcpus=4, free_disk_gb=10)
    values.update(kw)
    return types.SimpleNamespace(**values)


def _spec(**kw):
    values = dict(flavor={"vcpus": 1, "memory_mb": 512, "root_gb": 1},
                  image={"properties": {}}, instance_group=None)
    values.update(kw)
    return values


def _order(names, hosts, spec=None, context=None):
    ranked = weights.weigh_hosts(weights.load_weighers(names), hosts, spec or _spec(),
                                 context)
    return [w.host_state.host for w in ranked]


@pytest.fixture
def conf_override():
    touched = []

    def override(name, value, group="filter_scheduler"):
        CONF.set_override(name, value, group=group)
        touched.append((name, group))
    yield override
    for name, group in touched:
        CONF.clear_override(name, group=group)


def test_all_weighers_include_every_upstream_weigher():
    names = {type(w).__name__ for w in weights.load_weighers(
        ["nova.scheduler.weights.all_weighers"])}
    assert {"BuildFailureWeigher", "CrossCellWeigher", "HypervisorVersionWeigher",
            "ImagePropertiesWeigher", "IoOpsWeigher", "MetricsWeigher",
            "NumInstancesWeigher", "PCIWeigher"} <= names


def test_build_failures_send_a_host_last_over_all_weighers():
    # "bad" has much more room, but its builds keep failing.
    hosts = [_host("bad", free_ram_mb=100000, free_vcpus=100, failed_builds=3),
             _host("good")]
    assert _order(["nova.scheduler.weights.all_weighers"], hosts) == ["good", "bad"]


def test_build_failure_multiplier_zero_ignores_failures(conf_override):
    conf_override("build_failure_weight_multiplier", 0.0)
    hosts = [_host("bad", free_ram_mb=100000, failed_builds=3), _host("good")]
    assert _order(["RAMWeigher", "BuildFailureWeigher"], hosts) == ["bad", "good"]


def test_host_state_reads_failed_builds_and_metrics_from_the_node():
    node = mock.Mock(uuid="n1", host="h1", hypervisor_hostname="h1",
                     hypervisor_type="QEMU", hypervisor_version=1,
                     supported_hv_specs=[], stats={"failed_builds": "2"},
                     metrics='[{"name": "cpu.percent", "value": 40}]')
    state = host_manager.HostState(node, None, "c1", {"resources": {}}, "nova")
    assert state.failed_builds == 2
    assert state.metrics == {"cpu.percent": 40}


def _move_spec(cell_uuid, allow=True):
    destination = {"cell": {"uuid": cell_uuid}, "allow_cross_cell_move": allow}
    return _spec(requested_destination=destination)


def test_cross_cell_weigher_prefers_the_source_cell():
    hosts = [_host("other", cell_uuid="c2", free_ram_mb=9000), _host("home", cell_uuid="c1")]
    names = ["RAMWeigher", "CrossCellWeigher"]
    assert _order(names, hosts, _move_spec("c1")) == ["home", "other"]
    # Not a cross-cell move, or a new build: neutral, RAM decides.
    assert _order(names, hosts, _move_spec("c1", allow=False)) == ["other", "home"]
    assert _order(names, hosts) == ["other", "home"]


def test_hypervisor_version_weigher(conf_override):
    hosts = [_host("old", hypervisor_version=6000000), _host("new", hypervisor_version=9000000)]
    assert _order(["HypervisorVersionWeigher"], hosts) == ["new", "old"]
    conf_override("hypervisor_version_weight_multiplier", -1.0)
    assert _order(["HypervisorVersionWeigher"], hosts) == ["old", "new"]


def _instance(host, vm_state=vm_states.ACTIVE, task_state=None, props=None):
    sysmeta = {f"image_{k}": v for k, v in (props or {}).items()}
    return types.SimpleNamespace(host=host, vm_state=vm_state, task_state=task_state,
                                 system_metadata=sysmeta, image_ref="img")


@pytest.fixture
def instances():
    """Patch the per-host instance loader with a list of fake instances."""
    found = []

    def load(context, host_states, expected_attrs=()):
        result = {(h.cell_uuid, h.host): [] for h in host_states}
        for instance in found:
            result.setdefault(("c1", instance.host), []).append(instance)
        return result
    with mock.patch.object(host_instances, "instances_by_host", side_effect=load):
        yield found


def test_io_ops_weigher_prefers_quiet_hosts(conf_override):
    hosts = [_host("busy", num_io_ops=2), _host("quiet", num_io_ops=0)]
    assert _order(["IoOpsWeigher"], hosts) == ["quiet", "busy"]
    conf_override("io_ops_weight_multiplier", 1.0)
    assert _order(["IoOpsWeigher"], hosts) == ["busy", "quiet"]


def test_num_instances_weigher_is_off_by_default_then_stacks_or_spreads(conf_override):
    hosts = [_host("empty", num_instances=0), _host("full", num_instances=2)]
    assert _order(["NumInstancesWeigher"], hosts) == ["empty", "full"]  # incoming order
    conf_override("num_instances_weight_multiplier", 1.0)
    assert _order(["NumInstancesWeigher"], hosts) == ["full", "empty"]
    conf_override("num_instances_weight_multiplier", -1.0)
    hosts.reverse()
    assert _order(["NumInstancesWeigher"], hosts) == ["empty", "full"]


def test_image_props_weigher_gathers_like_images(instances, conf_override):
    conf_override("image_props_weight_multiplier", 1.0)
    instances += [_instance("ubuntu", props={"os_distro": "ubuntu"}),
                  _instance("fedora", props={"os_distro": "fedora", "hw_machine_type": "q35"}),
                  _instance("fedora", props={"os_distro": "fedora"})]
    hosts = [_host("fedora"), _host("ubuntu")]
    spec = _spec(image={"properties": {"os_distro": "ubuntu", "hw_machine_type": "q35"}})
    # Every property counts 1: ubuntu shares os_distro once, fedora
    # hw_machine_type once: a tie, incoming order.
    assert _order(["ImagePropertiesWeigher"], hosts, spec) == ["fedora", "ubuntu"]
    conf_override("image_props_weight_setting", ["os_distro=10", "hw_machine_type=1"])
    assert _order(["ImagePropertiesWeigher"], hosts, spec) == ["ubuntu", "fedora"]
    conf_override("image_props_weight_multiplier", -1.0)
    assert _order(["ImagePropertiesWeigher"], hosts, spec) == ["fedora", "ubuntu"]


def test_image_props_weigher_off_loads_nothing(instances):
    with mock.patch.object(host_instances, "instances_by_host") as load:
        _order(["ImagePropertiesWeigher"], [_host("a"), _host("b")])
    load.assert_not_called()


def test_metrics_weigher(conf_override):
    conf_override("weight_setting", ["cpu.percent=-1.0", "bogus"], group="metrics")
    hosts = [_host("loaded", metrics={"cpu.percent": 90}),
             _host("idle", metrics={"cpu.percent": 5})]
    assert _order(["MetricsWeigher"], hosts) == ["idle", "loaded"]
    conf_override("weight_multiplier", -1.0, group="metrics")
    assert _order(["MetricsWeigher"], hosts) == ["loaded", "idle"]


def test_metrics_weigher_missing_metric(conf_override):
    conf_override("weight_setting", ["cpu.percent=1.0"], group="metrics")
    hosts = [_host("blind"), _host("seen", metrics={"cpu.percent": 1})]
    with pytest.raises(exception.NoValidHost, match="cpu.percent"):
        _order(["MetricsWeigher"], hosts)
    conf_override("required", False, group="metrics")
    assert _order(["MetricsWeigher"], hosts) == ["seen", "blind"]


def test_pci_weigher_keeps_device_hosts_for_device_requests(conf_override):
    hosts = [_host("gpu", free_pci_devices=4), _host("plain")]
    assert _order(["PCIWeigher"], hosts) == ["plain", "gpu"]
    spec = _spec(pci_requests={"requests": [{"count": 1}]})
    assert _order(["PCIWeigher"], list(reversed(hosts)), spec) == ["gpu", "plain"]


def test_parse_weight_setting_skips_bad_entries():
    assert base.parse_weight_setting(["a=1", "b", "=2", "c=x", " d = -0.5"], "opt") == \
        [("a", 1.0), ("d", -0.5)]


def test_pci_multiplier_refuses_negative():
    with pytest.raises(ValueError):
        CONF.set_override("pci_weight_multiplier", -1.0, group="filter_scheduler")
