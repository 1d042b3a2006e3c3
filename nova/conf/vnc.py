"""[vnc]: the guests' VNC consoles and the noVNC proxy (nova-novncproxy)."""

from oslo_config import cfg

vnc_group = cfg.OptGroup(
    "vnc",
    title="VNC console options",
    help="""
Where the guests' VNC servers listen (set on compute hosts) and where
nova-novncproxy listens and is reached by browsers.
""",
)

vnc_opts = [
    cfg.BoolOpt(
        "enabled",
        default=True,
        help="""
Give new guests a VNC console and offer ``novnc`` remote consoles for them.

Default: True

Related options:
* novncproxy_base_url
""",
    ),
    cfg.HostAddressOpt(
        "server_listen",
        default="127.0.0.1",
        help="""
Address the guests' VNC servers listen on, on the compute host.

Default: 127.0.0.1 (reachable only from the host itself; set a management
address so that nova-novncproxy on another host can connect).

Related options:
* server_proxyclient_address
""",
    ),
    cfg.HostAddressOpt(
        "server_proxyclient_address",
        default="127.0.0.1",
        help="""
Address of this compute host that nova-novncproxy connects to for the
guests' VNC servers.

Default: 127.0.0.1

Related options:
* server_listen
* my_ip
""",
    ),
    cfg.URIOpt(
        "novncproxy_base_url",
        default="http://127.0.0.1:6080/vnc_auto.html",
        help="""
Public URL of the noVNC page; the console API returns it with
``?path=%3Ftoken%3D<token>`` appended. Set it on compute hosts.

Default: http://127.0.0.1:6080/vnc_auto.html

Related options:
* novncproxy_host, novncproxy_port
""",
    ),
    cfg.StrOpt(
        "novncproxy_host",
        default="0.0.0.0",
        help="""
Address nova-novncproxy binds to.

Default: 0.0.0.0

Related options:
* novncproxy_port
""",
    ),
    cfg.PortOpt(
        "novncproxy_port",
        default=6080,
        help="""
Port nova-novncproxy listens on.

Default: 6080

Related options:
* novncproxy_host, novncproxy_base_url
""",
    ),
]


def register_opts(conf):
    """Register the [vnc] group on ``conf``."""
    conf.register_group(vnc_group)
    conf.register_opts(vnc_opts, group=vnc_group)


def list_opts():
    """Return {vnc_group: [options]} for the config generator."""
    return {vnc_group: vnc_opts}
