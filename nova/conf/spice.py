"""[spice]: the guests' SPICE consoles and nova-spicehtml5proxy."""

from oslo_config import cfg

spice_group = cfg.OptGroup(
    "spice",
    title="SPICE console options",
    help="""
SPICE graphics for guests (set on compute hosts) and where
nova-spicehtml5proxy, which serves the spice-html5 client, listens and is
reached by browsers.
""",
)

spice_opts = [
    cfg.BoolOpt(
        "enabled",
        default=False,
        help="""
Give new guests SPICE graphics and offer ``spice-html5`` remote consoles
for them. A guest may have VNC ([vnc] enabled) and SPICE at once.

Default: False

Related options:
* html5proxy_base_url, server_listen, agent_enabled
""",
    ),
    cfg.BoolOpt(
        "agent_enabled",
        default=True,
        help="""
Add the SPICE agent channel (virtio-serial ``com.redhat.spice.0``) to
guests with SPICE graphics, for a guest agent that handles copy and paste
and screen resizing.

Default: True
""",
    ),
    cfg.URIOpt(
        "html5proxy_base_url",
        default="http://127.0.0.1:6082/spice_auto.html",
        help="""
Public URL of the spice-html5 page; the console API returns it with
``?token=<token>`` appended. Set it on compute hosts.

Default: http://127.0.0.1:6082/spice_auto.html

Related options:
* html5proxy_host, html5proxy_port
""",
    ),
    cfg.URIOpt(
        "spice_direct_proxy_base_url",
        default="http://127.0.0.1:13002/nova",
        help="""
URL of an external proxy speaking native SPICE (microversion 2.99's
``spice-direct`` console type); the API returns it with ``?token=<token>``
appended and that proxy looks the token up with GET
/os-console-auth-tokens/{token}.

Default: http://127.0.0.1:13002/nova
""",
    ),
    cfg.HostAddressOpt(
        "server_listen",
        default="127.0.0.1",
        help="""
Address the guests' SPICE servers listen on, on the compute host.

Default: 127.0.0.1

Related options:
* server_proxyclient_address
""",
    ),
    cfg.HostAddressOpt(
        "server_proxyclient_address",
        default="127.0.0.1",
        help="""
Address of this compute host that nova-spicehtml5proxy connects to for the
guests' SPICE servers.

Default: 127.0.0.1

Related options:
* server_listen
""",
    ),
    cfg.HostAddressOpt(
        "html5proxy_host",
        default="0.0.0.0",
        help="""
Address nova-spicehtml5proxy binds to.

Default: 0.0.0.0
""",
    ),
    cfg.PortOpt(
        "html5proxy_port",
        default=6082,
        help="""
Port nova-spicehtml5proxy listens on.

Default: 6082

Related options:
* html5proxy_base_url
""",
    ),
]


def register_opts(conf):
    """Register the [spice] group on ``conf``."""
    conf.register_group(spice_group)
    conf.register_opts(spice_opts, group=spice_group)


def list_opts():
    """Return {spice_group: [options]} for the config generator."""
    return {spice_group: spice_opts}
