"""Tenant usage: how much each project's servers used during a period.

What os-simple-tenant-usage reports (api-ref "Usage reports
(os-simple-tenant-usage)"): for every server that ran at some time in
[start, stop), the hours it ran inside that window and its flavor's size,
summed per project as vCPU-hours, MiB-hours and GiB-hours. Deleted servers
count for the time they ran; servers that never launched do not.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import instance_list

LOG = logging.getLogger(__name__)

#: Seconds a cell has to answer before its servers are left out.
CELL_TIMEOUT = instance_list.CELL_TIMEOUT


def _in_cell(cctxt, begin, end, project_id):
    return list(objects.InstanceList.get_active_by_window(cctxt, begin, end, project_id))


def instances_in_window(context, begin, end, project_id=None, limit=None, marker=None):
    """Return the servers of every cell that ran during [begin, end).

    :param begin/end: naive UTC datetimes, begin < end.
    :param project_id: one project's servers, or every project's when None.
    :param limit: at most this many (int), or all when None.
    :param marker: uuid of the last server of the previous page, or None.
    :returns: list of Instance (flavor loaded), oldest first (created_at,
        then uuid), the same order on every call so pages do not overlap.
    :raises nova.exception.MarkerNotFound: no such server in the window.
    """
    cells = objects.CellMappingList.get_all(context)
    results = nova_context.scatter_gather_cells(
        context, cells, CELL_TIMEOUT, _in_cell, begin, end, project_id)
    instances = []
    for cell_uuid, result in results.items():
        if nova_context.is_cell_failure_sentinel(result):
            LOG.warning("Cell %s did not answer; its usage is left out", cell_uuid)
            continue
        instances.extend(result)
    instances.sort(key=lambda inst: (inst.created_at or begin, inst.uuid))
    if marker is not None:
        uuids = [inst.uuid for inst in instances]
        if marker not in uuids:
            raise exception.MarkerNotFound(marker=marker)
        instances = instances[uuids.index(marker) + 1:]
    if limit is not None:
        instances = instances[:limit]
    return instances


def _as_naive(value):
    return value.replace(tzinfo=None) if value is not None else None


def server_usage(instance, begin, end, now=None):
    """Return one server's usage in [begin, end), or None without a flavor.

    :returns: upstream's ``server_usages`` item: instance_id, name,
        tenant_id, flavor (name), vcpus, memory_mb (MiB), local_gb (root +
        ephemeral, GiB), hours (float, the time it ran inside the window),
        started_at / ended_at (datetimes; ended_at None while it exists),
        state (vm_state, "terminated" once deleted) and uptime (int
        seconds from launch to deletion, or to ``now``).
    """
    flavor = instance.flavor if "flavor" in instance and instance.flavor else None
    if flavor is None:
        return None
    now = _as_naive(now or timeutils.utcnow())
    launched = _as_naive(instance.launched_at)
    terminated = _as_naive(instance.terminated_at)
    deleted = bool(instance.deleted)
    start = max(launched, begin)
    stop = min(terminated, end) if terminated is not None else end
    seconds = max((stop - start).total_seconds(), 0)
    ended_at = terminated
    uptime = int(((ended_at or now) - launched).total_seconds())
    return {
        "instance_id": instance.uuid,
        "name": instance.display_name,
        "tenant_id": instance.project_id,
        "flavor": flavor.name,
        "vcpus": flavor.vcpus,
        "memory_mb": flavor.memory_mb,
        "local_gb": flavor.root_gb + flavor.ephemeral_gb,
        "hours": seconds / 3600.0,
        "started_at": launched,
        "ended_at": ended_at,
        "state": "terminated" if deleted else instance.vm_state,
        "uptime": uptime,
    }


def tenant_usages(instances, begin, end, now=None):
    """Sum the usage of ``instances`` per project.

    :param instances: Instance objects (flavor loaded), any order.
    :returns: list of dicts in the order projects first appear: tenant_id,
        start, stop (the window), total_hours, total_vcpus_usage,
        total_memory_mb_usage, total_local_gb_usage, server_usages (list of
        ``server_usage`` items).
    """
    per_project = {}
    for instance in instances:
        usage = server_usage(instance, begin, end, now)
        if usage is None:
            LOG.warning("Server %s has no flavor; its usage is left out", instance.uuid)
            continue
        summary = per_project.setdefault(usage["tenant_id"], {
            "tenant_id": usage["tenant_id"], "start": begin, "stop": end,
            "total_hours": 0.0, "total_vcpus_usage": 0.0,
            "total_memory_mb_usage": 0.0, "total_local_gb_usage": 0.0,
            "server_usages": [],
        })
        hours = usage["hours"]
        summary["total_hours"] += hours
        summary["total_vcpus_usage"] += usage["vcpus"] * hours
        summary["total_memory_mb_usage"] += usage["memory_mb"] * hours
        summary["total_local_gb_usage"] += usage["local_gb"] * hours
        summary["server_usages"].append(usage)
    return list(per_project.values())

