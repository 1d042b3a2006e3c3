"""[serial_console]: guests' serial ports over TCP and nova-serialproxy."""

from oslo_config import cfg

serial_console_group = cfg.OptGroup(
    "serial_console",
    title="Serial console options",
    help="""
The interactive serial console: nova-compute exposes each new guest's first
serial port as a TCP server on the compute host (the console log is still
written), and nova-serialproxy relays a user's websocket to it after
checking the console token.
""",
)


serial_console_opts = [
    cfg.BoolOpt(
        "enabled",
        default=False,
        help="""
Give new guests a serial port reachable over TCP and offer ``serial``
remote consoles for them (protocol ``serial``, type ``serial``).

Only guests defined while this is true get the TCP serial port; the guest's
console log (os-getConsoleOutput) is written either way.

Default: False

Related options:
* port_range, base_url, proxyclient_address
""",
    ),
    cfg.StrOpt(
        "port_range",
        default="10000:20000",
        regex=r"^\d+:\d+$",
        help="""
TCP ports (inclusive "MIN:MAX", 1 <= MIN < MAX <= 65535) nova-compute picks
the guests' serial ports from. A port is only given out when nothing
listens on it; nova-compute refuses to build a guest when the range is
exhausted or malformed.

Default: 10000:20000
""",
    ),
    cfg.URIOpt(
        "base_url",
        default="ws://127.0.0.1:6083/",
        help="""
Public websocket URL of nova-serialproxy; the console API returns it with
``?token=<token>`` appended. Set it on compute hosts.

Default: ws://127.0.0.1:6083/

Related options:
* serialproxy_host, serialproxy_port
""",
    ),
    cfg.HostAddressOpt(
        "proxyclient_address",
        default="127.0.0.1",
        help="""
Address on the compute host the guests' serial ports listen on, and that
nova-serialproxy connects to.

Default: 127.0.0.1 (only a proxy on the compute host itself can connect).
""",
    ),
    cfg.HostAddressOpt(
        "serialproxy_host",
        default="0.0.0.0",
        help="""
Address nova-serialproxy binds to.

Default: 0.0.0.0
""",
    ),
    cfg.PortOpt(
        "serialproxy_port",
        default=6083,
        help="""
Port nova-serialproxy listens on.

Default: 6083

Related options:
* base_url
""",
    ),
]


def register_opts(conf):
    """Register the [serial_console] group on ``conf``."""
    conf.register_group(serial_console_group)
    conf.register_opts(serial_console_opts, group=serial_console_group)


def list_opts():
    """Return {serial_console_group: [options]} for the config generator."""
    return {serial_console_group: serial_console_opts}
