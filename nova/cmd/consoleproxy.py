"""Start-up shared by the console proxies (nova-novncproxy, -spicehtml5proxy,
-serialproxy): parse the configuration, check the web client and TLS files,
then serve console websockets until SIGTERM.

Each proxy needs ``[database] connection`` (the cell database whose compute
hosts issue the tokens; run one proxy per cell, as upstream) and
``[DEFAULT] transport_url`` (that cell's message queue: the proxy asks the
instance's compute host whether a token's port is still its console).

Exit status: 0 after SIGTERM/SIGINT; 255 when the web directory or, with
``ssl_only``, the certificate is missing (upstream's status); 1 on a
configuration error.
"""

import os
import sys

from oslo_log import log as logging

from nova import config, objects, rpc
from nova.conf import CONF, novnc
from nova.console import websocketproxy

LOG = logging.getLogger(__name__)


def _exit_with_error(message):
    sys.stderr.write(message + "\n")
    LOG.error("%s", message)
    sys.exit(255)


def main(kind, argv=None, default_web=None):
    """Run the console proxy ``kind`` (a websocketproxy.ProxyKind) until SIGTERM.

    :param argv: the full argument vector (sys.argv when None).
    :param default_web: the [DEFAULT] web default of this binary (the
        client it serves), or None to keep the option's own default.
    """
    if default_web is not None:
        CONF.set_default("web", default_web)
    # As upstream: --web, --cert, --key, --ssl_only, --record, ... on the
    # command line too, so proxies sharing one nova.conf can differ.
    CONF.register_cli_opts(novnc.novnc_opts)
    config.parse_args(argv or sys.argv)
    config.log_option_values()
    objects.register_all()
    if CONF.ssl_only and not os.path.exists(CONF.cert):
        _exit_with_error(f"SSL only and {CONF.cert} not found.")
    if kind.serves_web and not os.path.isdir(CONF.web):
        _exit_with_error(f"Can not find html/js files at {CONF.web}.")
    # Connections open lazily, in the process forked for each console
    # connection; this one never uses the transport.
    rpc.init(CONF)
    host, port = kind.listen(CONF)
    LOG.info("%s serving %s on %s:%s; tokens from [database] connection", kind.name,
             CONF.web if kind.serves_web else "websockets only", host, port)
    try:
        websocketproxy.build_proxy(CONF, kind).start_server()
    finally:
        rpc.cleanup()
    sys.exit(0)
