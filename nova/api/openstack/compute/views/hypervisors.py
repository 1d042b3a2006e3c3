"""Hypervisor documents of /os-hypervisors, by microversion.

``cpu_info`` is the JSON text the virt driver reported before 2.28 and
the decoded object from 2.28 ({} when the node reported nothing). Ids
(the node's and its service's) are integers before 2.53 and uuids from
2.53. From 2.88 the detail view loses the resource fields and
``cpu_info`` (Placement is where inventories are read) and a single
hypervisor carries ``uptime``. The shape of a request is a ``Shape``
chosen by ``shape_for``.
"""

from typing import NamedTuple

from oslo_serialization import jsonutils

from nova.api.openstack import api_version_request, common

#: Resource fields shown in the detail view and summed by /statistics.
RESOURCE_FIELDS = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
                   "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
                   "running_vms", "disk_available_least")


class Shape(NamedTuple):
    """How hypervisor documents look at one microversion.

    :ivar uuids: ids are uuids (2.53).
    :ivar cpu_info_as_object: ``cpu_info`` decoded (2.28).
    :ivar resources: the resource fields and ``cpu_info`` (until 2.87).
    :ivar uptime: one hypervisor shows ``uptime`` (2.88).
    :ivar servers_always: ``with_servers`` gives ``servers`` even when empty (2.75).
    """

    uuids: bool = False
    cpu_info_as_object: bool = False
    resources: bool = True
    uptime: bool = False
    servers_always: bool = False


_SHAPES = {
    "2.1": Shape(),
    "2.28": Shape(cpu_info_as_object=True),
    "2.53": Shape(uuids=True, cpu_info_as_object=True),
    "2.75": Shape(uuids=True, cpu_info_as_object=True, servers_always=True),
    "2.88": Shape(uuids=True, cpu_info_as_object=True, servers_always=True,
                  resources=False, uptime=True),
}


def shape_for(req):
    """Return the Shape of ``req``'s microversion."""
    return api_version_request.choose(req.api_version_request, _SHAPES)


def summary(node, service, is_up, shape=Shape()):
    """Return {"id", "hypervisor_hostname", "state": "up"/"down", "status"}.

    :param node: objects.ComputeNode.
    :param service: its nova-compute objects.Service.
    :param is_up: whether that service is up.
    :param shape: the request's Shape (uuid ids from 2.53).
    """
    return {"id": node.uuid if shape.uuids else node.id,
            "hypervisor_hostname": node.hypervisor_hostname,
            "state": "up" if is_up else "down",
            "status": "disabled" if service.disabled else "enabled"}


def _cpu_info_object(cpu_info):
    if not cpu_info:
        return {}
    try:
        return jsonutils.loads(cpu_info)
    except ValueError:
        return {}


def detail(node, service, is_up, shape):
    """Return the summary plus resources, hypervisor and service attributes.

    :param shape: the request's Shape.
    """
    body = summary(node, service, is_up, shape)
    if shape.resources:
        for field in RESOURCE_FIELDS:
            body[field] = getattr(node, field)
        body["cpu_info"] = (_cpu_info_object(node.cpu_info) if shape.cpu_info_as_object
                            else node.cpu_info)
    body["hypervisor_type"] = node.hypervisor_type
    body["hypervisor_version"] = node.hypervisor_version
    body["host_ip"] = str(node.host_ip) if node.host_ip is not None else None
    body["service"] = {"host": node.host,
                       "id": service.uuid if shape.uuids else service.id,
                       "disabled_reason": service.disabled_reason}
    return body


def collection(req, entries, collection_path, paged):
    """Return {"hypervisors": entries, "hypervisors_links"?}.

    :param collection_path: "os-hypervisors" or "os-hypervisors/detail".
    :param paged: add the "next" link of a full page (2.33).
    """
    body = {"hypervisors": entries}
    if paged:
        links = common.collection_links(req, entries, collection_path)
        if links:
            body["hypervisors_links"] = links
    return body


def statistics(nodes):
    """Return {"hypervisor_statistics": {"count", <RESOURCE_FIELDS summed>}}."""
    totals = {"count": len(nodes)}
    for field in RESOURCE_FIELDS:
        totals[field] = sum(getattr(node, field) or 0 for node in nodes)
    return {"hypervisor_statistics": totals}
