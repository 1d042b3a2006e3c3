"""nova-scheduler's periodic host discovery maps new compute hosts to cells."""

from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.scheduler import manager as scheduler_manager
from tests.functional.cmd.cli import add_compute_node


def test_new_compute_hosts_are_mapped_by_the_periodic_task(databases, conf_fixture):
    conf_fixture.config(discover_hosts_in_cells_interval=1, group="scheduler")
    ctxt = nova_context.get_admin_context()
    objects.CellMapping(ctxt, uuid=uuidutils.generate_uuid(), name="cell1",
                        transport_url="none:///",
                        database_connection=databases.main_url).create()
    add_compute_node(databases.main_url, "compute-a")
    scheduler = scheduler_manager.SchedulerManager(host="sched")

    scheduler.periodic_tasks(ctxt, raise_on_error=True)

    mapping = objects.HostMapping.get_by_host(ctxt, "compute-a")
    assert mapping.cell_mapping.name == "cell1"
    # The next run finds nothing new and does not fail on the mapped host.
    add_compute_node(databases.main_url, "compute-b")
    scheduler._periodic_last_run["_discover_hosts_in_cells"] = None
    scheduler.periodic_tasks(ctxt, raise_on_error=True)
    assert objects.HostMapping.get_by_host(ctxt, "compute-b").cell_mapping.name == "cell1"


def test_discovery_is_off_unless_configured(conf_fixture):
    conf_fixture.config(discover_hosts_in_cells_interval=-1, group="scheduler")
    scheduler = scheduler_manager.SchedulerManager(host="sched")
    assert "_discover_hosts_in_cells" not in dict(scheduler._periodic_tasks)
    conf_fixture.config(discover_hosts_in_cells_interval=0, group="scheduler")
    scheduler = scheduler_manager.SchedulerManager(host="sched")
    assert scheduler._periodic_spacing["_discover_hosts_in_cells"] == 60
