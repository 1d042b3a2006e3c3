"""IoOpsWeigher: rank hosts by the I/O heavy operations running there.

Builds, resizes, rebuilds, snapshots, backups, rescues and unshelves load
the host's disks and network (host_instances.IO_OPS_TASK_STATES). With the
default negative multiplier the quietest host wins.
"""

from nova.scheduler.weights import base, host_instances


class IoOpsWeigher(base.BaseHostWeigher):
    """Score = instances on the host in an I/O heavy operation
    ([filter_scheduler] io_ops_weight_multiplier)."""

    multiplier_option = "io_ops_weight_multiplier"

    def __init__(self):
        self._counts = {}

    def prepare(self, context, host_states, spec_obj):
        found = host_instances.instances_by_host(context, host_states)
        self._counts = {key: sum(1 for i in instances if host_instances.is_io_op(i))
                        for key, instances in found.items()}

    def weigh(self, host_state, spec_obj):
        return self._counts.get((host_state.cell_uuid, host_state.host), 0)
