"""DiskWeigher: prefer hosts with more free disk ([filter_scheduler] disk_weight_multiplier)."""

from nova.scheduler.weights import base


class DiskWeigher(base.BaseHostWeigher):
    """Score = free disk in GiB after the allocation ratio."""

    multiplier_option = "disk_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.free_disk_gb
