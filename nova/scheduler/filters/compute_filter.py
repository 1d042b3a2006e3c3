"""ComputeFilter: only hosts whose nova-compute is up and enabled."""

import logging

from nova.scheduler.filters import base

LOG = logging.getLogger(__name__)


class ComputeFilter(base.BaseHostFilter):
    """Drop hosts whose compute service is disabled, forced down or silent.

    "Up" is the service group's answer: a heartbeat within
    [DEFAULT] service_down_time seconds and not forced_down.
    """

    def host_passes(self, host_state, spec_obj):
        if host_state.service_disabled:
            LOG.debug("%s is disabled", host_state)
            return False
        if not host_state.service_up:
            LOG.warning("%s has not been heard from in a while", host_state)
            return False
        return True
