"""IoOpsFilter and AggregateIoOpsFilter: hosts busy with IO-heavy tasks wait.

A host's IO ops are its instances building or in an IO-heavy task
(resize, rebuild, snapshot, backup, rescue, unshelve); see
HostState.num_io_ops.
"""

import logging

from nova import conf as nova_conf
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)


class IoOpsFilter(base.BaseHostFilter):
    """Pass hosts with fewer IO ops than [filter_scheduler] max_io_ops_per_host."""

    def _limit(self, host_state):
        return CONF.filter_scheduler.max_io_ops_per_host

    def host_passes(self, host_state, spec_obj):
        limit = self._limit(host_state)
        if host_state.num_io_ops < limit:
            return True
        LOG.debug("%s has %d IO ops, the limit is %d", host_state,
                  host_state.num_io_ops, limit)
        return False


class AggregateIoOpsFilter(IoOpsFilter):
    """IoOpsFilter with the limit taken from aggregate metadata max_io_ops_per_host.

    The smallest integer value among the host's aggregates wins; hosts whose
    aggregates set none (or only non-integers) use the configured limit.
    """

    def _limit(self, host_state):
        return filter_utils.aggregate_limit(
            host_state, "max_io_ops_per_host", CONF.filter_scheduler.max_io_ops_per_host)
