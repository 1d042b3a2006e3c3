"""[consoleauth]: the tokens that open remote consoles (noVNC)."""

from oslo_config import cfg

consoleauth_group = cfg.OptGroup(
    "consoleauth",
    title="Console authorisation options",
    help="""
Console tokens are created by nova-compute when a user asks for a remote
console and checked by nova-novncproxy, which reads them from the cell
database (console_auth_tokens table).
""",
)

consoleauth_opts = [
    cfg.IntOpt(
        "token_ttl",
        default=600,
        min=0,
        help="""
Seconds a console token stays valid after it is issued; the proxy refuses
an expired token.

Default: 600
""",
    ),
    cfg.BoolOpt(
        "enforce_session_timeout",
        default=False,
        help="""
Close an open console session when its token expires, instead of letting an
already connected session run on.

Default: False

Related options:
* token_ttl
""",
    ),
]


def register_opts(conf):
    """Register the [consoleauth] group on ``conf``."""
    conf.register_group(consoleauth_group)
    conf.register_opts(consoleauth_opts, group=consoleauth_group)


def list_opts():
    """Return {consoleauth_group: [options]} for the config generator."""
    return {consoleauth_group: consoleauth_opts}
