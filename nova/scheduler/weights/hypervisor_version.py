"""HypervisorVersionWeigher: rank hosts by their hypervisor's version.

The compute node's hypervisor_version is an integer (libvirt reports
major * 1000000 + minor * 1000 + release), so newer hypervisors score
higher; a negative multiplier prefers the older ones (e.g. to fill them
before an upgrade).
"""

from nova.scheduler.weights import base


class HypervisorVersionWeigher(base.BaseHostWeigher):
    """Score = the node's hypervisor_version (0 when unknown)
    ([filter_scheduler] hypervisor_version_weight_multiplier)."""

    multiplier_option = "hypervisor_version_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.hypervisor_version or 0
