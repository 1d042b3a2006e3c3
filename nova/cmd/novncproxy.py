"""nova-novncproxy: the websocket proxy between browsers and guests' VNC servers.

Usage: ``nova-novncproxy --config-file /etc/nova/nova.conf``. Serves the
noVNC client from ``[DEFAULT] web`` (default here: /usr/share/novnc; the
quickstart installs noVNC with tools/install-novnc.sh) and listens on
``[vnc] novncproxy_host:novncproxy_port``. See nova.cmd.consoleproxy for
what it needs and its exit status.
"""

from nova.cmd import consoleproxy
from nova.console import websocketproxy

#: Where Debian's (and most distributions') novnc package puts the client.
DEFAULT_WEB = "/usr/share/novnc"


def main(argv=None):
    """Serve noVNC console websockets until SIGTERM."""
    consoleproxy.main(websocketproxy.NOVNC, argv, default_web=DEFAULT_WEB)


if __name__ == "__main__":
    main()
