"""AllHostsFilter: a filter that keeps every host (a no-op placeholder)."""

from nova.scheduler.filters import base


class AllHostsFilter(base.BaseHostFilter):
    """Pass every host."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        return True
