"""NUMATopologyFilter: requests with a guest NUMA topology need a NUMA host.

A request needs a NUMA topology when its flavor asks for one (extra specs
``hw:numa_nodes``, ``hw:numa_cpus.N``, ``hw:numa_mem.N``,
``hw:mem_page_size``, ``hw:cpu_policy`` dedicated or mixed,
``hw:cpu_dedicated_mask``, ``resources:PCPU``) or its image does
(``hw_numa_nodes``, ``hw_numa_cpus.N``, ``hw_numa_mem.N``,
``hw_mem_page_size``, ``hw_cpu_policy`` dedicated or mixed). As upstream,
such a request fails on a host that reports no NUMA topology, and a request
without NUMA needs passes every host.

No virt driver here reports a host NUMA topology yet, so fitting a guest
topology onto host cells is not implemented: a host that does report one
passes, and the compute claim is the check.
"""

import logging

from nova.scheduler import utils
from nova.scheduler.filters import base
from nova.scheduler.filters.aggregate_image_properties_isolation import image_properties

LOG = logging.getLogger(__name__)

_FLAVOR_KEYS = ("hw:numa_nodes", "hw:mem_page_size", "hw:cpu_dedicated_mask")
_FLAVOR_PREFIXES = ("hw:numa_cpus.", "hw:numa_mem.")
_IMAGE_KEYS = ("hw_numa_nodes", "hw_mem_page_size")
_IMAGE_PREFIXES = ("hw_numa_cpus.", "hw_numa_mem.")
_PINNED_POLICIES = ("dedicated", "mixed")


def requests_numa(spec_obj):
    """Return True when the flavor or the image asks for a guest NUMA topology."""
    flavor = utils.get_field(spec_obj, "flavor")
    specs = (utils.get_field(flavor, "extra_specs") or {}) if flavor else {}
    props = image_properties(spec_obj)
    if any(specs.get(key) for key in _FLAVOR_KEYS) or \
            any(k.startswith(_FLAVOR_PREFIXES) for k in specs):
        return True
    if str(specs.get("hw:cpu_policy", "")).lower() in _PINNED_POLICIES:
        return True
    try:
        if int(specs.get("resources:PCPU") or 0) > 0:
            return True
    except (TypeError, ValueError):
        pass
    if any(props.get(key) for key in _IMAGE_KEYS) or \
            any(k.startswith(_IMAGE_PREFIXES) for k in props):
        return True
    return str(props.get("hw_cpu_policy", "")).lower() in _PINNED_POLICIES


class NUMATopologyFilter(base.BaseHostFilter):
    """Fail NUMA requests on hosts without a NUMA topology; pass the rest."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        if not requests_numa(spec_obj):
            return True
        if not getattr(host_state, "numa_topology", None):
            LOG.debug("%s reports no NUMA topology; the request needs one", host_state)
            return False
        return True
