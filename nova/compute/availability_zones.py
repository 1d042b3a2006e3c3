"""Availability zones: which zones exist and which zone a host is in.

A zone is not a record of its own. A compute host is in the zone named by
the ``availability_zone`` metadata of its host aggregate, else in [DEFAULT]
default_availability_zone; every other service (conductor, scheduler, ...)
is in [DEFAULT] internal_service_availability_zone. So a zone "exists" when
some service is in it (upstream's rule): an aggregate zone with no host is
not listed, and neither is the default zone once every compute host sits in
an aggregate zone. A zone is available when one of its services is enabled.
"""

import logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import objects

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Seconds to wait for every cell together when listing services.
CELL_TIMEOUT = 60

def _services_in_cell(cctxt):
    return list(objects.ServiceList.get_all(cctxt, set_zones=True))


def all_services(context):
    """Return every service of every cell (cell0 included), zones set.

    A cell that fails or does not answer in time is logged and left out.

    :returns: list of objects.Service with ``availability_zone`` filled.
    """
    cells = list(objects.CellMappingList.get_all(context))
    results = nova_context.scatter_gather_cells(
        context, cells, CELL_TIMEOUT, _services_in_cell)
    services = []
    for cell in cells:
        result = results.get(cell.uuid, nova_context.did_not_respond_sentinel)
        if nova_context.is_cell_failure_sentinel(result):
            LOG.warning("Cell %s did not answer; its services are left out", cell.uuid)
            continue
        services.extend(result)
    return services


def get_availability_zones(context, services=None):
    """Return (available, not_available): sorted lists of zone names.

    :param services: the services to look at (all_services() when None).
    :returns: zones with at least one enabled service, then zones whose
        services are all disabled.
    """
    if services is None:
        services = all_services(context)
    available = {s.availability_zone for s in services if not s.disabled}
    not_available = {s.availability_zone for s in services if s.disabled} - available
    return sorted(available), sorted(not_available)


def schedulable_zones(context):
    """Zones a server may ask for: those with an enabled nova-compute service.

    Upstream checks a requested zone against every available zone, the
    internal one included (whose hosts can never take a server); this
    leaves the internal zone out, so asking for it is refused up front
    instead of failing to schedule.

    :returns: set of zone names.
    """
    return {s.availability_zone for s in all_services(context)
            if not s.disabled and s.binary == "nova-compute"}
