"""[metrics]: which compute node metrics the scheduler requires (MetricsFilter)
and how the MetricsWeigher turns them into a weight."""

from oslo_config import cfg

metrics_group = cfg.OptGroup(
    "metrics",
    title="Metrics weigher options",
    help="""
The MetricsWeigher ranks hosts by metrics their compute nodes report
(the ``metrics`` of the compute_nodes row: a JSON list of {"name",
"value"} entries, e.g. cpu.percent).
""",
)

metrics_opts = [
    cfg.FloatOpt(
        "weight_multiplier",
        default=1.0,
        mutable=True,
        help="""
Multiplier of the metrics weight against the other weighers. Positive
prefers hosts with the largest weighted sum of metrics, negative the
smallest; 0 turns the MetricsWeigher off.

Default: 1.0

Related options:
* weight_setting
""",
    ),
    cfg.ListOpt(
        "weight_setting",
        default=[],
        mutable=True,
        help="""
The metrics that make up the weight and their ratios, as ``name=ratio``
pairs: the weight of a host is the sum of value * ratio over them, e.g.
``cpu.percent=-1.0, cpu.frequency=0.5``. An entry that is not
``name=number`` is ignored with a warning. MetricsFilter, when enabled,
passes only the hosts that report every metric named here. Empty: every
host weighs the same (and passes MetricsFilter).

Default: empty

Related options:
* required
* weight_of_unavailable
""",
    ),
    cfg.BoolOpt(
        "required",
        default=True,
        mutable=True,
        help="""
What a host missing one of the weight_setting metrics gets. True: the
scheduling request fails (with "No valid host"), since a host that does
not report its metrics cannot be compared. False: the host weighs
weight_of_unavailable.

Default: True

Related options:
* weight_of_unavailable
""",
    ),
    cfg.FloatOpt(
        "weight_of_unavailable",
        default=-10000.0,
        mutable=True,
        help="""
Weight of a host missing one of the weight_setting metrics when
``required`` is False. The very negative default makes such hosts the
last choice.

Default: -10000.0

Related options:
* required
""",
    ),
]


def register_opts(conf):
    """Register [metrics] on ``conf``."""
    conf.register_group(metrics_group)
    conf.register_opts(metrics_opts, group=metrics_group)


def list_opts():
    """Return [metrics] for the config generator."""
    return {metrics_group: metrics_opts}
