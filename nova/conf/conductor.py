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
    cfg.IntOpt(
        "stale_build_timeout",
        default=60,
        min=0,
        help="""
Seconds after which nova-conductor takes over a build that made no
progress: a build request not yet scheduled, or a server still waiting
in task_state scheduling for its compute host.

Messages carrying accepted builds can be lost when the daemon that took
them dies (RabbitMQ messages are acknowledged when delivered, not when
done). A periodic task of every conductor finds such builds once they are
older than this and carries them on: it schedules the build request again,
casts the build to the chosen host again (the host ignores a build it
already started), or finishes the delete the user asked for meanwhile. A
conductor claims a build before it works on it, so several conductors and
a late copy of the original message never build one server twice.

Default: 60

Possible values:
* 0: never take over a build (a crash can then leave servers in BUILD).
* A positive integer number of seconds, longer than a scheduling normally
  takes.
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
