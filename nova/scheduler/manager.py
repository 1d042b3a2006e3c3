"""Server side of the scheduler RPC API, and the scheduler's periodic work.

Today the scheduler's real work is mapping new compute hosts to their cells
every ``[scheduler] discover_hosts_in_cells_interval`` seconds (what
``nova-manage cell_v2 discover_hosts`` does by hand). ``select_destinations``
is served once the placement-backed host selection exists.
"""

import threading

import oslo_messaging as messaging
from oslo_db import exception as db_exc
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception, manager
from nova.objects import host_mapping

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


class SchedulerManager(manager.Manager):
    """The scheduler's RPC endpoint (API 4.5, see ``rpcapi.SchedulerAPI``)."""

    target = messaging.Target(version="4.5")

    def __init__(self, host=None):
        super().__init__(host=host, service_name="scheduler")
        self._discover_lock = threading.Lock()
        self.set_periodic_spacing(
            "_discover_hosts_in_cells",
            CONF.scheduler.discover_hosts_in_cells_interval)

    @manager.periodic(spacing=60, run_immediately=True)
    def _discover_hosts_in_cells(self, context):
        """Map compute hosts that appeared in any cell since the last run.

        Several schedulers may run this at once; the loser of a race on the
        same host logs and leaves it to the next run.
        """
        if not self._discover_lock.acquire(blocking=False):
            return
        try:
            created = host_mapping.discover_hosts(context)
        except (db_exc.DBDuplicateEntry, exception.HostMappingExists) as exc:
            LOG.info("Another scheduler mapped hosts at the same time (%s); "
                     "the next run picks up the rest", exc)
            return
        finally:
            self._discover_lock.release()
        for mapping in created:
            LOG.info("Mapped compute host %s to cell %s", mapping.host,
                     mapping.cell_mapping.uuid)
