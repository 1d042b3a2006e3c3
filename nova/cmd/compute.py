"""nova-compute: the service of one hypervisor host.

Usage: ``nova-compute --config-file /etc/nova/nova-compute.conf``. Needs
``[DEFAULT] transport_url`` (the queue of its cell) and ``compute_driver``;
it must NOT have database credentials: every object call it makes runs in
nova-conductor (``NovaObject.indirection_api``), and it refuses to start when
``[database] connection`` or ``[api_database] connection`` is set.
"""

import signal
import sys
import threading

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import service
from nova.cmd import common
from nova.compute import manager, rpcapi
from nova.conductor import api as conductor_api
from nova.conductor import rpcapi as conductor_rpcapi
from nova.objects import base as objects_base

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: Exit status when configuration forbids starting.
EXIT_CONFIG_ERROR = 2


def database_options_set(conf=CONF):
    """Return the "[group] connection" names that are set in ``conf`` (list of str)."""
    found = []
    for group in ("database", "api_database"):
        try:
            value = conf[group].connection
        except (KeyError, AttributeError):
            continue
        if value:
            found.append(f"[{group}] connection")
    return found


def _wait_for_conductor():
    """Wait for a conductor to answer; False if SIGTERM/SIGINT came first.

    nova.service.run installs the service's own signal handling afterwards.
    """
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set())
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        return conductor_api.API().wait_until_ready(
            nova_context.get_admin_context(), stop_event=stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv=None):
    """Start nova-compute and run until SIGTERM; exit with its status.

    Exits with status 2 and a message on stderr when database credentials
    are configured.
    """
    common.init(argv or sys.argv)
    configured = database_options_set()
    if configured:
        message = (f"nova-compute refuses to start: {' and '.join(configured)} "
                   "is set in its configuration. nova-compute must not hold "
                   "database credentials; it reaches the database through "
                   "nova-conductor. Remove the option from nova-compute's "
                   "configuration file.")
        LOG.error(message)
        print(message, file=sys.stderr)
        sys.exit(EXIT_CONFIG_ERROR)

    objects_base.NovaObject.indirection_api = conductor_rpcapi.ConductorAPI()
    LOG.info("No database configured: object calls go through nova-conductor")
    if not _wait_for_conductor():
        LOG.info("Stopped while waiting for nova-conductor")
        sys.exit(0)
    server = service.Service.create(
        binary="nova-compute", topic=rpcapi.RPC_TOPIC,
        manager=manager.ComputeManager())
    sys.exit(common.serve(server, workers=1))


if __name__ == "__main__":
    main()
