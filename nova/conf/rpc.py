"""[DEFAULT] options of nova's RPC calls beyond oslo.messaging's own."""

from oslo_config import cfg

rpc_opts = [
    cfg.IntOpt(
        "long_rpc_timeout",
        default=1800,
        min=1,
        help="""
Seconds a long-running RPC call (select_destinations, for example) may take
before the caller gives up, as long as the service working on it keeps
sending heartbeats.

A service that dies while working on such a call stops sending heartbeats;
the caller then notices within rpc_response_timeout seconds instead of
waiting the whole long_rpc_timeout, and (for scheduling) asks again.

Default: 1800

Related options:
* rpc_response_timeout (oslo.messaging): also the heartbeat timeout of
  long calls.
""",
    ),
]


def register_opts(conf):
    """Register the options on ``conf``'s DEFAULT group."""
    conf.register_opts(rpc_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": rpc_opts}
