"""NumInstancesWeigher: rank hosts by how many instances they hold.

A positive multiplier stacks instances on the fullest hosts, a negative one
spreads them by count (rather than by free RAM or vCPUs as the resource
weighers do). The default 0 leaves it out. The count is
HostState.num_instances, which includes the instances this request already
placed.
"""

from nova.scheduler.weights import base


class NumInstancesWeigher(base.BaseHostWeigher):
    """Score = live instances on the host
    ([filter_scheduler] num_instances_weight_multiplier)."""

    multiplier_option = "num_instances_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.num_instances
