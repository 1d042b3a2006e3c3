"""HostState's fields for the load, network, metrics and aggregate filters."""

import json
import types
from unittest import mock

from nova import objects
from nova.scheduler import host_manager

objects.register_all()


def _node(**kw):
    values = dict(uuid="3a6c7e0c-6f4e-4a43-9b1e-1c6c1f1d7b10", host="h1",
                  hypervisor_hostname="n1", hypervisor_type="fake", hypervisor_version=1,
                  supported_hv_specs=[], host_ip="192.0.2.5")
    values.update(kw)
    return objects.ComputeNode(**values)


def _state(node, **kw):
    summary = {"resources": {"DISK_GB": {"capacity": 10, "used": 4}}}
    return host_manager.HostState(node, None, "cell", summary, "nova", **kw)


def test_load_ip_metrics_and_disk_in_mib():
    metrics = [{"name": "cpu.percent", "value": 5, "source": "x", "timestamp": None}]
    state = _state(_node(metrics=json.dumps(metrics)), load=(3, 1))
    assert (state.num_instances, state.num_io_ops) == (3, 1)
    assert state.host_ip == "192.0.2.5"
    assert state.metrics == {"cpu.percent": 5}
    assert state.free_disk_mb == 6 * 1024
    assert state.numa_topology is None and state.pci_device_pools == []
    state.consume_instance()
    assert (state.num_instances, state.num_io_ops) == (4, 2)


def test_unreadable_metrics_are_none():
    assert _state(_node(metrics="{not json")).metrics == {}
    assert _state(_node()).metrics == {}


def test_aggregates_are_read_once_and_only_when_asked():
    aggs = [types.SimpleNamespace(hosts=["h1", "h2"], metadata={"a": "1"}),
            types.SimpleNamespace(hosts=["h2"], metadata={"b": "2"})]
    index = host_manager.AggregateIndex("ctx")
    with mock.patch.object(objects.AggregateList, "get_all", return_value=aggs) as get_all:
        h1 = _state(_node(), aggregate_index=index)
        h2 = _state(_node(host="h2"), aggregate_index=index)
        h3 = _state(_node(host="h3"), aggregate_index=index)
        get_all.assert_not_called()
        assert h1.aggregates == aggs[:1]
        assert h2.aggregates == aggs
        assert h3.aggregates == []
    get_all.assert_called_once_with("ctx")
