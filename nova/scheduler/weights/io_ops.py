"""IoOpsWeigher: rank hosts by the I/O heavy operations running there.

Builds, resizes, rebuilds, snapshots, backups, rescues and unshelves load
the host's disks and network (HostState.num_io_ops, counted by the host
manager with objects.instance.IO_TASK_STATES). With the default negative
multiplier the quietest host wins.
"""

from nova.scheduler.weights import base


class IoOpsWeigher(base.BaseHostWeigher):
    """Score = instances on the host in an I/O heavy operation
    ([filter_scheduler] io_ops_weight_multiplier)."""

    multiplier_option = "io_ops_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return host_state.num_io_ops
