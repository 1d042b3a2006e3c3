"""The resource tracker's periodic cost: what it writes when nothing changed.

One nova-compute may serve 1,000 fake nodes, so a periodic run must not ask
Placement about a node whose inventory it already set.
"""

import types
from unittest import mock

import pytest

from nova.compute import resource_tracker
from nova.virt import hardware

NODE_UUID = "0b5ad4c5-3c9b-4f43-a2b4-6c3f0e5a9f10"


class _Driver:
    capabilities = {"supports_image_type_raw": True}

    def __init__(self):
        self.vcpus = 8

    def get_available_resource(self, nodename):
        return hardware.HostResources(hypervisor_hostname=nodename, vcpus=self.vcpus,
                                      memory_mb=4096, local_gb=40,
                                      hypervisor_type="fake", hypervisor_version=1)

    def get_node_uuid(self, nodename):
        return NODE_UUID


class _Node(types.SimpleNamespace):
    """A compute node record of an existing node: save() is recorded."""

    def update_from_virt_driver(self, resources):
        for key in ("vcpus", "memory_mb", "local_gb"):
            setattr(self, key, resources[key])


@pytest.fixture
def tracker():
    report = mock.Mock()
    rt = resource_tracker.ResourceTracker("host1", _Driver(), report)
    rt.compute_nodes["node1"] = _Node(uuid=NODE_UUID, save=mock.Mock())
    rt._service_disabled = mock.Mock(return_value=False)
    return rt


def _placement_calls(report):
    return [c[0] for c in report.method_calls
            if c[0] in ("ensure_resource_provider", "set_inventory_for_provider")]


def test_same_inventory_is_not_sent_again(tracker):
    ctxt = types.SimpleNamespace()
    tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    assert _placement_calls(tracker.reportclient) == [
        "ensure_resource_provider", "set_inventory_for_provider"]
    tracker.reportclient.reset_mock()
    tracker.update_available_resource(ctxt, "node1", usage=(1, 64, 1, 1))
    assert _placement_calls(tracker.reportclient) == []
    # The record still gets the new usage.
    assert tracker.compute_nodes["node1"].vcpus_used == 1
    tracker.compute_nodes["node1"].save.assert_called()


def test_changed_inventory_is_sent(tracker):
    ctxt = types.SimpleNamespace()
    tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    tracker.reportclient.reset_mock()
    tracker.driver.vcpus = 16
    tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    inventory = tracker.reportclient.set_inventory_for_provider.call_args[0][2]
    assert inventory["VCPU"]["total"] == 16


def test_placement_is_checked_again_after_a_while(tracker):
    ctxt = types.SimpleNamespace()
    with mock.patch.object(resource_tracker.time, "monotonic", return_value=1000.0):
        tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    tracker.reportclient.reset_mock()
    later = 1000.0 + resource_tracker.PLACEMENT_RECHECK_SECONDS
    with mock.patch.object(resource_tracker.time, "monotonic", return_value=later):
        tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    assert _placement_calls(tracker.reportclient) == [
        "ensure_resource_provider", "set_inventory_for_provider"]


def test_a_failed_placement_update_is_retried_next_run(tracker):
    ctxt = types.SimpleNamespace()
    tracker.reportclient.set_inventory_for_provider.side_effect = RuntimeError("down")
    with pytest.raises(RuntimeError):
        tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    tracker.reportclient.set_inventory_for_provider.side_effect = None
    tracker.reportclient.reset_mock()
    tracker.update_available_resource(ctxt, "node1", usage=(0, 0, 0, 0))
    assert _placement_calls(tracker.reportclient) == [
        "ensure_resource_provider", "set_inventory_for_provider"]
