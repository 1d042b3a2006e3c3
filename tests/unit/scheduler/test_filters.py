"""Scheduler filters and weighers on hand-made host states."""

import types
from unittest import mock

import pytest

from nova import conf as nova_conf
from nova import exception
from nova.scheduler import filters, host_manager, utils, weights

CONF = nova_conf.CONF


def _host(name, **kw):
    values = dict(host=name, nodename=name, uuid=name, cell_uuid="c1",
                  service_disabled=False, service_up=True, availability_zone="nova",
                  supported_instances=[("x86_64", "qemu", "hvm")], hypervisor_type="QEMU",
                  hypervisor_version=8000000, failed_builds=0, metrics={},
                  num_instances=0, num_io_ops=0, free_pci_devices=0, free_ram_mb=1000,
                  free_vcpus=4, free_disk_gb=10)
    values.update(kw)
    return types.SimpleNamespace(**values)


def _spec(**kw):
    values = dict(flavor={"vcpus": 1, "memory_mb": 512, "root_gb": 1, "extra_specs": {}},
                  image={"properties": {}}, availability_zone=None, instance_group=None)
    values.update(kw)
    return values


def test_resources_from_flavor_rounds_swap_up_and_drops_zero():
    assert utils.resources_from_flavor(
        {"vcpus": 2, "memory_mb": 2048, "root_gb": 0, "ephemeral_gb": 0, "swap": 1}) == \
        {"VCPU": 2, "MEMORY_MB": 2048, "DISK_GB": 1}
    assert utils.resources_from_flavor({"vcpus": 1, "memory_mb": 64, "root_gb": 0}) == \
        {"VCPU": 1, "MEMORY_MB": 64}


def test_load_filters_rejects_unknown_name():
    with pytest.raises(exception.InvalidInput, match="NoSuchFilter"):
        filters.load_filters(["ComputeFilter", "NoSuchFilter"])


def test_default_enabled_filters_all_load():
    names = CONF.filter_scheduler.enabled_filters
    assert [type(f).__name__ for f in filters.load_filters(names)] == list(names)


def test_compute_filter_drops_down_and_disabled_hosts():
    f = filters.ALL_FILTERS["ComputeFilter"]()
    hosts = [_host("ok"), _host("off", service_disabled=True), _host("down", service_up=False)]
    assert [h.host for h in f.filter_all(hosts, _spec())] == ["ok"]


def test_availability_zone_filter():
    f = filters.ALL_FILTERS["AvailabilityZoneFilter"]()
    hosts = [_host("a", availability_zone="az1"), _host("b", availability_zone="az2")]
    assert [h.host for h in f.filter_all(hosts, _spec(availability_zone="az2"))] == ["b"]
    assert len(f.filter_all(hosts, _spec())) == 2


@pytest.mark.parametrize("props, passes", [
    ({}, True),
    ({"hw_architecture": "x86_64"}, True),
    ({"hw_architecture": "aarch64"}, False),
    ({"img_hv_type": "kvm"}, True),  # kvm images run on a QEMU hypervisor
    ({"hypervisor_type": "xen"}, False),
    ({"hw_vm_mode": "hvm", "architecture": "x86_64"}, True),
])
def test_image_properties_filter(props, passes):
    f = filters.ALL_FILTERS["ImagePropertiesFilter"]()
    assert f.host_passes(_host("a"), _spec(image={"properties": props})) is passes


@pytest.mark.parametrize("spec, passes", [
    ({"capabilities:hypervisor_type": "QEMU"}, True),
    ({"capabilities:hypervisor_type": "xen"}, False),
    ({"capabilities:free_ram_mb": ">= 512"}, True),
    ({"capabilities:free_ram_mb": ">= 4096"}, False),
    ({"hw:cpu_policy": "dedicated"}, True),  # another scope: not this filter's business
])
def test_compute_capabilities_filter(spec, passes):
    f = filters.ALL_FILTERS["ComputeCapabilitiesFilter"]()
    flavor = {"vcpus": 1, "memory_mb": 1, "extra_specs": spec}
    assert f.host_passes(_host("a"), _spec(flavor=flavor)) is passes


def test_server_group_filters():
    affinity = filters.ALL_FILTERS["ServerGroupAffinityFilter"]()
    anti = filters.ALL_FILTERS["ServerGroupAntiAffinityFilter"]()
    hosts = [_host("a"), _host("b")]
    group = {"policy": "affinity", "hosts": ["a"]}
    assert [h.host for h in affinity.filter_all(hosts, _spec(instance_group=group))] == ["a"]
    group = {"policy": "anti-affinity", "hosts": ["a"], "rules": {}}
    assert [h.host for h in anti.filter_all(hosts, _spec(instance_group=group))] == ["b"]
    group = {"policy": "anti-affinity", "hosts": ["a"], "rules": {"max_server_per_host": 2}}
    assert len(anti.filter_all(hosts, _spec(instance_group=group))) == 2


def test_server_group_filters_ignore_other_policies_and_empty_groups():
    affinity = filters.ALL_FILTERS["ServerGroupAffinityFilter"]()
    anti = filters.ALL_FILTERS["ServerGroupAntiAffinityFilter"]()
    hosts = [_host("a"), _host("b")]
    # A new affinity group may start anywhere.
    group = {"policy": "affinity", "hosts": []}
    assert len(affinity.filter_all(hosts, _spec(instance_group=group))) == 2
    # Before 2.64 the object may carry only ``policies``.
    group = {"policies": ["anti-affinity"], "hosts": ["b"]}
    assert [h.host for h in anti.filter_all(hosts, _spec(instance_group=group))] == ["a"]
    for policy in ("soft-affinity", "soft-anti-affinity"):
        group = {"policy": policy, "hosts": ["a"]}
        assert len(affinity.filter_all(hosts, _spec(instance_group=group))) == 2
        assert len(anti.filter_all(hosts, _spec(instance_group=group))) == 2
    assert len(anti.filter_all(hosts, _spec())) == 2


@pytest.mark.parametrize("policy, first", [("soft-affinity", "b"),
                                           ("soft-anti-affinity", "a")])
def test_soft_group_weighers(policy, first):
    hosts = [_host("a"), _host("b"), _host("c")]
    # "hosts" has one entry per member: b holds two, c one, a none.
    spec = _spec(instance_group={"policy": policy, "hosts": ["b", "c", "b"]})
    ranked = weights.weigh_hosts(weights.load_weighers(["nova.scheduler.weights.all_weighers"]),
                                 hosts, spec)
    assert ranked[0].host_state.host == first
    assert ranked[1].host_state.host == "c"


def test_soft_group_weighers_ignore_other_groups_and_zero_multiplier():
    hosts = [_host("a"), _host("b")]
    spec = _spec(instance_group={"policy": "anti-affinity", "hosts": ["a"]})
    weighers = [weights.ALL_WEIGHERS["ServerGroupSoftAffinityWeigher"](),
                weights.ALL_WEIGHERS["ServerGroupSoftAntiAffinityWeigher"]()]
    assert [w.weight for w in weights.weigh_hosts(weighers, hosts, spec)] == [0.0, 0.0]
    CONF.set_override("soft_anti_affinity_weight_multiplier", 0.0, group="filter_scheduler")
    try:
        spec = _spec(instance_group={"policy": "soft-anti-affinity", "hosts": ["a"]})
        ranked = weights.weigh_hosts(weighers, hosts, spec)
        assert [w.host_state.host for w in ranked] == ["a", "b"]
    finally:
        CONF.clear_override("soft_anti_affinity_weight_multiplier", group="filter_scheduler")


@pytest.fixture
def multipliers():
    yield
    for name in ("ram_weight_multiplier", "cpu_weight_multiplier", "disk_weight_multiplier"):
        CONF.clear_override(name, group="filter_scheduler")


def test_weighers_spread_by_default(multipliers):
    hosts = [_host("small", free_ram_mb=100), _host("big", free_ram_mb=5000)]
    ranked = weights.weigh_hosts(weights.load_weighers(["RAMWeigher"]), hosts, _spec())
    assert [w.host_state.host for w in ranked] == ["big", "small"]


def test_negative_multiplier_stacks(multipliers):
    CONF.set_override("ram_weight_multiplier", -1.0, group="filter_scheduler")
    hosts = [_host("small", free_ram_mb=100), _host("big", free_ram_mb=5000)]
    ranked = weights.weigh_hosts(weights.load_weighers(["RAMWeigher"]), hosts, _spec())
    assert [w.host_state.host for w in ranked] == ["small", "big"]


def test_multipliers_combine(multipliers):
    CONF.set_override("ram_weight_multiplier", 0.0, group="filter_scheduler")
    CONF.set_override("cpu_weight_multiplier", 2.0, group="filter_scheduler")
    hosts = [_host("ram", free_ram_mb=9000, free_vcpus=1),
             _host("cpu", free_ram_mb=10, free_vcpus=64)]
    ranked = weights.weigh_hosts(
        weights.load_weighers(["nova.scheduler.weights.all_weighers"]), hosts, _spec())
    assert ranked[0].host_state.host == "cpu"


def test_host_zones_are_reused_until_they_expire():
    calls = []

    def loader(context):
        calls.append(context)
        return {"h1": f"az{len(calls)}"}

    clock = [100.0]
    cache = host_manager.CachedHostZones(loader, ttl=5.0)
    with mock.patch.object(host_manager.time, "monotonic", lambda: clock[0]):
        assert cache("ctx") == {"h1": "az1"}
        clock[0] += 4.9
        assert cache("ctx") == {"h1": "az1"}
        clock[0] += 0.2
        assert cache("ctx") == {"h1": "az2"}
    assert len(calls) == 2
