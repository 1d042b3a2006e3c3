"""NumInstancesWeigher: rank hosts by how many instances they hold.

A positive multiplier stacks instances on the fullest hosts, a negative one
spreads them by count (rather than by free RAM or vCPUs as the resource
weighers do). The default 0 leaves it out.
"""

from nova.scheduler.weights import base, host_instances


class NumInstancesWeigher(base.BaseHostWeigher):
    """Score = live instances on the host
    ([filter_scheduler] num_instances_weight_multiplier)."""

    multiplier_option = "num_instances_weight_multiplier"

    def __init__(self):
        self._counts = {}

    def prepare(self, context, host_states, spec_obj):
        found = host_instances.instances_by_host(context, host_states)
        self._counts = {key: len(instances) for key, instances in found.items()}

    def weigh(self, host_state, spec_obj):
        return self._counts.get((host_state.cell_uuid, host_state.host), 0)
