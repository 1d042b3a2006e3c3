"""[conductor]: the nova-conductor service."""

from oslo_config import cfg

conductor_group = cfg.OptGroup(
    "conductor",
    title="Conductor options",
    help="Options of the nova-conductor service.",
)

conductor_opts = [
    cfg.IntOpt(
        "workers",
        min=1,
        help="""
Number of nova-conductor worker processes.

Default: unset, meaning one per CPU of the host.

Possible values:
* A positive integer.
""",
    ),
]


def register_opts(conf):
    """Register the [conductor] group on ``conf``."""
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    """Return {conductor_group: [options]} for the config generator."""
    return {conductor_group: conductor_opts}
