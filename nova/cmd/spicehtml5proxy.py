"""nova-spicehtml5proxy: the websocket proxy between browsers and guests' SPICE servers.

Usage: ``nova-spicehtml5proxy --config-file /etc/nova/nova.conf``. Serves
the spice-html5 client from ``[DEFAULT] web`` (default /usr/share/spice-html5,
Debian's ``spice-html5`` package) and listens on ``[spice]
html5proxy_host:html5proxy_port``. See nova.cmd.consoleproxy for what it
needs and its exit status.
"""

from nova.cmd import consoleproxy
from nova.console import websocketproxy


def main(argv=None):
    """Serve SPICE console websockets until SIGTERM."""
    consoleproxy.main(websocketproxy.SPICE_HTML5, argv)


if __name__ == "__main__":
    main()
