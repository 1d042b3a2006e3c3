"""The instances on candidate hosts, for the weighers that count them.

ImagePropertiesWeigher ranks hosts by the images of what already runs
there. Host states carry counts only (num_instances, num_io_ops), so this
weigher loads the instances here: one query per cell for all candidate
hosts of the cell, only when its multiplier is not 0.
"""

import logging

from nova import context as nova_context
from nova import objects

LOG = logging.getLogger(__name__)

#: Seconds to wait for all cells together.
CELL_TIMEOUT = 60

def _instances_in_cell(cctxt, hosts, expected_attrs):
    return list(objects.InstanceList.get_by_filters(
        cctxt, {"host": sorted(hosts), "deleted": False}, sort_key="id",
        sort_dir="asc", expected_attrs=expected_attrs))


def instances_by_host(context, host_states, expected_attrs=()):
    """Return {(cell_uuid, host): [Instance]} for the hosts of ``host_states``.

    :param context: an admin RequestContext (the scheduler's).
    :param host_states: HostStates (``cell_uuid``, ``host``).
    :param expected_attrs: Instance attributes to load (e.g.
        ["system_metadata"]).
    A cell that does not answer leaves its hosts with no instances (logged),
    so the ranking goes on without them.
    """
    hosts_by_cell = {}
    for state in host_states:
        hosts_by_cell.setdefault(state.cell_uuid, set()).add(state.host)
    found = {(cell, host): [] for cell, hosts in hosts_by_cell.items() for host in hosts}
    if context is None or not hosts_by_cell:
        return found
    cells = [cell for cell in objects.CellMappingList.get_all(context)
             if cell.uuid in hosts_by_cell]
    # Host names are unique over the cloud: every cell gets the whole set.
    all_hosts = set().union(*hosts_by_cell.values())
    results = nova_context.scatter_gather_cells(
        context, cells, CELL_TIMEOUT, _instances_in_cell, all_hosts,
        list(expected_attrs))
    for cell_uuid, result in results.items():
        if nova_context.is_cell_failure_sentinel(result):
            LOG.warning("Cell %s did not answer; its hosts count no instances", cell_uuid)
            continue
        for instance in result:
            if (cell_uuid, instance.host) in found:
                found[(cell_uuid, instance.host)].append(instance)
    return found
