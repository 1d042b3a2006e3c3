"""RAMWeigher: prefer hosts with more free memory ([filter_scheduler] ram_weight_multiplier)."""

from nova.scheduler.weights import base


class RAMWeigher(base.BaseHostWeigher):
    """Score = free MiB after the allocation ratio; negative multiplier stacks."""

    multiplier_option = "ram_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.free_ram_mb
