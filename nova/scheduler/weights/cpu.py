"""CPUWeigher: prefer hosts with more free vCPUs ([filter_scheduler] cpu_weight_multiplier)."""

from nova.scheduler.weights import base


class CPUWeigher(base.BaseHostWeigher):
    """Score = vCPUs left under the allocation ratio."""

    multiplier_option = "cpu_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.free_vcpus
