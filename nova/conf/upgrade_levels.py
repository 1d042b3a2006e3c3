"""[upgrade_levels]: RPC version caps that let old and new services talk
during a rolling upgrade.
"""

from oslo_config import cfg

upgrade_group = cfg.OptGroup(
    "upgrade_levels",
    title="RPC version caps",
    help="""
Highest RPC API version this service sends to each other service. During a
rolling upgrade, cap the upgraded services at the release of the oldest
services still running, then remove the caps once all are upgraded.

Each value is a version number (e.g. 6.2) or a release name the RPC client
knows. Unset means no cap: the newest version this code knows.
""",
)

upgrade_levels_opts = [
    cfg.StrOpt(
        "compute",
        help="""
Version cap for messages to nova-compute.

Default: unset (no cap).

Possible values:
* auto: the lowest version among the running nova-compute services, read
  from the services table (found again after a SIGHUP or restart).
* A version number such as 6.2, or a release name.
""",
    ),
    cfg.StrOpt(
        "conductor",
        help="""
Version cap for messages to nova-conductor.

Default: unset (no cap).

Possible values:
* A version number, or a release name.
""",
    ),
    cfg.StrOpt(
        "scheduler",
        help="""
Version cap for messages to nova-scheduler.

Default: unset (no cap).

Possible values:
* A version number, or a release name.
""",
    ),
    cfg.StrOpt(
        "baseapi",
        help="""
Version cap for the base RPC API every service exposes (ping and object
class actions).

Default: unset (no cap).

Possible values:
* A version number, or a release name.
""",
    ),
]


def register_opts(conf):
    """Register the [upgrade_levels] group on ``conf``."""
    conf.register_group(upgrade_group)
    conf.register_opts(upgrade_levels_opts, group=upgrade_group)


def list_opts():
    """Return {upgrade_group: [options]} for the config generator."""
    return {upgrade_group: upgrade_levels_opts}
