"""The hint, aggregate, load and capability filters on hand-made host states.

Each test builds a few hosts that differ in one respect and checks which
ones the filter keeps, as upstream documents the filter.
"""

import json
import types
from unittest import mock

import pytest

from nova import objects
from nova.scheduler import filters
from nova.scheduler.filters import affinity_filter, extra_specs_ops


def _host(name, aggregates=(), **kw):
    values = dict(host=name, nodename=name, uuid=name, cell_uuid="c1",
                  free_ram_mb=1000, free_disk_gb=10, free_vcpus=4, vcpus_total=8,
                  hypervisor_type="QEMU", host_ip="192.0.2.10", num_instances=0,
                  num_io_ops=0, metrics={}, numa_topology=None, pci_device_pools=[],
                  aggregates=[types.SimpleNamespace(metadata=dict(md)) for md in aggregates])
    values.update(kw)
    values.setdefault("free_disk_mb", values["free_disk_gb"] * 1024)
    return types.SimpleNamespace(**values)


def _spec(hints=None, extra_specs=None, image_props=None, image_id="img-1",
          project_id="p1", flavor_name="m1.small"):
    return {
        "flavor": {"name": flavor_name, "vcpus": 1, "memory_mb": 512,
                   "extra_specs": dict(extra_specs or {})},
        "image": {"id": image_id, "properties": dict(image_props or {})},
        "project_id": project_id,
        "scheduler_hints": {k: v if isinstance(v, list) else [v]
                            for k, v in (hints or {}).items()},
    }


def _passing(name, hosts, spec):
    return [h.host for h in filters.ALL_FILTERS[name]().filter_all(hosts, spec)]


def test_every_upstream_filter_is_registered():
    upstream = {
        "AggregateImagePropertiesIsolation", "AggregateInstanceExtraSpecsFilter",
        "AggregateIoOpsFilter", "AggregateMultiTenancyIsolation",
        "AggregateNumInstancesFilter", "AggregateTypeAffinityFilter", "AllHostsFilter",
        "AvailabilityZoneFilter", "ComputeCapabilitiesFilter", "ComputeFilter",
        "DifferentHostFilter", "ImagePropertiesFilter", "IoOpsFilter", "IsolatedHostsFilter",
        "JsonFilter", "MetricsFilter", "NUMATopologyFilter", "NumInstancesFilter",
        "PciPassthroughFilter", "SameHostFilter", "ServerGroupAffinityFilter",
        "ServerGroupAntiAffinityFilter", "SimpleCIDRAffinityFilter",
    }
    assert set(filters.ALL_FILTERS) == upstream
    assert [type(f).__name__ for f in filters.load_filters(sorted(upstream))] == \
        sorted(upstream)


# -- same_host / different_host ---------------------------------------------------

@pytest.fixture
def instance_hosts():
    with mock.patch.object(affinity_filter, "instance_hosts") as lookup:
        lookup.return_value = {"u1": "a", "u2": "b"}
        yield lookup


def test_same_host_keeps_hosts_of_the_named_servers(instance_hosts):
    hosts = [_host("a"), _host("b"), _host("c")]
    assert _passing("SameHostFilter", hosts, _spec({"same_host": "u1"})) == ["a", "b"]
    instance_hosts.assert_called_once_with(["u1"])


def test_same_host_with_servers_nowhere_passes_no_host(instance_hosts):
    instance_hosts.return_value = {}
    assert _passing("SameHostFilter", [_host("a")], _spec({"same_host": ["gone"]})) == []


def test_different_host_drops_hosts_of_the_named_servers(instance_hosts):
    hosts = [_host("a"), _host("b"), _host("c")]
    spec = _spec({"different_host": ["u1", "u2"]})
    assert _passing("DifferentHostFilter", hosts, spec) == ["c"]
    instance_hosts.assert_called_once_with(["u1", "u2"])


def test_host_hints_absent_keep_every_host_without_a_lookup(instance_hosts):
    hosts = [_host("a"), _host("b")]
    assert _passing("SameHostFilter", hosts, _spec()) == ["a", "b"]
    assert _passing("DifferentHostFilter", hosts, _spec()) == ["a", "b"]
    instance_hosts.assert_not_called()


def test_same_host_reads_request_spec_hints(instance_hosts):
    instance_hosts.return_value = {"u2": "b"}
    objects.register_all()
    spec = objects.RequestSpec(scheduler_hints={"same_host": ["u2"]})
    assert _passing("SameHostFilter", [_host("a"), _host("b")], spec) == ["b"]
    instance_hosts.assert_called_once_with(["u2"])


# -- SimpleCIDRAffinityFilter ------------------------------------------------------

def test_cidr_affinity_keeps_hosts_in_the_network():
    hosts = [_host("near", host_ip="192.0.2.77"), _host("far", host_ip="198.51.100.1"),
             _host("unknown", host_ip=None)]
    spec = _spec({"build_near_host_ip": "192.0.2.1"})  # /24 by default
    assert _passing("SimpleCIDRAffinityFilter", hosts, spec) == ["near"]
    spec = _spec({"build_near_host_ip": "192.0.2.1", "cidr": "/30"})
    assert _passing("SimpleCIDRAffinityFilter", hosts, spec) == []
    spec = _spec({"build_near_host_ip": "192.0.2.1", "cidr": "/8"})
    assert _passing("SimpleCIDRAffinityFilter", hosts, spec) == ["near"]
    spec = _spec({"build_near_host_ip": "192.0.2.1", "cidr": "/0"})
    assert _passing("SimpleCIDRAffinityFilter", hosts, spec) == ["near", "far"]
    assert _passing("SimpleCIDRAffinityFilter", hosts, _spec()) == ["near", "far", "unknown"]


# -- aggregate filters -------------------------------------------------------------

def test_aggregate_image_properties_isolation(conf_fixture):
    hosts = [_host("linux", [{"os_distro": "ubuntu, debian"}]),
             _host("windows", [{"os_distro": "windows"}]), _host("free")]
    spec = _spec(image_props={"os_distro": "debian"})
    assert _passing("AggregateImagePropertiesIsolation", hosts, spec) == ["linux", "free"]
    # Images without the property go anywhere.
    assert _passing("AggregateImagePropertiesIsolation", hosts, _spec()) == \
        ["linux", "windows", "free"]


def test_aggregate_image_properties_isolation_namespace(conf_fixture):
    conf_fixture.config(aggregate_image_properties_isolation_namespace="iso",
                        aggregate_image_properties_isolation_separator="_",
                        group="filter_scheduler")
    hosts = [_host("a", [{"iso_tier": "gold", "os_distro": "windows"}]),
             _host("b", [{"iso_tier": "silver"}])]
    spec = _spec(image_props={"iso_tier": "gold", "os_distro": "debian"})
    # os_distro is outside the namespace: not compared.
    assert _passing("AggregateImagePropertiesIsolation", hosts, spec) == ["a"]


@pytest.mark.parametrize("extra_specs, passing", [
    ({}, ["ssd", "hdd", "none"]),
    ({"aggregate_instance_extra_specs:disk": "ssd"}, ["ssd"]),
    ({"disk": "hdd"}, ["hdd"]),  # unscoped keys are compared too (upstream)
    ({"aggregate_instance_extra_specs:speed": ">= 5"}, ["ssd"]),
    ({"aggregate_instance_extra_specs:disk": "<or> ssd <or> hdd"}, ["ssd", "hdd"]),
    ({"hw:cpu_policy": "dedicated", "capabilities:x": "1"}, ["ssd", "hdd", "none"]),
    ({"aggregate_instance_extra_specs:gpu": "true"}, []),
])
def test_aggregate_instance_extra_specs(extra_specs, passing):
    hosts = [_host("ssd", [{"disk": "ssd", "speed": "10"}]),
             _host("hdd", [{"disk": "hdd", "speed": "2"}]), _host("none")]
    assert _passing("AggregateInstanceExtraSpecsFilter", hosts,
                    _spec(extra_specs=extra_specs)) == passing


def test_aggregate_multitenancy_isolation():
    hosts = [_host("mine", [{"filter_tenant_id": "p1,p2"}]),
             _host("long", [{"filter_tenant_id": "p9", "filter_tenant_id2": "p1"}]),
             _host("theirs", [{"filter_tenant_id": "p3"}]), _host("shared")]
    assert _passing("AggregateMultiTenancyIsolation", hosts, _spec(project_id="p1")) == \
        ["mine", "long", "shared"]
    assert _passing("AggregateMultiTenancyIsolation", hosts, _spec(project_id="p4")) == \
        ["shared"]


def test_aggregate_type_affinity():
    hosts = [_host("small", [{"instance_type": "m1.small, m1.tiny"}]),
             _host("big", [{"instance_type": "m1.large"}]), _host("any")]
    assert _passing("AggregateTypeAffinityFilter", hosts, _spec(flavor_name="m1.tiny")) == \
        ["small", "any"]
    assert _passing("AggregateTypeAffinityFilter", hosts, _spec(flavor_name="x")) == ["any"]


def test_all_hosts_filter():
    assert _passing("AllHostsFilter", [_host("a"), _host("b")], _spec()) == ["a", "b"]


# -- load filters ------------------------------------------------------------------

def test_io_ops_filter(conf_fixture):
    hosts = [_host("idle", num_io_ops=0), _host("busy", num_io_ops=8),
             _host("edge", num_io_ops=7)]
    assert _passing("IoOpsFilter", hosts, _spec()) == ["idle", "edge"]
    conf_fixture.config(max_io_ops_per_host=1, group="filter_scheduler")
    assert _passing("IoOpsFilter", hosts, _spec()) == ["idle"]


def test_aggregate_io_ops_filter_takes_the_smallest_aggregate_limit(conf_fixture):
    hosts = [_host("a", [{"max_io_ops_per_host": "3"}, {"max_io_ops_per_host": "2"}],
                   num_io_ops=2),
             _host("b", [{"max_io_ops_per_host": "bad"}], num_io_ops=7),
             _host("c", num_io_ops=8)]
    # a: limit 2 (reached); b: invalid value, the config's 8; c: config's 8.
    assert _passing("AggregateIoOpsFilter", hosts, _spec()) == ["b"]


def test_num_instances_filter(conf_fixture):
    hosts = [_host("empty"), _host("full", num_instances=50), _host("ok", num_instances=49)]
    assert _passing("NumInstancesFilter", hosts, _spec()) == ["empty", "ok"]
    conf_fixture.config(max_instances_per_host=1, group="filter_scheduler")
    assert _passing("NumInstancesFilter", hosts, _spec()) == ["empty"]


def test_aggregate_num_instances_filter(conf_fixture):
    conf_fixture.config(max_instances_per_host=5, group="filter_scheduler")
    hosts = [_host("capped", [{"max_instances_per_host": "2"}], num_instances=2),
             _host("roomy", [{"max_instances_per_host": "10"}], num_instances=6),
             _host("default", num_instances=5)]
    assert _passing("AggregateNumInstancesFilter", hosts, _spec()) == ["roomy"]


# -- IsolatedHostsFilter -----------------------------------------------------------

@pytest.mark.parametrize("restrict, image, passing", [
    (True, "iso", ["isolated"]),
    (True, "plain", ["normal"]),
    (True, None, ["normal"]),  # boot from volume: not an isolated image
    (False, "iso", ["isolated"]),
    (False, "plain", ["isolated", "normal"]),
])
def test_isolated_hosts_filter(conf_fixture, restrict, image, passing):
    conf_fixture.config(isolated_images=["iso"], isolated_hosts=["isolated"],
                        restrict_isolated_hosts_to_isolated_images=restrict,
                        group="filter_scheduler")
    hosts = [_host("isolated"), _host("normal")]
    assert _passing("IsolatedHostsFilter", hosts, _spec(image_id=image)) == passing


def test_isolated_hosts_without_isolated_images(conf_fixture):
    conf_fixture.config(isolated_hosts=["isolated"], group="filter_scheduler")
    hosts = [_host("isolated"), _host("normal")]
    assert _passing("IsolatedHostsFilter", hosts, _spec()) == ["normal"]
    conf_fixture.config(restrict_isolated_hosts_to_isolated_images=False,
                        group="filter_scheduler")
    assert _passing("IsolatedHostsFilter", hosts, _spec()) == ["isolated", "normal"]


# -- JsonFilter --------------------------------------------------------------------

@pytest.mark.parametrize("query, passing", [
    ([">=", "$free_ram_mb", 1024], ["big"]),
    (["<", "$free_ram_mb", 1024], ["small"]),
    (["and", [">=", "$free_ram_mb", 100], [">=", "$free_disk_mb", 20 * 1024]], ["small"]),
    (["or", ["=", "$hypervisor_type", "xen"], [">", "$free_ram_mb", 4000]], ["big", "small"]),
    (["not", ["=", "$host", "big"]], ["small"]),
    (["in", "$host", "small", "other"], ["small"]),
    (["=", "$stats.role", "db"], ["big"]),
    ([">=", "$no_such_attribute", 1], []),  # one argument left: false
    ([], ["big", "small"]),
])
def test_json_filter(query, passing):
    hosts = [_host("big", free_ram_mb=4096, free_disk_gb=10, stats={"role": "db"}),
             _host("small", free_ram_mb=512, free_disk_gb=50, hypervisor_type="xen",
                   stats={})]
    assert _passing("JsonFilter", hosts, _spec({"query": json.dumps(query)})) == passing


@pytest.mark.parametrize("query", ["not json", json.dumps(["~", 1, 2]), json.dumps({"a": 1})])
def test_json_filter_bad_query_passes_no_host(query):
    assert _passing("JsonFilter", [_host("a")], _spec({"query": query})) == []


def test_json_filter_without_query_keeps_all():
    assert _passing("JsonFilter", [_host("a"), _host("b")], _spec()) == ["a", "b"]


# -- MetricsFilter -----------------------------------------------------------------

def test_metrics_filter(conf_fixture):
    hosts = [_host("both", metrics={"cpu.frequency": 1, "cpu.percent": 2}),
             _host("one", metrics={"cpu.frequency": 1}),
             _host("none")]
    assert _passing("MetricsFilter", hosts, _spec()) == ["both", "one", "none"]
    conf_fixture.config(weight_setting=["cpu.frequency=1.0", "cpu.percent=-1"],
                        group="metrics")
    assert _passing("MetricsFilter", hosts, _spec()) == ["both"]
    conf_fixture.config(weight_setting=["cpu.frequency=1.0", "garbage"], group="metrics")
    assert _passing("MetricsFilter", hosts, _spec()) == ["both", "one"]


# -- NUMA and PCI on hosts that report neither -------------------------------------

@pytest.mark.parametrize("extra_specs, image_props, needs", [
    ({}, {}, False),
    ({"hw:cpu_policy": "shared", "quota:cpu_shares": "10"}, {}, False),
    ({"hw:numa_nodes": "2"}, {}, True),
    ({"hw:cpu_policy": "dedicated"}, {}, True),
    ({"hw:mem_page_size": "large"}, {}, True),
    ({"hw:numa_cpus.0": "0,1"}, {}, True),
    ({"resources:PCPU": "2"}, {}, True),
    ({}, {"hw_numa_nodes": "1"}, True),
    ({}, {"hw_cpu_policy": "dedicated"}, True),
])
def test_numa_topology_filter(extra_specs, image_props, needs):
    hosts = [_host("flat"), _host("numa", numa_topology='{"cells": []}')]
    spec = _spec(extra_specs=extra_specs, image_props=image_props)
    assert _passing("NUMATopologyFilter", hosts, spec) == (["numa"] if needs
                                                           else ["flat", "numa"])


def test_pci_passthrough_filter():
    hosts = [_host("plain"), _host("gpu", pci_device_pools=[{"count": 1}])]
    assert _passing("PciPassthroughFilter", hosts, _spec()) == ["plain", "gpu"]
    spec = _spec(extra_specs={"pci_passthrough:alias": "a1:1"})
    assert _passing("PciPassthroughFilter", hosts, spec) == ["gpu"]


# -- extra spec operators ----------------------------------------------------------

@pytest.mark.parametrize("value, requirement, result", [
    ("5", "= 4", True), ("3", "= 4", False),
    ("4", "== 4", True), ("4", "!= 4", False), ("10", ">= 9", True), ("10", "<= 9", False),
    ("abc", "s== abc", True), ("abc", "s!= abc", False), ("b", "s> a", True),
    ("b", "s< a", False), ("a", "s<= a", True), ("a", "s>= b", False),
    ("gcc 12", "<in> gcc", True), ("clang", "<in> gcc", False),
    ("aes mmx sse", "<all-in> aes mmx", True), (["aes"], "<all-in> aes mmx", False),
    ("fpu", "<or> fpu <or> gpu", True), ("tpu", "<or> fpu <or> gpu", False),
    ("x", "x", True), ("x", "y", False), ("many", ">= 3", False),
])
def test_extra_specs_ops(value, requirement, result):
    assert extra_specs_ops.match(value, requirement) is result
