"""nova-novncproxy: the websocket proxy between browsers and guests' VNC servers.

Usage: ``nova-novncproxy --config-file /etc/nova/nova.conf``. Needs
``[database] connection`` (the cell database whose compute hosts issue
the tokens; run one proxy per cell, as upstream) and, to serve the noVNC
client itself, ``[DEFAULT] web`` (default here: /usr/share/novnc, Debian's
``novnc`` package). Listens on ``[vnc] novncproxy_host:novncproxy_port``.
It needs no message queue.

Exit status: 0 after SIGTERM/SIGINT; 255 when the web directory or, with
``ssl_only``, the certificate is missing (upstream's status); 1 on a
configuration error.
"""

import os
import sys

from oslo_log import log as logging

from nova import config, objects
from nova.conf import CONF
from nova.console import websocketproxy

LOG = logging.getLogger(__name__)

#: Where Debian's (and most distributions') novnc package puts the client.
DEFAULT_WEB = "/usr/share/novnc"


def _exit_with_error(message):
    sys.stderr.write(message + "\n")
    LOG.error("%s", message)
    sys.exit(255)


def main(argv=None):
    """Parse configuration, then serve console websockets until SIGTERM."""
    # [DEFAULT] web defaults to the SPICE client for the other proxies.
    CONF.set_default("web", DEFAULT_WEB)
    config.parse_args(argv or sys.argv)
    config.log_option_values()
    objects.register_all()
    if CONF.ssl_only and not os.path.exists(CONF.cert):
        _exit_with_error(f"SSL only and {CONF.cert} not found.")
    if not os.path.isdir(CONF.web):
        _exit_with_error(f"Can not find html/js files at {CONF.web}.")
    LOG.info("nova-novncproxy serving %s on %s:%s; tokens from [database] connection",
             CONF.web, CONF.vnc.novncproxy_host, CONF.vnc.novncproxy_port)
    websocketproxy.build_proxy(CONF).start_server()
    sys.exit(0)


if __name__ == "__main__":
    main()
