"""nova-scheduler: chooses compute hosts and maps new hosts to their cells.

Usage: ``nova-scheduler --config-file /etc/nova/nova.conf``. Needs
``[DEFAULT] transport_url``, ``[api_database] connection`` and ``[database]
connection`` (where its own service record lives); runs ``[scheduler]
workers`` processes (one per CPU when unset).
"""

import sys

from nova import conf as nova_conf
from nova import service
from nova.cmd import common
from nova.scheduler import manager, rpcapi

CONF = nova_conf.CONF


def main(argv=None):
    """Start nova-scheduler and run until SIGTERM; exit with its status."""
    common.init(argv or sys.argv)
    interval = CONF.scheduler.periodic_task_interval
    server = service.Service.create(
        binary="nova-scheduler", topic=rpcapi.RPC_TOPIC,
        manager=manager.SchedulerManager(),
        periodic_interval_max=interval if interval > 0 else 60)
    sys.exit(common.serve(server, workers=common.worker_count(CONF.scheduler.workers)))


if __name__ == "__main__":
    main()
