"""PciPassthroughFilter: requests for PCI devices need hosts that have them.

A request asks for PCI devices with the flavor extra spec
``pci_passthrough:alias`` (``alias:count[,alias:count]``). As upstream,
such a request fails on a host that reports no PCI device pools, and a
request without PCI devices passes every host.

No virt driver here reports PCI devices ([pci] alias and device_spec are
not implemented), so every host has empty pools: PCI requests find no host.
"""

import logging

from nova.scheduler import utils
from nova.scheduler.filters import base

LOG = logging.getLogger(__name__)


def requests_pci(spec_obj):
    """Return True when the flavor asks for PCI devices."""
    flavor = utils.get_field(spec_obj, "flavor")
    specs = (utils.get_field(flavor, "extra_specs") or {}) if flavor else {}
    return bool(str(specs.get("pci_passthrough:alias") or "").strip())


class PciPassthroughFilter(base.BaseHostFilter):
    """Fail PCI requests on hosts without PCI device pools; pass the rest."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        if not requests_pci(spec_obj):
            return True
        if not getattr(host_state, "pci_device_pools", None):
            LOG.debug("%s has no PCI devices; the request needs some", host_state)
            return False
        return True
