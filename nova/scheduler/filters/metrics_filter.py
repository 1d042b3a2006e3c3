"""MetricsFilter: only hosts that report the metrics the weigher uses.

The metric names are those of [metrics] weight_setting (``name=ratio``
pairs); a host passes when it reports every one of them (HostState.metrics).
Entries of weight_setting that are not ``name=ratio`` are logged and ignored.
"""

import logging

from nova import conf as nova_conf
from nova.scheduler.filters import base

CONF = nova_conf.CONF
LOG = logging.getLogger(__name__)


def metric_names(weight_setting):
    """Return the set of metric names of a weight_setting list."""
    names = set()
    for entry in weight_setting:
        name, sep, ratio = entry.partition("=")
        name = name.strip()
        try:
            float(ratio)
        except ValueError:
            sep = ""
        if not sep or not name:
            LOG.warning("Ignoring [metrics] weight_setting entry %r: expected name=ratio",
                        entry)
            continue
        names.add(name)
    return names


class MetricsFilter(base.BaseHostFilter):
    """Pass hosts reporting every metric named in [metrics] weight_setting."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        wanted = metric_names(CONF.metrics.weight_setting)
        if not wanted:
            return True
        reported = set(host_state.metrics or {})
        missing = wanted - reported
        if missing:
            LOG.debug("%s does not report metrics %s", host_state, sorted(missing))
            return False
        return True
