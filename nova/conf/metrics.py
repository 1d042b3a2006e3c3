"""[metrics]: which compute node metrics the scheduler looks at."""

from oslo_config import cfg

metrics_group = cfg.OptGroup(
    "metrics",
    title="Metrics options",
    help="The compute node metrics the scheduler requires and weighs.",
)

metrics_opts = [
    cfg.ListOpt(
        "weight_setting",
        default=[],
        help="""
Metrics and their weights, as ``name=ratio`` pairs (e.g.
``cpu.frequency=1.0, cpu.percent=-1.0``). MetricsFilter passes only the
hosts that report every metric named here.

Default: [] (no metric: every host passes MetricsFilter)

Possible values:
* A list of ``name=ratio`` strings; ratio is a float.
""",
    ),
]


def register_opts(conf):
    """Register [metrics] on ``conf``."""
    conf.register_group(metrics_group)
    conf.register_opts(metrics_opts, group=metrics_group)


def list_opts():
    """Return the group's options for the config generator."""
    return {metrics_group: metrics_opts}
