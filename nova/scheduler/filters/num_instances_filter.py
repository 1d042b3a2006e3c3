"""NumInstancesFilter and AggregateNumInstancesFilter: a cap on instances per host."""

import logging

from nova import conf as nova_conf
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)


class NumInstancesFilter(base.BaseHostFilter):
    """Pass hosts running fewer instances than [filter_scheduler] max_instances_per_host."""

    def _limit(self, host_state):
        return CONF.filter_scheduler.max_instances_per_host

    def host_passes(self, host_state, spec_obj):
        limit = self._limit(host_state)
        if host_state.num_instances < limit:
            return True
        LOG.debug("%s has %d instances, the limit is %d", host_state,
                  host_state.num_instances, limit)
        return False


class AggregateNumInstancesFilter(NumInstancesFilter):
    """NumInstancesFilter with the cap from aggregate metadata max_instances_per_host.

    The smallest integer value among the host's aggregates wins; hosts whose
    aggregates set none (or only non-integers) use the configured cap.
    """

    def _limit(self, host_state):
        return filter_utils.aggregate_limit(
            host_state, "max_instances_per_host",
            CONF.filter_scheduler.max_instances_per_host)
