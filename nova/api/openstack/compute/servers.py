"""/servers: list, show, create, update and delete servers (api-ref "Servers").

Microversions handled here through schema ranges: 2.38 refuses an unknown
status filter, 2.42 device tags, 2.52 tags, 2.57 drops personality, 2.66
changes-before, 2.83 more user filters, 2.73 the locked
filter, 2.90/2.94 hostname, 2.104 pinning the zone on update. 2.63
trusted_image_certificates and 2.74 host/hypervisor_hostname at create.
Not implemented yet (issue 11): the 2.83 user
filters other than availability_zone, user_id, vm_state and task_state
(the filter table); networks as a list
(2.37+) belong to the networks issue.

The controller turns HTTP into calls of nova.compute.api.API and instances
into bodies through views.servers; rules that depend on the microversion
live in the schemas and the view builder, not in branches here.
"""

import base64

import webob.exc
from oslo_utils import strutils, timeutils, uuidutils

from nova import conf as nova_conf
from nova import exception, objects, servicegroup
from nova.api import validation
from nova.api.openstack import api_version_request, common, wsgi
from nova.api.openstack.compute import services as services_api
from nova.api.openstack.compute.schemas import servers as schemas
from nova.api.openstack.compute.views import servers as views
from nova.network import api as network_api
from nova.policies import servers as servers_policies
from nova.policy import authorize

CONF = nova_conf.CONF

#: Keys users may sort on; others listed in _IGNORED_SORT_KEYS are dropped
#: silently and anything else is refused, as upstream does.
_SORT_KEYS = {
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
    "config_drive", "created_at", "display_description", "display_name", "host",
    "hostname", "image_ref", "instance_type_id", "kernel_id", "key_name",
    "launch_index", "launched_at", "locked_by", "node", "power_state", "progress",
    "project_id", "ramdisk_id", "root_device_name", "task_state", "terminated_at",
    "updated_at", "user_id", "uuid", "vm_state",
}
_IGNORED_SORT_KEYS = {
    "architecture", "cell_name", "cleaned", "default_ephemeral_device",
    "default_swap_device", "deleted", "deleted_at", "disable_terminate", "ephemeral_gb",
    "ephemeral_key_uuid", "id", "key_data", "launched_on", "locked", "memory_mb",
    "os_type", "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus",
    "vm_mode",
}
_ADMIN_SORT_KEYS = {"host", "node"}

#: Filters every user may pass, by the microversion from which they may;
#: the rest need os_compute_api:servers:allow_all_filters and are otherwise
#: ignored (upstream's behaviour). Each filter exists only from the version
#: its query schema gives it (tags 2.26, changes-before 2.66, locked 2.73).
_USER_FILTERS = {
    "2.1": frozenset({
        "reservation_id", "name", "status", "image", "flavor", "changes-since",
        "changes-before", "all_tenants", "tags", "tags-any", "not-tags", "not-tags-any",
        "locked"}),
}
#: 2.83 opens more filters to users (api-ref "List Servers"). Of those,
#: key_name, config_drive, created_at, launched_at, terminated_at,
#: power_state and progress are not filters of this tree yet (issue 11,
#: the filter table), so they stay ignored for everyone.
_USER_FILTERS["2.83"] = _USER_FILTERS["2.1"] | {
    "availability_zone", "config_drive", "key_name", "created_at", "launched_at",
    "terminated_at", "power_state", "task_state", "vm_state", "progress", "user_id"}

def _image_from_block_devices(server):
    """Return the image reference to boot from: imageRef or its block device twin.

    Clients such as python-openstackclient send, besides imageRef, a
    block_device_mapping_v2 entry saying the same thing (source image,
    destination local, boot_index 0); upstream treats that entry as the
    image boot. Any other mapping needs a volume service, which this cloud
    does not have.

    :param server: the validated "server" dict of POST /servers.
    :returns: the image reference (id or URL) or None.
    :raises webob.exc.HTTPBadRequest: an unsupported or conflicting mapping.
    """
    image_ref = server.get("imageRef")
    for bdm in server.get("block_device_mapping_v2") or []:
        is_image_root = (bdm.get("source_type") == "image"
                         and bdm.get("destination_type", "local") == "local"
                         and str(bdm.get("boot_index")) == "0" and bdm.get("uuid"))
        if not is_image_root:
            raise webob.exc.HTTPBadRequest(
                explanation="Block device mappings other than the image as the local "
                            "root disk are not supported: this cloud has no volume service.")
        if image_ref and _last_segment(image_ref) != bdm["uuid"]:
            raise webob.exc.HTTPBadRequest(
                explanation="imageRef and the boot block device mapping name different images.")
        image_ref = image_ref or bdm["uuid"]
    return image_ref


def injected_files(personality):
    """[(path, base64 contents)] of a create's or rebuild's personality (before 2.57).

    The contents stay base64 text (they cross RPC as JSON); drivers that
    inject files decode them. No driver here does.

    :raises webob.exc.HTTPBadRequest: contents that are not base64.
    """
    files = []
    for item in personality or []:
        contents = item.get("contents", "")
        try:
            base64.b64decode(contents, validate=True)
        except (ValueError, TypeError) as exc:
            raise webob.exc.HTTPBadRequest(
                explanation=f"Personality content for {item.get('path')} cannot be "
                            f"decoded") from exc
        files.append((item.get("path"), contents))
    return files


def _requested_networks(networks):
    """POST /servers ``networks`` as a NetworkRequestList (None: "auto").

    api-ref "Create Server": a list of {"uuid", "fixed_ip"} or, from 2.37,
    "auto"/"none". ``port`` needs Neutron, which this cloud does not have.

    :raises webob.exc.HTTPBadRequest: a port, or an entry naming nothing.
    """
    if isinstance(networks, list):
        for entry in networks:
            if entry.get("port"):
                raise webob.exc.HTTPBadRequest(
                    explanation="Ports are not supported by the built-in network "
                                "service; request a network uuid.")
            if not entry.get("uuid"):
                raise webob.exc.HTTPBadRequest(
                    explanation="Bad networks format: network uuid is not in proper "
                                "format or the entry names no network.")
            if not uuidutils.is_uuid_like(entry["uuid"]):
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Bad networks format: network uuid is not in proper "
                                f"format ({entry['uuid']})")
    return network_api.build_requested_networks(networks)


def _nodes_named(cctxt, node, host=None):
    """Compute nodes called ``node`` (on ``host`` if given) in one cell; NotFound if none."""
    nodes = [n for n in objects.ComputeNodeList.get_all(cctxt)
             if n.hypervisor_hostname == node and host in (None, n.host)]
    if not nodes:
        raise exception.ComputeHostNotFound(host=node)
    return nodes


def _last_segment(ref):
    """Return the id of an id-or-URL reference (imageRef, flavorRef)."""
    return str(ref).rstrip("/").rsplit("/", 1)[-1]


class ServersController:
    """Handlers of /servers.

    :param compute_api_factory: callable returning a nova.compute.api.API;
        called on first use, so building the app needs no message bus.
    """

    def __init__(self, compute_api_factory):
        self._factory = compute_api_factory
        self._compute_api = None
        self._view = views.ViewBuilder()

    @property
    def compute_api(self):
        if self._compute_api is None:
            self._compute_api = self._factory()
        return self._compute_api

    # -- listing -----------------------------------------------------------------

    def _search_options(self, req):
        context = req.context
        params = req.GET
        allow_all = authorize(context, "os_compute_api:servers:allow_all_filters",
                              fatal=False)
        user_filters = api_version_request.choose(req.api_version_request, _USER_FILTERS)
        opts = {}
        for key in set(params.keys()):
            if key in ("limit", "marker", "sort_key", "sort_dir"):
                continue
            if key not in user_filters and not allow_all:
                continue
            opts[key] = params.getall(key)[-1]
        filters = {}
        if "status" in opts:
            states = views.states_from_status(opts.pop("status"))
            if states is None:
                return None  # unknown status: nothing matches (before 2.38)
            filters.update(states)
            if states["vm_state"] == ["deleted"]:
                if not context.is_admin:
                    raise webob.exc.HTTPForbidden(
                        explanation="Only administrators may list deleted instances")
                filters["deleted"] = True
        if "name" in opts:
            filters["display_name"] = opts.pop("name")
        if "image" in opts:
            filters["image_ref"] = _last_segment(opts.pop("image"))
        if "flavor" in opts:
            try:
                flavor = objects.Flavor.get_by_flavor_id(
                    context, _last_segment(opts.pop("flavor")))
            except exception.FlavorNotFound:
                return None
            filters["instance_type_id"] = flavor.id
        for key in ("changes-since", "changes-before"):
            if key in opts:
                filters[key] = timeutils.parse_isotime(opts.pop(key))
        if "changes-since" in filters and "changes-before" in filters and \
                filters["changes-since"] > filters["changes-before"]:
            raise webob.exc.HTTPBadRequest(
                explanation="The value of changes-since must be less than or equal to "
                            "changes-before.")
        all_tenants = False
        if "all_tenants" in opts:
            try:
                # A bare ?all_tenants means yes, as upstream.
                all_tenants = strutils.bool_from_string(
                    opts.pop("all_tenants") or "true", strict=True)
            except ValueError as exc:
                raise webob.exc.HTTPBadRequest(explanation=str(exc)) from exc
        if all_tenants:
            action = "detail:get_all_tenants" if req.path.endswith("/detail") \
                else "index:get_all_tenants"
            authorize(context, f"os_compute_api:servers:{action}")
            filters["all_tenants"] = True
        if "tenant_id" in opts or "project_id" in opts:
            project = opts.pop("project_id", None) or opts.pop("tenant_id", None)
            # Without all_tenants everyone, administrators too, lists their
            # own project: upstream ignores project_id and tenant_id then
            # (lp:1185290, unchanged by any microversion).
            if all_tenants and project:
                filters["project_id"] = project
        if "deleted" in opts:
            filters["deleted"] = strutils.bool_from_string(opts.pop("deleted"))
        if "locked" in opts:  # 2.73; the schema drops it before
            filters["locked"] = strutils.bool_from_string(opts.pop("locked"))
        for key in ("host", "node", "reservation_id", "user_id", "availability_zone",
                    "vm_state", "task_state",
                    "tags", "tags-any", "not-tags", "not-tags-any"):
            if key in opts:
                filters[key] = opts.pop(key)
        return filters

    def _sort(self, req):
        keys, dirs = [], []
        for key in req.GET.getall("sort_key"):
            if key in _IGNORED_SORT_KEYS:
                continue
            if key not in _SORT_KEYS:
                raise webob.exc.HTTPBadRequest(explanation=f"Invalid sort_key {key}")
            if key in _ADMIN_SORT_KEYS and not req.context.is_admin:
                raise webob.exc.HTTPForbidden(
                    explanation=f"Only administrators can sort servers by {key}")
            keys.append(key)
        dirs = req.GET.getall("sort_dir")
        if dirs and len(dirs) != max(len(keys), 1):
            raise webob.exc.HTTPBadRequest(
                explanation="The number of sort_keys and sort_dirs must be same")
        if not keys:
            return ["created_at"], dirs[:1] or ["desc"]
        return keys, dirs or ["desc"] * len(keys)

    def _get_servers(self, req, expected_attrs):
        context = req.context
        filters = self._search_options(req)
        limit, marker = common.get_limit_and_marker(req)
        if filters is None:
            return []
        sort_keys, sort_dirs = self._sort(req)
        try:
            return self.compute_api.get_all(
                context, filters, limit=limit, marker=marker, sort_keys=sort_keys,
                sort_dirs=sort_dirs, expected_attrs=expected_attrs)
        except exception.MarkerNotFound as exc:
            raise webob.exc.HTTPBadRequest(
                explanation=f"marker [{marker}] not found") from exc

    def _list_body(self, req, servers, items):
        body = {"servers": items}
        links = common.collection_links(req, servers, "servers", id_key="uuid")
        if links:
            body["servers_links"] = links
        return body

    @validation.query_schema(schemas.query_params, "2.1", "2.25")
    @validation.query_schema(schemas.query_params_v226, "2.26", "2.37")
    @validation.query_schema(schemas.query_params_v238, "2.38", "2.65")
    @validation.query_schema(schemas.query_params_v266, "2.66", "2.72")
    @validation.query_schema(schemas.query_params_v273, "2.73", "2.82")
    @validation.query_schema(schemas.query_params_v283, "2.83")
    def index(self, req):
        """GET /servers: id, name and links of each server."""
        authorize(req.context, "os_compute_api:servers:index")
        servers = self._get_servers(req, expected_attrs=[])
        return self._list_body(req, servers, [self._view.basic(req, s) for s in servers])

    @validation.query_schema(schemas.query_params, "2.1", "2.25")
    @validation.query_schema(schemas.query_params_v226, "2.26", "2.37")
    @validation.query_schema(schemas.query_params_v238, "2.38", "2.65")
    @validation.query_schema(schemas.query_params_v266, "2.66", "2.72")
    @validation.query_schema(schemas.query_params_v273, "2.73", "2.82")
    @validation.query_schema(schemas.query_params_v283, "2.83")
    def detail(self, req):
        """GET /servers/detail: full bodies of each server."""
        authorize(req.context, "os_compute_api:servers:detail")
        servers = self._get_servers(
            req, expected_attrs=["flavor", "metadata", "fault", "tags", "info_cache",
                                 "system_metadata"])
        statuses = self._host_statuses(req, servers)
        return self._list_body(
            req, servers, [self._view.detail(req, s, statuses) for s in servers])

    def _host_statuses(self, req, instances):
        """{host: status} for the 2.16 host_status field, or None when not shown."""
        if not req.api_version_request.matches("2.16") or not authorize(
                req.context, "os_compute_api:servers:show:host_status", fatal=False):
            return None
        statuses = {}
        for host in {i.host for i in instances if i.host}:
            try:
                service = objects.Service.get_by_compute_host(req.context, host)
            except exception.NotFound:
                statuses[host] = "UNKNOWN"
                continue
            if not servicegroup.is_up(service):  # False when forced down too
                statuses[host] = "DOWN"
            elif service.disabled:
                statuses[host] = "MAINTENANCE"
            else:
                statuses[host] = "UP"
        return statuses

    # -- one server --------------------------------------------------------------

    def _get_server(self, req, server_id, expected_attrs=None):
        try:
            return self.compute_api.get(req.context, server_id,
                                        expected_attrs=expected_attrs)
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    def show(self, req, id):
        """GET /servers/{id}."""
        # The fault is loaded by the view only when the server is in ERROR.
        instance = self._get_server(req, id, ["flavor", "metadata", "tags", "info_cache",
                                              "system_metadata"])
        authorize(req.context, "os_compute_api:servers:show",
                  {"project_id": instance.project_id})
        return {"server": self._view.show(req, instance,
                                          self._host_statuses(req, [instance]))}

    @validation.schema(schemas.update, "2.1", "2.18")
    @validation.schema(schemas.update_v219, "2.19", "2.89")
    @validation.schema(schemas.update_v290, "2.90", "2.93")
    @validation.schema(schemas.update_v294, "2.94", "2.103")
    @validation.schema(schemas.update_v2104, "2.104")
    def update(self, req, id, body):
        """PUT /servers/{id}: the server body (fewer fields before 2.75).

        Renames, describes (2.19), sets access IPs, the hostname (2.90, a
        FQDN from 2.94) and pins or unpins the availability zone (2.104;
        null unpins). Each key is accepted only in its schema's range.
        """
        instance = self._get_server(req, id, ["flavor", "metadata", "tags", "info_cache",
                                              "system_metadata"])
        authorize(req.context, "os_compute_api:servers:update",
                  {"project_id": instance.project_id})
        server = body["server"]
        changes = {}
        for key, attr in (("name", "display_name"), ("description", "display_description"),
                          ("accessIPv4", "access_ip_v4"), ("accessIPv6", "access_ip_v6")):
            if key in server:
                changes[attr] = server[key]
        if "hostname" in server:
            changes["hostname"] = server["hostname"]
        if "OS-DCF:diskConfig" in server:
            changes["auto_disk_config"] = server["OS-DCF:diskConfig"] == "AUTO"
        if "pinned_availability_zone" in server:
            self._pin_availability_zone(req, instance, server["pinned_availability_zone"])
        try:
            instance = self.compute_api.update(req.context, instance, **changes)
        except exception.InstanceInvalidState as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        return {"server": self._view.update(req, instance,
                                            self._host_statuses(req, [instance]))}

    @staticmethod
    def _pin_availability_zone(req, instance, zone):
        """Set (or with None clear) the zone the scheduler keeps the server in (2.104).

        Upstream's rule: a zone to pin must be the one the server is in.

        :raises webob.exc.HTTPBadRequest: another zone.
        :raises webob.exc.HTTPConflict: the server has no request spec yet.
        """
        if zone is not None and zone != instance.availability_zone:
            raise webob.exc.HTTPBadRequest(
                explanation=f"The server is in availability zone "
                            f"{instance.availability_zone}, not {zone}.")
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(req.context, instance.uuid)
        except exception.RequestSpecNotFound as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        spec.availability_zone = zone
        spec.save()

    @wsgi.response(204)
    def delete(self, req, id):
        """DELETE /servers/{id}: 204; the server goes away asynchronously."""
        instance = self._get_server(req, id)
        authorize(req.context, "os_compute_api:servers:delete",
                  {"project_id": instance.project_id})
        try:
            self.compute_api.delete(req.context, instance)
        except exception.InstanceIsLocked as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except exception.UnexpectedTaskStateError as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        return None

    # -- create ------------------------------------------------------------------

    @validation.schema(schemas.create, "2.1", "2.18")
    @validation.schema(schemas.create_v219, "2.19", "2.36")
    @validation.schema(schemas.create_v237, "2.37", "2.41")
    @validation.schema(schemas.create_v242, "2.42", "2.51")
    @validation.schema(schemas.create_v252, "2.52", "2.56")
    @validation.schema(schemas.create_v257, "2.57", "2.62")
    @validation.schema(schemas.create_v263, "2.63", "2.73")
    @validation.schema(schemas.create_v274, "2.74", "2.89")
    @validation.schema(schemas.create_v290, "2.90", "2.93")
    @validation.schema(schemas.create_v294, "2.94")
    def create(self, req, body):
        """POST /servers: 202 with the new server's id, links and adminPass."""
        context = req.context
        server = body["server"]
        authorize(context, "os_compute_api:servers:create")
        requested_networks = _requested_networks(server.get("networks"))
        security_groups = sorted({g["name"] for g in server.get("security_groups") or []
                                  if g.get("name")}) or ["default"]
        image_ref = _image_from_block_devices(server)
        if not image_ref:
            raise webob.exc.HTTPBadRequest(
                explanation="Missing imageRef attribute: booting from volume is not "
                            "supported by this cloud.")
        min_count = int(server.get("min_count", 1))
        max_count = int(server.get("max_count", min_count))
        if min_count > max_count:
            raise webob.exc.HTTPBadRequest(
                explanation="min_count must be <= max_count")
        if server.get("hostname") and max_count > 1:
            # 2.90: one name cannot be every server's (upstream's 400).
            raise webob.exc.HTTPBadRequest(
                explanation="Cannot specify hostname when creating multiple servers")
        zone, forced_host, forced_node = self._availability_zone(context, server)
        destination = self._requested_destination(context, server, forced_host or forced_node)
        try:
            flavor = objects.Flavor.get_by_flavor_id(
                context, _last_segment(server["flavorRef"]))
        except exception.FlavorNotFound as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        hints = body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints")
        try:
            instances, reservation_id = self.compute_api.create(
                context, flavor, _last_segment(image_ref),
                display_name=server["name"],
                # Before 2.19 the description is the name, as upstream.
                display_description=server.get("description")
                if req.api_version_request.matches("2.19") else server["name"],
                key_name=server.get("key_name"),
                hostname=server.get("hostname"),
                tags=server.get("tags"),
                trusted_certs=server.get("trusted_image_certificates"),
                requested_destination=destination,
                metadata=server.get("metadata"),
                user_data=server.get("user_data"),
                injected_files=injected_files(server.get("personality")),
                availability_zone=zone,
                min_count=min_count, max_count=max_count,
                scheduler_hints=hints,
                forced_host=forced_host, forced_node=forced_node,
                requested_networks=requested_networks,
                security_groups=security_groups)
        except (exception.NetworkNotFound, exception.SecurityGroupNotFound) as exc:
            # api-ref: an unknown network or group is a bad request, not a 404.
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except (exception.FixedIpAlreadyInUse, exception.NetworkAmbiguous,
                exception.FixedIpNotFoundForAddress) as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except exception.ImageNotFound as exc:
            raise webob.exc.HTTPBadRequest(
                explanation="Can not find requested image") from exc
        except exception.KeypairNotFound as exc:
            raise webob.exc.HTTPBadRequest(
                explanation="Invalid key_name provided.") from exc
        except exception.InstanceGroupNotFound as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except (exception.FlavorNotFound, exception.ImageNotActive, exception.Invalid) as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except exception.QuotaError as exc:
            raise webob.exc.HTTPForbidden(explanation=exc.format_message()) from exc

        if strutils.bool_from_string(server.get("return_reservation_id", False)):
            return wsgi.ResponseObject({"reservation_id": reservation_id}, code=202)
        instance = instances[0]
        body = {
            "server": {
                "id": instance.uuid,
                "links": common.resource_links(req, "servers", instance.uuid),
                "OS-DCF:diskConfig": server.get("OS-DCF:diskConfig", "MANUAL"),
                "security_groups": [{"name": name} for name in security_groups],
            }
        }
        if CONF.api.enable_instance_password:
            body["server"]["adminPass"] = server.get("adminPass") or common.generate_password()
        location = body["server"]["links"][0]["href"]
        return wsgi.ResponseObject(body, code=202, headers={"Location": location})

    @staticmethod
    def _requested_destination(context, server, forced):
        """The 2.74 destination: objects.Destination or None.

        :param forced: whether the zone names a host or node ("zone:host:node").
        :raises webob.exc.HTTPBadRequest: both forms, or an unknown host or node.
        :raises nova.exception.PolicyNotAuthorized: not allowed (403).
        """
        host = server.get("host")
        node = server.get("hypervisor_hostname")
        if not host and not node:
            return None
        authorize(context, servers_policies.REQUESTED_DESTINATION, {})
        if forced:
            raise webob.exc.HTTPBadRequest(explanation=(
                "host or hypervisor_hostname cannot be used with the "
                "availability_zone form zone:host:node."))
        if host:
            try:
                objects.HostMapping.get_by_host(context, host)
            except exception.HostMappingNotFound as exc:
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Compute host {host} could not be found.") from exc
        if node:
            found = services_api.find_all_in_cells(
                context, _nodes_named, node, host)
            if not found:
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Compute host {host or ''} with node {node} could "
                                "not be found.")
            host = host or found[0][1][0].host
        return objects.Destination(host=host, node=node)

    @staticmethod
    def _availability_zone(context, server):
        """Split "zone:host:node" (admins only) into its parts."""
        value = server.get("availability_zone")
        if not value or ":" not in value:
            return value, None, None
        authorize(context, "os_compute_api:servers:create:forced_host")
        zone, _, rest = value.partition(":")
        host, _, node = rest.partition(":")
        return zone or None, host or None, node or None
