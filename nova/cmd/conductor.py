"""nova-conductor: runs nova-compute's object calls against the cell database.

Usage: ``nova-conductor --config-file /etc/nova/nova.conf``. Needs
``[DEFAULT] transport_url`` and ``[database] connection``; runs
``[conductor] workers`` processes (one per CPU when unset).
"""

import sys

from nova import conf as nova_conf
from nova import service
from nova.cmd import common
from nova.conductor import manager, rpcapi

CONF = nova_conf.CONF


def main(argv=None):
    """Start nova-conductor and run until SIGTERM; exit with its status."""
    common.init(argv or sys.argv)
    server = service.Service.create(
        binary="nova-conductor", topic=rpcapi.RPC_TOPIC,
        manager=manager.ConductorManager())
    sys.exit(common.serve(server, workers=common.worker_count(CONF.conductor.workers)))


if __name__ == "__main__":
    main()
