"""MetricsWeigher: rank hosts by the metrics their compute nodes report.

The weight of a host is the sum of value * ratio over the metrics of
[metrics] weight_setting, read from the compute node's ``metrics`` (a
JSON list of {"name", "value"}; HostState.metrics maps name -> value).
A host missing one of those metrics makes the request fail when
[metrics] required is True, and weighs [metrics] weight_of_unavailable
otherwise. The multiplier is [metrics] weight_multiplier.
"""

from nova import conf as nova_conf
from nova import exception
from nova.scheduler.weights import base

CONF = nova_conf.CONF


class MetricsWeigher(base.BaseHostWeigher):
    """Score = sum of metric value * ratio ([metrics] weight_setting)."""

    def __init__(self):
        self._setting = []

    def weight_multiplier(self):
        """[metrics] weight_multiplier (this weigher's own group)."""
        return CONF.metrics.weight_multiplier

    def prepare(self, context, host_states, spec_obj):
        self._setting = base.parse_weight_setting(
            CONF.metrics.weight_setting, "[metrics] weight_setting")

    def weigh(self, host_state, spec_obj):
        """:raises NoValidHost: a metric is missing and [metrics] required."""
        metrics = getattr(host_state, "metrics", None) or {}
        total = 0.0
        for name, ratio in self._setting:
            if name not in metrics:
                if CONF.metrics.required:
                    raise exception.NoValidHost(reason=(
                        f"Metric {name} is required by [metrics] weight_setting "
                        f"but host {host_state.host} does not report it."))
                return CONF.metrics.weight_of_unavailable
            total += float(metrics[name]) * ratio
        return total
