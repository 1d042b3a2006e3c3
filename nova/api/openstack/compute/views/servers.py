"""Server bodies as the API returns them, per microversion (api-ref "Servers").

``status`` is derived from vm_state and task_state with upstream's table;
``hostId`` is a per-project hash of the host name so users can tell whether
two of their servers share a host without learning the host.
"""

import hashlib

from nova.api.openstack import common
from nova.api.openstack.api_version_request import APIVersionRequest
from nova.compute import task_states, vm_states
from nova.network import model as network_model
from nova.policies import extended_server_attributes
from nova.policy import authorize

# vm_state -> {task_state or "default": API status}
_STATE_MAP = {
    vm_states.ACTIVE: {
        "default": "ACTIVE",
        task_states.REBOOTING: "REBOOT",
        task_states.REBOOT_PENDING: "REBOOT",
        task_states.REBOOT_STARTED: "REBOOT",
        task_states.REBOOTING_HARD: "HARD_REBOOT",
        task_states.REBOOT_PENDING_HARD: "HARD_REBOOT",
        task_states.REBOOT_STARTED_HARD: "HARD_REBOOT",
        task_states.UPDATING_PASSWORD: "PASSWORD",
        task_states.REBUILDING: "REBUILD",
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: "REBUILD",
        task_states.REBUILD_SPAWNING: "REBUILD",
        task_states.MIGRATING: "MIGRATING",
        task_states.RESIZE_PREP: "RESIZE",
        task_states.RESIZE_MIGRATING: "RESIZE",
        task_states.RESIZE_MIGRATED: "RESIZE",
        task_states.RESIZE_FINISH: "RESIZE",
    },
    vm_states.BUILDING: {"default": "BUILD"},
    vm_states.STOPPED: {
        "default": "SHUTOFF",
        task_states.RESIZE_PREP: "RESIZE",
        task_states.RESIZE_MIGRATING: "RESIZE",
        task_states.RESIZE_MIGRATED: "RESIZE",
        task_states.RESIZE_FINISH: "RESIZE",
        task_states.REBUILDING: "REBUILD",
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: "REBUILD",
        task_states.REBUILD_SPAWNING: "REBUILD",
    },
    vm_states.RESIZED: {"default": "VERIFY_RESIZE", task_states.RESIZE_REVERTING: "REVERT_RESIZE"},
    vm_states.PAUSED: {"default": "PAUSED", task_states.MIGRATING: "MIGRATING"},
    vm_states.SUSPENDED: {"default": "SUSPENDED"},
    vm_states.RESCUED: {"default": "RESCUE"},
    vm_states.ERROR: {"default": "ERROR", task_states.REBUILDING: "REBUILD"},
    vm_states.DELETED: {"default": "DELETED"},
    vm_states.SOFT_DELETED: {"default": "SOFT_DELETED"},
    vm_states.SHELVED: {"default": "SHELVED"},
    vm_states.SHELVED_OFFLOADED: {"default": "SHELVED_OFFLOADED"},
}

#: Statuses whose servers report ``progress`` (upstream's list).
_PROGRESS_STATUSES = ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING")


def status_from_state(vm_state, task_state=None):
    """Return the API status for a vm_state/task_state pair ("UNKNOWN" if unmapped)."""
    states = _STATE_MAP.get(vm_state, {"default": "UNKNOWN"})
    return states.get(task_state, states["default"])


def states_from_status(status):
    """Return the instance filters for an API status (the reverse of status_from_state).

    :returns: {"vm_state": [...]} plus "task_state": [...] when the status
        only arises from particular tasks (REBOOT is active+rebooting); None
        for an unknown status, for which upstream lists nothing before 2.38.
    """
    status = status.upper()
    vm_state_list, task_state_list, plain = [], [], False
    for vm_state, tasks in _STATE_MAP.items():
        for task_state, mapped in tasks.items():
            if mapped != status:
                continue
            if vm_state not in vm_state_list:
                vm_state_list.append(vm_state)
            if task_state == "default":
                plain = True
            else:
                task_state_list.append(task_state)
    if not vm_state_list:
        return None
    filters = {"vm_state": vm_state_list}
    # As upstream: a status that is some vm_state's default matches that
    # vm_state whatever its task.
    if task_state_list and not plain:
        filters["task_state"] = task_state_list
    return filters


def network_info(instance):
    """The instance's network_info from its info cache ([] when it has none)."""
    if not instance.obj_attr_is_set("info_cache") or instance.info_cache is None:
        return []
    return instance.info_cache.network_info or []


def addresses(instance):
    """The server's ``addresses`` (api-ref "Show Server Details"), by network label."""
    return network_model.addresses(network_info(instance))


def _isotime(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def host_id(instance):
    """Return the opaque hostId: sha224 of project id + host, "" without a host."""
    if not _get(instance, "host"):
        return ""
    return hashlib.sha224((instance.project_id + _get(instance, "host")).encode()).hexdigest()


def _get(instance, name, default=None):
    if not instance.obj_attr_is_set(name):
        return default
    return getattr(instance, name)


class ViewBuilder:
    """Builds server bodies; one instance serves the whole app."""

    def basic(self, req, instance):
        """Return {"id", "name", "links"}: GET /servers items."""
        return {
            "id": instance.uuid,
            "name": instance.display_name,
            "links": common.resource_links(req, "servers", instance.uuid),
        }

    def _image(self, req, instance):
        if not instance.image_ref:
            return ""  # volume-backed servers show an empty string, as upstream
        return {
            "id": instance.image_ref,
            "links": [common.resource_links(req, "images", instance.image_ref)[1]],
        }

    def _flavor(self, req, instance):
        flavorid = instance.flavor.flavorid
        return {
            "id": flavorid,
            "links": [common.resource_links(req, "flavors", flavorid)[1]],
        }

    def _fault(self, req, instance, is_admin):
        # Only failed servers have a fault to show: a single server is read
        # without it and loads it here on demand (lists load all at once).
        fault = instance.fault
        if fault is None:
            return None
        body = {
            "code": fault.code,
            "created": _isotime(fault.created_at),
            "message": fault.message,
        }
        # Upstream hides the traceback of internal errors from users.
        if is_admin or fault.code != 500:
            body["details"] = fault.details
        return body

    def show(self, req, instance, host_statuses=None):
        """Return the full server body for ``req``'s microversion.

        :param host_statuses: {host: "UP"|"DOWN"|"MAINTENANCE"|"UNKNOWN"} for
            the 2.16 host_status field, computed once per request by the
            controller; None when the caller may not see it.
        """
        version = req.api_version_request
        context = req.context
        target = {"project_id": instance.project_id}
        show_extended = authorize(context, extended_server_attributes.EXTENDED_ATTRS,
                                  target, fatal=False)
        status = status_from_state(instance.vm_state, _get(instance, "task_state"))
        server = {
            "id": instance.uuid,
            "name": instance.display_name,
            "status": status,
            "tenant_id": instance.project_id,
            "user_id": instance.user_id,
            "metadata": dict(_get(instance, "metadata", {}) or {}),
            "hostId": host_id(instance),
            "image": self._image(req, instance),
            "flavor": self._flavor(req, instance),
            "created": _isotime(instance.created_at),
            "updated": _isotime(_get(instance, "updated_at") or instance.created_at),
            "addresses": addresses(instance),
            "accessIPv4": _text(_get(instance, "access_ip_v4")),
            "accessIPv6": _text(_get(instance, "access_ip_v6")),
            "links": common.resource_links(req, "servers", instance.uuid),
            "key_name": _get(instance, "key_name"),
            "config_drive": _get(instance, "config_drive") or "",
            "OS-DCF:diskConfig": "AUTO" if _get(instance, "auto_disk_config") else "MANUAL",
            "OS-EXT-AZ:availability_zone": _get(instance, "availability_zone") or "",
            "OS-EXT-STS:power_state": _get(instance, "power_state") or 0,
            "OS-EXT-STS:task_state": _get(instance, "task_state"),
            "OS-EXT-STS:vm_state": instance.vm_state,
            "OS-SRV-USG:launched_at": _iso_micro(_get(instance, "launched_at")),
            "OS-SRV-USG:terminated_at": _iso_micro(_get(instance, "terminated_at")),
            "os-extended-volumes:volumes_attached": [],
        }
        if status in _PROGRESS_STATUSES:
            server["progress"] = _get(instance, "progress") or 0
        if show_extended:
            server["OS-EXT-SRV-ATTR:host"] = _get(instance, "host")
            server["OS-EXT-SRV-ATTR:hypervisor_hostname"] = _get(instance, "node")
            # Servers not scheduled yet have no database id, hence no name.
            server["OS-EXT-SRV-ATTR:instance_name"] = \
                instance.name if instance.obj_attr_is_set("id") else ""
            if version >= APIVersionRequest("2.3"):
                server.update({
                    "OS-EXT-SRV-ATTR:reservation_id": _get(instance, "reservation_id"),
                    "OS-EXT-SRV-ATTR:launch_index": _get(instance, "launch_index"),
                    "OS-EXT-SRV-ATTR:hostname": _get(instance, "hostname"),
                    "OS-EXT-SRV-ATTR:kernel_id": _get(instance, "kernel_id") or "",
                    "OS-EXT-SRV-ATTR:ramdisk_id": _get(instance, "ramdisk_id") or "",
                    "OS-EXT-SRV-ATTR:root_device_name": _get(instance, "root_device_name"),
                    "OS-EXT-SRV-ATTR:user_data": _get(instance, "user_data"),
                })
        if status in ("ERROR", "DELETED"):
            fault = self._fault(req, instance, context.is_admin)
            if fault:
                server["fault"] = fault
        if version >= APIVersionRequest("2.9"):
            server["locked"] = bool(_get(instance, "locked"))
        if version >= APIVersionRequest("2.16") and host_statuses is not None:
            server["host_status"] = host_statuses.get(_get(instance, "host"), "") \
                if _get(instance, "host") else ""
        if version >= APIVersionRequest("2.19"):
            server["description"] = _get(instance, "display_description")
        if version >= APIVersionRequest("2.26"):
            tags = _get(instance, "tags")
            server["tags"] = [t.tag for t in tags] if tags else []
        return server

    def rebuild(self, req, instance):
        """Return the server body of a rebuild's 202 answer.

        Before 2.75 upstream answers a rebuild with fewer fields than GET:
        no OS-EXT-* attributes, zone, config drive, usage dates, volumes or
        host status, and key_name only from 2.54 (api-ref "Rebuild
        Server"); user_data from 2.57; from 2.75 the same body as GET.
        """
        version = req.api_version_request
        server = self.show(req, instance)
        if version.matches("2.57"):
            server["user_data"] = _get(instance, "user_data")
        if version.matches("2.75"):
            return server
        dropped = _NOT_IN_REBUILD if version.matches("2.54") else \
            (*_NOT_IN_REBUILD, "key_name")
        return {key: value for key, value in server.items()
                if not key.startswith(_NOT_IN_REBUILD_PREFIXES) and key not in dropped}


#: Server fields a rebuild's answer leaves out before 2.75.
_NOT_IN_REBUILD_PREFIXES = ("OS-EXT-", "OS-SRV-USG:", "os-extended-volumes:")
_NOT_IN_REBUILD = ("config_drive", "host_status", "security_groups")


def _text(value):
    """str() of an optional value; "" for None (access IPs)."""
    return str(value) if value else ""


def _iso_micro(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None
