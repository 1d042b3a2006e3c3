"""Server side of the scheduler RPC API, and the scheduler's periodic work.

``select_destinations`` chooses hosts for new instances (Placement
candidates, filters, weighers, claims; see filter_scheduler). Periodically
the scheduler also maps compute hosts that appeared in any cell every
``[scheduler] discover_hosts_in_cells_interval`` seconds (what
``nova-manage cell_v2 discover_hosts`` does by hand).
"""

import threading
import time

import oslo_messaging as messaging
from oslo_db import exception as db_exc
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception, manager
from nova.objects import host_mapping
from nova.scheduler import filter_scheduler, host_manager
from nova.scheduler.client import report

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


class SchedulerManager(manager.Manager):
    """The scheduler's RPC endpoint (API 4.5, see ``rpcapi.SchedulerAPI``)."""

    target = messaging.Target(version="4.5")

    def __init__(self, host=None, reportclient=None):
        super().__init__(host=host, service_name="scheduler")
        self.driver = filter_scheduler.FilterScheduler(
            reportclient or report.SchedulerReportClient(),
            host_manager.CachedHostZones())
        self._discover_lock = threading.Lock()
        self.set_periodic_spacing(
            "_discover_hosts_in_cells",
            CONF.scheduler.discover_hosts_in_cells_interval)

    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_objects=False, return_alternates=False):
        """Choose and claim a host per instance (RPC 4.5, a call).

        :returns: with return_objects, a list (one per instance) of lists of
            objects.Selection, alternates after the chosen host when
            return_alternates; otherwise upstream's legacy list of
            {"host", "nodename", "limits"} dicts, one per instance.
        :raises NoValidHost: nothing fits (an expected exception: logged by
            the caller, not as an RPC server error here).
        """
        started = time.monotonic()
        try:
            selections = self.driver.select_destinations(
                context, spec_obj, instance_uuids, return_alternates=return_alternates)
        finally:
            # Read by tools/bench/scheduling.py (this logger at DEBUG).
            LOG.debug("select_destinations for %d instance(s) took %.1f ms",
                      len(instance_uuids or ()), (time.monotonic() - started) * 1000)
        if return_objects:
            return selections
        return [{"host": s[0].service_host, "nodename": s[0].nodename, "limits": {}}
                for s in selections]

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
