"""nova-api-metadata: serve the metadata service guests query at 169.254.169.254.

Usage: ``nova-api-metadata --config-file /etc/nova/nova.conf``. Listens on
[DEFAULT] metadata_listen:metadata_listen_port (0.0.0.0:8775) with
[DEFAULT] metadata_workers processes (one per CPU when unset) of
[wsgi] server_threads native threads each; SIGTERM stops accepting
connections and lets requests in flight finish. Guests reach it through a
metadata proxy that signs their instance id ([neutron]
service_metadata_proxy, metadata_proxy_shared_secret); see
doc/source/metadata.rst.
"""

import sys

from oslo_log import log as logging

from nova import conf as nova_conf
from nova.api import wsgi_server
from nova.api.metadata import handler
from nova.cmd import common

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


def build_server(conf=CONF):
    """Return (WSGIServer of the metadata app, not yet started, worker count)."""
    workers = common.worker_count(conf.metadata_workers)
    if not conf.neutron.service_metadata_proxy:
        LOG.info("[neutron] service_metadata_proxy is off: requests are matched to "
                 "instances by their source address (the fixed IPs of the built-in "
                 "network service)")
    app = handler.MetadataApp(conf)
    return wsgi_server.WSGIServer(
        "nova-api-metadata", app, conf.metadata_listen, conf.metadata_listen_port,
        threads=conf.wsgi.server_threads, reuse_port=workers > 1, conf=conf), workers


def main(argv=None):
    """Run nova-api-metadata until SIGTERM; exit with its status."""
    common.init(argv or sys.argv)
    server, workers = build_server()
    sys.exit(common.serve(server, workers=workers))


if __name__ == "__main__":
    main()
