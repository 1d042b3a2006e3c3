"""PCIWeigher: keep hosts with PCI devices for the requests that need them.

A request without PCI devices scores hosts by minus their free PCI
devices, so hosts without devices are chosen first; a request with PCI
devices scores them by their free devices, so it lands where most are
left. No compute node reports PCI devices yet (HostState.free_pci_devices
is 0 everywhere) and request specs carry no PCI requests, so today every
host scores the same.
"""

from nova.scheduler import utils
from nova.scheduler.weights import base


def _requested_devices(spec_obj):
    requests = utils.get_field(spec_obj, "pci_requests")
    entries = utils.get_field(requests, "requests") if requests is not None else None
    return sum(int(utils.get_field(r, "count", 1) or 1) for r in entries or [])


class PCIWeigher(base.BaseHostWeigher):
    """Score = free PCI devices, against the host when no device is asked
    ([filter_scheduler] pci_weight_multiplier, never negative)."""

    multiplier_option = "pci_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        free = getattr(host_state, "free_pci_devices", 0) or 0
        return free if _requested_devices(spec_obj) else -free
