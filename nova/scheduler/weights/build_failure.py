"""BuildFailureWeigher: hosts whose builds keep failing go last.

A host that fails builds (a broken hypervisor, a full disk the inventory
does not show) would otherwise win every ranking it won before, and each
build would fail there first and be rescheduled. nova-compute counts the
consecutive failed builds of each node in its compute node stats
("failed_builds", reset by a successful build); see
ResourceTracker.build_failed.
"""

from nova.scheduler.weights import base


class BuildFailureWeigher(base.BaseHostWeigher):
    """Score = minus the node's consecutive failed builds
    ([filter_scheduler] build_failure_weight_multiplier)."""

    multiplier_option = "build_failure_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return -host_state.failed_builds
