"""[DEFAULT] options of nova-novncproxy's websocket server (where it listens
is [vnc] novncproxy_host/novncproxy_port).
"""

from oslo_config import cfg

novnc_opts = [
    cfg.BoolOpt(
        "record",
        default=False,
        help="""
Record every console session to files in the working directory (websockify's
session recording), for debugging.

Default: False
""",
    ),
    cfg.BoolOpt(
        "daemon",
        default=False,
        help="""
Detach nova-novncproxy from the terminal and run it in the background.

Default: False
""",
    ),
    cfg.BoolOpt(
        "ssl_only",
        default=False,
        help="""
Refuse plain (non-TLS) websocket connections to the console proxy.

Default: False

Related options:
* cert, key
""",
    ),
    cfg.BoolOpt(
        "source_is_ipv6",
        default=False,
        help="""
Whether the console proxy listens on IPv6.

Default: False
""",
    ),
    cfg.StrOpt(
        "cert",
        default="self.pem",
        help="""
TLS certificate file of the console proxy (PEM, may include the key).

Default: self.pem

Related options:
* key, ssl_only
""",
    ),
    cfg.StrOpt(
        "key",
        help="""
TLS private key file of the console proxy when it is not in cert.

Default: unset

Related options:
* cert
""",
    ),
    cfg.StrOpt(
        "web",
        default="/usr/share/spice-html5",
        help="""
Directory of the HTML client the console proxy serves (vnc_auto.html and its
scripts). For noVNC set the directory holding noVNC, e.g. /usr/share/novnc.

Default: /usr/share/spice-html5

Related options:
* [vnc] novncproxy_base_url
""",
    ),
]


def register_opts(conf):
    """Register the console proxy options on ``conf`` in [DEFAULT]."""
    conf.register_opts(novnc_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": novnc_opts}
