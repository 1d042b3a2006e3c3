"""Server bodies as the API returns them, per microversion (api-ref "Servers").

A server body is data: ``SERVER_FIELDS`` lists every field with the
microversion range it exists in, the policy rule that hides it, the bodies
it belongs to and its getter; ``ViewBuilder`` only walks the table. To add a
field for a new microversion, add a row (keep rows grouped by version so
concurrent additions merge cleanly).

Bodies ("kinds"): ``detail`` (GET /servers/detail), ``show`` (GET
/servers/{id}), ``update`` (PUT /servers/{id}) and ``rebuild`` (the rebuild
action). Before 2.75 upstream answers update and rebuild with fewer fields
than GET (api-ref "Update Server", "Rebuild Server"); from 2.75 all four
carry the same fields, except ``server_groups`` (2.71), which the lists
never show.

``status`` is derived from vm_state and task_state with upstream's table;
``hostId`` is a per-project hash of the host name so users can tell whether
two of their servers share a host without learning the host.
"""

import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

from nova import exception, objects
from nova.api.openstack import common
from nova.api.openstack.compute.views import flavors as flavor_views
from nova.compute import task_states, vm_states
from nova.network import model as network_model
from nova.policies import extended_server_attributes
from nova.policies import flavor_extra_specs as fes_policies
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

#: Every status a server can have, the values the 2.38 ``status`` filter accepts.
API_STATUSES = tuple(sorted({status for tasks in _STATE_MAP.values()
                             for status in tasks.values()}))

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


#: Prefix of the system metadata keys holding the boot image's properties.
_IMAGE_SYSMETA_PREFIX = "image_"
#: image_* system metadata keys that are image attributes, not properties.
_IMAGE_SYSMETA_ATTRS = ("min_ram", "min_disk", "disk_format", "container_format")


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


def _text(value):
    """str() of an optional value; "" for None (access IPs)."""
    return str(value) if value else ""


def _iso_micro(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None


class _Server:
    """What a getter sees: the request, the instance and per-request facts.

    :ivar req: the request being answered.
    :ivar instance: objects.Instance.
    :ivar status: the API status (from status_from_state).
    :ivar host_statuses: {host: status} of the 2.16 field, None when the
        caller may not see host_status.
    """

    def __init__(self, req, instance, host_statuses):
        self.req = req
        self.instance = instance
        self.status = status_from_state(instance.vm_state, _get(instance, "task_state"))
        self.host_statuses = host_statuses
        self._spec = None

    def get(self, name, default=None):
        return _get(self.instance, name, default)

    @property
    def request_spec(self):
        """The server's RequestSpec (API DB), or None before it exists or after it went."""
        if self._spec is None:
            try:
                self._spec = objects.RequestSpec.get_by_instance_uuid(
                    self.req.context, self.instance.uuid)
            except exception.RequestSpecNotFound:
                self._spec = False
        return self._spec or None


def _image(server, with_properties=False):
    instance = server.instance
    if not instance.image_ref:
        return ""  # volume-backed servers show an empty string, as upstream
    body = {
        "id": instance.image_ref,
        "links": [common.resource_links(server.req, "images", instance.image_ref)[1]],
    }
    if with_properties:
        # 2.98: the boot image's properties as nova saved them at boot.
        sysmeta = server.get("system_metadata") or {}
        body["properties"] = {
            key[len(_IMAGE_SYSMETA_PREFIX):]: value
            for key, value in sysmeta.items()
            if key.startswith(_IMAGE_SYSMETA_PREFIX)
            and key[len(_IMAGE_SYSMETA_PREFIX):] not in _IMAGE_SYSMETA_ATTRS}
    return body


def _flavor_link(server):
    flavorid = server.instance.flavor.flavorid
    return {"id": flavorid,
            "links": [flavor_views.flavor_links(server.req, flavorid)[1]]}


def _flavor_embedded(server):
    """The 2.47 flavor: the sizes the server was built with, not a link.

    ``extra_specs`` only for callers allowed to list a flavor's extra specs
    (api-ref "Show Server Details", 2.47).
    """
    flavor = server.instance.flavor
    body = {
        "original_name": flavor.name,
        "vcpus": flavor.vcpus,
        "ram": flavor.memory_mb,
        "disk": flavor.root_gb,
        "ephemeral": flavor.ephemeral_gb,
        "swap": flavor.swap or 0,
    }
    if authorize(server.req.context, fes_policies.EXTRA_SPECS % "index",
                 {"project_id": server.instance.project_id}, fatal=False):
        body["extra_specs"] = dict(flavor.extra_specs or {})
    return body


def _fault(server):
    # Only failed servers have a fault to show: a single server is read
    # without it and loads it here on demand (lists load all at once).
    if server.status not in ("ERROR", "DELETED"):
        return None
    fault = server.instance.fault
    if fault is None:
        return None
    body = {
        "code": fault.code,
        "created": _isotime(fault.created_at),
        "message": fault.message,
    }
    # Upstream hides the traceback of internal errors from users.
    if server.req.context.is_admin or fault.code != 500:
        body["details"] = fault.details
    return body


def _host_status(server):
    if server.host_statuses is None:
        return None
    host = server.get("host")
    return server.host_statuses.get(host, "") if host else ""


def _instance_name(server):
    # Servers not scheduled yet have no database id, hence no name.
    return server.instance.name if server.instance.obj_attr_is_set("id") else ""


def _server_groups(server):
    """2.71: the uuid of the server group the server belongs to ([] or one)."""
    spec = server.request_spec
    group = getattr(spec, "instance_group", None) if spec is not None else None
    uuid = getattr(group, "uuid", None) if group is not None else None
    return [uuid] if uuid else []


def _pinned_availability_zone(server):
    """2.96: the zone the user asked for at boot (None when not pinned)."""
    spec = server.request_spec
    if spec is None or not spec.obj_attr_is_set("availability_zone"):
        return None
    return spec.availability_zone


def _scheduler_hints(server):
    """2.100: the hints given at boot; one-valued hints as the value itself."""
    spec = server.request_spec
    if spec is None or not spec.obj_attr_is_set("scheduler_hints"):
        return {}
    return {name: values[0] if len(values) == 1 else list(values)
            for name, values in (spec.scheduler_hints or {}).items()}


def _trusted_certs(server):
    """2.63: the certificate ids given at boot or rebuild, None without any."""
    ids = (server.get("system_metadata") or {}).get("trusted_image_certificates")
    return ids.split(",") if ids else None


def _tags(server):
    tags = server.get("tags")
    return [t.tag for t in tags] if tags else []


class Field(NamedTuple):
    """One row of the server body table.

    :ivar name: the key in the body.
    :ivar getter: callable(_Server) -> value.
    :ivar since: lowest microversion showing the field.
    :ivar until: highest one (None: still shown).
    :ivar policy: rule the caller must pass (checked with fatal=False), or None.
    :ivar partial: {"update" | "rebuild": "2.N"}: the version from which the
        field is also in that (before 2.75 smaller) body; absent kinds use
        ``since``.
    :ivar kinds: the bodies the field can be in at all.
    :ivar omit_none: leave the field out when the getter returns None.
    """

    name: str
    getter: Callable[[_Server], Any]
    since: str = "2.1"
    until: str | None = None
    policy: str | None = None
    partial: dict | None = None
    kinds: frozenset = frozenset({"detail", "show", "update", "rebuild"})
    omit_none: bool = False


_EXT = extended_server_attributes.EXTENDED_ATTRS
#: Fields upstream leaves out of update and rebuild bodies before 2.75.
_FULL_FROM_275 = {"update": "2.75", "rebuild": "2.75"}
_SHOW_AND_ACTIONS = frozenset({"show", "update", "rebuild"})

#: Every field of a server body, grouped by the microversion adding it.
SERVER_FIELDS = (
    # 2.1
    Field("id", lambda s: s.instance.uuid),
    Field("name", lambda s: s.instance.display_name),
    Field("status", lambda s: s.status),
    Field("tenant_id", lambda s: s.instance.project_id),
    Field("user_id", lambda s: s.instance.user_id),
    Field("metadata", lambda s: dict(s.get("metadata", {}) or {})),
    Field("hostId", lambda s: host_id(s.instance)),
    Field("image", _image, until="2.97"),
    Field("flavor", _flavor_link, until="2.46"),
    Field("created", lambda s: _isotime(s.instance.created_at)),
    Field("updated", lambda s: _isotime(s.get("updated_at") or s.instance.created_at)),
    Field("addresses", lambda s: addresses(s.instance)),
    Field("accessIPv4", lambda s: _text(s.get("access_ip_v4"))),
    Field("accessIPv6", lambda s: _text(s.get("access_ip_v6"))),
    Field("links", lambda s: common.resource_links(s.req, "servers", s.instance.uuid)),
    Field("key_name", lambda s: s.get("key_name"),
          partial={"update": "2.75", "rebuild": "2.54"}),
    Field("config_drive", lambda s: s.get("config_drive") or "", partial=_FULL_FROM_275),
    Field("OS-DCF:diskConfig", lambda s: "AUTO" if s.get("auto_disk_config") else "MANUAL"),
    Field("OS-EXT-AZ:availability_zone", lambda s: s.get("availability_zone") or "",
          partial=_FULL_FROM_275),
    Field("OS-EXT-STS:power_state", lambda s: s.get("power_state") or 0,
          partial=_FULL_FROM_275),
    Field("OS-EXT-STS:task_state", lambda s: s.get("task_state"), partial=_FULL_FROM_275),
    Field("OS-EXT-STS:vm_state", lambda s: s.instance.vm_state, partial=_FULL_FROM_275),
    Field("OS-SRV-USG:launched_at", lambda s: _iso_micro(s.get("launched_at")),
          partial=_FULL_FROM_275),
    Field("OS-SRV-USG:terminated_at", lambda s: _iso_micro(s.get("terminated_at")),
          partial=_FULL_FROM_275),
    Field("os-extended-volumes:volumes_attached", lambda s: [], partial=_FULL_FROM_275),
    Field("progress", lambda s: (s.get("progress") or 0)
          if s.status in _PROGRESS_STATUSES else None, omit_none=True),
    Field("OS-EXT-SRV-ATTR:host", lambda s: s.get("host"), policy=_EXT,
          partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:hypervisor_hostname", lambda s: s.get("node"), policy=_EXT,
          partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:instance_name", _instance_name, policy=_EXT,
          partial=_FULL_FROM_275),
    Field("fault", _fault, omit_none=True),
    # 2.3
    Field("OS-EXT-SRV-ATTR:reservation_id", lambda s: s.get("reservation_id"), "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:launch_index", lambda s: s.get("launch_index"), "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:hostname", lambda s: s.get("hostname"), "2.3", "2.89",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:kernel_id", lambda s: s.get("kernel_id") or "", "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:ramdisk_id", lambda s: s.get("ramdisk_id") or "", "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:root_device_name", lambda s: s.get("root_device_name"), "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    Field("OS-EXT-SRV-ATTR:user_data", lambda s: s.get("user_data"), "2.3",
          policy=_EXT, partial=_FULL_FROM_275),
    # 2.9
    Field("locked", lambda s: bool(s.get("locked")), "2.9"),
    # 2.16: the controller passes host_statuses only to callers allowed to see it.
    Field("host_status", _host_status, "2.16", partial=_FULL_FROM_275, omit_none=True),
    # 2.19
    Field("description", lambda s: s.get("display_description"), "2.19"),
    # 2.26
    Field("tags", _tags, "2.26"),
    # 2.47: the flavor's sizes instead of a link to it.
    Field("flavor", _flavor_embedded, "2.47"),
    # 2.57: rebuild answers the user_data it was given.
    Field("user_data", lambda s: s.get("user_data"), "2.57", kinds=frozenset({"rebuild"})),
    # 2.63
    Field("trusted_image_certificates", _trusted_certs, "2.63"),
    # 2.71: the lists leave it out (one look-up per server).
    Field("server_groups", _server_groups, "2.71", kinds=_SHOW_AND_ACTIONS),
    # 2.73
    Field("locked_reason",
          lambda s: (s.get("system_metadata") or {}).get("locked_reason"), "2.73"),
    # 2.90: every user sees the hostname (it can be set from 2.90).
    Field("OS-EXT-SRV-ATTR:hostname", lambda s: s.get("hostname"), "2.90"),
    # 2.96
    Field("pinned_availability_zone", _pinned_availability_zone, "2.96"),
    # 2.98: the embedded image carries its properties.
    Field("image", lambda s: _image(s, with_properties=True), "2.98"),
    # 2.100
    Field("scheduler_hints", _scheduler_hints, "2.100"),
)


def _visible(field, version, kind, context, target, allowed):
    """Whether ``field`` belongs in a ``kind`` body at ``version``."""
    if kind not in field.kinds:
        return False
    since = (field.partial or {}).get(kind, field.since)
    if not version.matches(max(since, field.since, key=_version_key), field.until):
        return False
    if field.policy is None:
        return True
    if field.policy not in allowed:
        allowed[field.policy] = authorize(context, field.policy, target, fatal=False)
    return allowed[field.policy]


def _version_key(value):
    major, minor = value.split(".")
    return int(major), int(minor)


def build(req, instance, kind, host_statuses=None, fields=SERVER_FIELDS):
    """Return the server body of ``kind`` for ``req``'s microversion.

    :param kind: "detail", "show", "update" or "rebuild".
    :param host_statuses: {host: "UP"|"DOWN"|"MAINTENANCE"|"UNKNOWN"} for
        the 2.16 host_status field, computed once per request by the
        controller; None when the caller may not see it.
    :param fields: the table to build from (SERVER_FIELDS).
    """
    version = req.api_version_request
    server = _Server(req, instance, host_statuses)
    target = {"project_id": instance.project_id}
    allowed = {}
    body = {}
    for field in fields:
        if not _visible(field, version, kind, req.context, target, allowed):
            continue
        value = field.getter(server)
        if value is None and field.omit_none:
            continue
        body[field.name] = value
    return body


class ViewBuilder:
    """Builds server bodies; one instance serves the whole app."""

    def basic(self, req, instance):
        """Return {"id", "name", "links"}: GET /servers items."""
        return {
            "id": instance.uuid,
            "name": instance.display_name,
            "links": common.resource_links(req, "servers", instance.uuid),
        }

    def show(self, req, instance, host_statuses=None):
        """Return the body of GET /servers/{id} (see ``build``)."""
        return build(req, instance, "show", host_statuses)

    def detail(self, req, instance, host_statuses=None):
        """Return one entry of GET /servers/detail (see ``build``)."""
        return build(req, instance, "detail", host_statuses)

    def update(self, req, instance, host_statuses=None):
        """Return the body of PUT /servers/{id}: fewer fields before 2.75."""
        return build(req, instance, "update", host_statuses)

    def rebuild(self, req, instance):
        """Return the server body of a rebuild's 202 answer: fewer fields before 2.75."""
        return build(req, instance, "rebuild")
