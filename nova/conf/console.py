"""[console]: checks the console proxies apply to browser connections."""

from oslo_config import cfg

console_group = cfg.OptGroup(
    "console",
    title="Console proxy options",
    help="Options shared by the console proxies (nova-novncproxy).",
)

console_opts = [
    cfg.ListOpt(
        "allowed_origins",
        default=[],
        help="""
Host names, besides the proxy's own, that a websocket's Origin header may
carry; connections from other origins are refused, which stops another site
from opening consoles with a user's browser.

Default: empty (only the proxy's own host).

Possible values:
* A list of host names, e.g. dashboard.example.com,console.example.com.
""",
    ),
    cfg.StrOpt(
        "ssl_ciphers",
        help="""
OpenSSL cipher list allowed on TLS console connections.

Default: unset (OpenSSL's defaults).

Related options:
* ssl_minimum_version
""",
    ),
    cfg.StrOpt(
        "ssl_minimum_version",
        default="default",
        choices=[
            ("default", "OpenSSL's default."),
            ("tlsv1_1", "TLS 1.1 and newer."),
            ("tlsv1_2", "TLS 1.2 and newer."),
            ("tlsv1_3", "TLS 1.3 only."),
        ],
        help="""
Oldest TLS version accepted on console connections.

Default: default
""",
    ),
]


def register_opts(conf):
    """Register the [console] group on ``conf``."""
    conf.register_group(console_group)
    conf.register_opts(console_opts, group=console_group)


def list_opts():
    """Return {console_group: [options]} for the config generator."""
    return {console_group: console_opts}
