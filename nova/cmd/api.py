"""nova-api: serve the OpenStack Compute API (PasteDeploy app ``osapi_compute``).

Usage: ``nova-api --config-file /etc/nova/nova.conf``. Listens on
[DEFAULT] osapi_compute_listen:osapi_compute_listen_port (0.0.0.0:8774) with
[DEFAULT] osapi_compute_workers processes (one per CPU when unset) of
[wsgi] server_threads threads each. SIGTERM stops accepting connections and
lets requests in flight finish. The metadata API is a separate binary here
(nova-api-metadata), even when [DEFAULT] enabled_apis lists it.
"""

import sys

from oslo_log import log as logging

from nova import conf as nova_conf
from nova.api import wsgi_server
from nova.api.openstack import paste_app
from nova.cmd import common
from nova.db import conf_facade

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


def build_server(conf=CONF):
    """Load the paste app; return (WSGIServer not yet started, worker count).

    :raises nova.exception.ConfigNotFound: no api-paste.ini.
    """
    workers = common.worker_count(conf.osapi_compute_workers)
    app = paste_app.load_app(paste_app.OSAPI_COMPUTE, conf=conf)
    return wsgi_server.WSGIServer(
        "nova-api", app, conf.osapi_compute_listen, conf.osapi_compute_listen_port,
        threads=conf.wsgi.server_threads, reuse_port=workers > 1, conf=conf), workers


def main(argv=None):
    """Run nova-api until SIGTERM; exit with its status."""
    common.init(argv or sys.argv)
    conf_facade.set_api_defaults(CONF)
    if "metadata" in CONF.enabled_apis:
        LOG.info("enabled_apis lists metadata: run nova-api-metadata to serve it")
    server, workers = build_server()
    sys.exit(common.serve(server, workers=workers))


if __name__ == "__main__":
    main()
