"""Hypervisor documents of /os-hypervisors (integer ids, before 2.53).

``cpu_info`` is the JSON text the virt driver reported before 2.28 and
the decoded object from 2.28 ({} when the node reported nothing).
"""

from oslo_serialization import jsonutils

from nova.api.openstack import common

#: Resource fields shown in the detail view and summed by /statistics.
RESOURCE_FIELDS = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
                   "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
                   "running_vms", "disk_available_least")


def summary(node, service, is_up):
    """Return {"id", "hypervisor_hostname", "state": "up"/"down", "status"}.

    :param node: objects.ComputeNode.
    :param service: its nova-compute objects.Service.
    :param is_up: whether that service is up.
    """
    return {"id": node.id, "hypervisor_hostname": node.hypervisor_hostname,
            "state": "up" if is_up else "down",
            "status": "disabled" if service.disabled else "enabled"}


def _cpu_info_object(cpu_info):
    if not cpu_info:
        return {}
    try:
        return jsonutils.loads(cpu_info)
    except ValueError:
        return {}


def detail(node, service, is_up, cpu_info_as_object):
    """Return the summary plus resources, hypervisor and service attributes.

    :param cpu_info_as_object: True from 2.28.
    """
    body = summary(node, service, is_up)
    for field in RESOURCE_FIELDS:
        body[field] = getattr(node, field)
    body["hypervisor_type"] = node.hypervisor_type
    body["hypervisor_version"] = node.hypervisor_version
    body["host_ip"] = str(node.host_ip) if node.host_ip is not None else None
    body["cpu_info"] = (_cpu_info_object(node.cpu_info) if cpu_info_as_object
                        else node.cpu_info)
    body["service"] = {"host": node.host, "id": service.id,
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
