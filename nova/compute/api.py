"""The compute API nova-api calls: create, find, list and delete servers.

It validates what only a service can check (flavor, image, key pair,
quota), records the request in the API database and hands the work to the
conductor (create) or the instance's compute host (delete, console). It
never waits on a compute host except for calls whose answer the user asked
for (console output).

Where a server lives: its InstanceMapping names its cell; until the
conductor has scheduled it, it exists only as a BuildRequest in the API
database. Every look-up goes through that mapping (see ``get``).

Broker outages (doc/source/outages.rst): a message nova-api cannot hand to
the broker within its send timeout raises MessageDeliveryFailure. A create
is still accepted (202): its build request stays in the API database and
the conductor's take-over of stale builds ([conductor]
stale_build_timeout) schedules it once the broker is back. Any other
operation puts back what it wrote (task_state, instance action) and raises
MessagingUnavailable (503 with Retry-After).
"""

import base64
import copy
import logging

import oslo_messaging as messaging
from oslo_serialization import jsonutils
from oslo_utils import timeutils, uuidutils

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects, quota, servicegroup
from nova.compute import (
    availability_zones,
    instance_actions,
    instance_list,
    power_state,
    server_actions,
    snapshot_meta,
    task_states,
    vm_states,
)
from nova.network import api as network_api
from nova.notifications import instance as notify

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Size limit of user_data after base64 decoding (bytes), as upstream's column.
MAX_USER_DATA_BYTES = 65535

_DELETE = "DELETE /servers/{server_id}"
_SOFT_DELETE = "DELETE /servers/{server_id}:SOFT"

#: vm_states in which a server's metadata may change (upstream's
#: update/delete_instance_metadata rule; no task may be running either).
METADATA_VM_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED,
                      vm_states.STOPPED)
#: vm_states in which a server's tags may change (upstream's server tags rule).
TAG_VM_STATES = METADATA_VM_STATES + (vm_states.SHELVED, vm_states.SHELVED_OFFLOADED)

#: "Not given" for arguments whose None means something (unshelve's zone).
_UNSET = object()


def _leave_group(context, instance_uuid):
    """Remove a deleted server from its server group's members, if it has one."""
    try:
        group = objects.InstanceGroup.get_by_instance_uuid(context, instance_uuid)
    except exception.InstanceGroupNotFound:
        return
    group.remove_members([instance_uuid])


class API:
    """Server operations.

    :param image_api: GlanceImageService-like (show).
    :param compute_task_api: conductor ComputeTaskAPI (casts builds).
    :param compute_rpcapi: compute ComputeAPI (terminate, console output).
    :param reportclient: SchedulerReportClient, for deletes that never
        reached a host.
    """

    def __init__(self, image_api, compute_task_api, compute_rpcapi, reportclient):
        self.image_api = image_api
        self.compute_task_api = compute_task_api
        self.compute_rpcapi = compute_rpcapi
        self.reportclient = reportclient

    # -- create -----------------------------------------------------------------

    def _image(self, context, image_href):
        image = self.image_api.show(context, image_href)
        if image.get("status") != "active":
            raise exception.ImageNotActive(image_id=image_href)
        return image

    @staticmethod
    def _check_flavor_fits_image(flavor, image):
        min_ram = int(image.get("min_ram") or 0)
        min_disk = int(image.get("min_disk") or 0)
        if flavor.memory_mb < min_ram:
            raise exception.FlavorMemoryTooSmall()
        if flavor.root_gb and flavor.root_gb < min_disk:
            raise exception.FlavorDiskSmallerThanMinDisk(
                flavor_size=flavor.root_gb * 1024 ** 3, image_min_disk=min_disk * 1024 ** 3)

    @staticmethod
    def _user_data(user_data):
        if user_data is None:
            return None
        try:
            decoded = base64.b64decode(user_data, validate=True)
        except (ValueError, TypeError) as exc:
            raise exception.InstanceUserDataMalformed() from exc
        if len(decoded) > MAX_USER_DATA_BYTES:
            raise exception.InstanceUserDataTooLarge(
                length=len(decoded), maxsize=MAX_USER_DATA_BYTES)
        return user_data

    def create(self, context, flavor, image_href, display_name=None,
               display_description=None, key_name=None, metadata=None, user_data=None,
               availability_zone=None, min_count=1, max_count=1, scheduler_hints=None,
               forced_host=None, forced_node=None, injected_files=None,
               requested_networks=None, security_groups=None, hostname=None, tags=None,
               trusted_certs=None, requested_destination=None):
        """Accept a request for servers; the conductor builds them.

        :param trusted_certs: list of certificate ids (2.63), kept in the
            system metadata as ``trusted_image_certificates``.
        :param requested_destination: objects.Destination (host, node) the
            scheduler must pick, filters still applying (2.74).
        :param tags: list of tag strings every server gets (2.52).
        :param hostname: the guest's hostname (2.90, one server only); None
            derives it from the display name.
        :param flavor: objects.Flavor.
        :param image_href: Glance image id.
        :param availability_zone: the zone to build in; None means [DEFAULT]
            default_schedule_zone (and, when that is unset, any zone). The
            zone must hold an enabled nova-compute service unless a host is
            forced.
        :param forced_host/forced_node: an admin's "zone:host:node" request;
            the scheduler then considers only that host/node.
        :param injected_files: [(path, base64 contents)], the personality
            (before 2.57): checked against the project's injected_files
            limits; no driver here injects files.
        :param requested_networks: NetworkRequestList (POST /servers
            ``networks``) or None for "auto"; checked here, allocated by the
            compute host during the build.
        :param security_groups: names of the caller's security groups the
            servers join (None: "default").
        :param scheduler_hints: dict; ``group`` (a server group uuid) makes
            the servers members of that group, and the group rides in each
            request spec so the scheduler applies its policy.
        :returns: (instances, reservation_id); instances are in BUILD
            (vm_state building, task_state scheduling), not yet in any cell.
        :raises: InvalidRequest (unknown zone), ImageNotFound/ImageNotActive,
            KeypairNotFound, TooManyInstances, TooManyInstancesPerRequest
            (min_count above [api] max_instances_per_request; a larger
            max_count is cut down to it), MetadataLimitExceeded,
            FlavorMemoryTooSmall, InstanceUserDataMalformed/TooLarge,
            OnsetFileLimitExceeded and its path and content variants (403),
            InvalidInput, InstanceGroupNotFound (the ``group`` hint),
            NetworkNotFoundForUuid, FixedIpInvalid, FixedIpAlreadyInUse,
            NetworkAmbiguous (``networks``; a fixed_ip with max_count > 1 is
            InvalidInput),
            TooManyServerGroupMembers. Nothing is recorded when any of these
            is raised.
        :raises MessagingUnavailable: the broker is unreachable and
            [conductor] stale_build_timeout is 0 (no conductor would take
            the build over); what was written is removed. With a timeout
            the request is accepted and left for the take-over.
        """
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor.flavorid)
        per_request = CONF.api.max_instances_per_request
        if min_count > per_request:
            raise exception.TooManyInstancesPerRequest(count=min_count, limit=per_request)
        max_count = min(max_count, per_request)
        zone = availability_zone or CONF.default_schedule_zone
        # A forced host needs no zone check (upstream's rule).
        if zone and forced_host is None and \
                zone not in availability_zones.schedulable_zones(context.elevated()):
            raise exception.InvalidRequest(
                reason=f"The requested availability zone {zone} is not available")
        image = self._image(context, image_href)
        self._check_flavor_fits_image(flavor, image)
        metadata = dict(metadata or {})
        quota.check_metadata_items(context, context.project_id, metadata)
        quota.check_injected_files(context, context.project_id, injected_files)
        user_data = self._user_data(user_data)
        key_pair = None
        if key_name:
            key_pair = objects.KeyPair.get_by_name(context, context.user_id, key_name)
        count = quota.allowed_instances(context, context.project_id, flavor,
                                        min_count, max_count, user_id=context.user_id)
        group = self._requested_group(context, scheduler_hints, count)
        network = network_api.get_api()
        network.validate_networks(context, requested_networks)
        for name in security_groups or ():
            # SecurityGroupNotFoundForProject (400) before anything is written.
            objects.SecurityGroup.get_by_name(context, context.project_id, name)
        if count > 1 and requested_networks is not None and any(
                r.address for r in requested_networks):
            raise exception.InvalidInput(
                reason="max_count cannot be greater than 1 if a fixed_ip is specified")
        reservation_id = "r-" + uuidutils.generate_uuid()[:8]
        props = image.get("properties") or {}

        instances, build_requests, request_specs = [], [], []
        for index in range(count):
            uuid = uuidutils.generate_uuid()
            name = display_name or ""
            if count > 1:
                name = CONF.multi_instance_display_name_template % {
                    "name": display_name, "count": index + 1, "uuid": uuid}
            instance = objects.Instance(
                context,
                uuid=uuid,
                project_id=context.project_id,
                user_id=context.user_id,
                display_name=name,
                display_description=display_description,
                hostname=hostname or _hostname(name, index),
                image_ref=image["id"],
                kernel_id=props.get("kernel_id") or "",
                ramdisk_id=props.get("ramdisk_id") or "",
                instance_type_id=flavor.id,
                vcpus=flavor.vcpus,
                memory_mb=flavor.memory_mb,
                root_gb=flavor.root_gb,
                ephemeral_gb=flavor.ephemeral_gb,
                key_name=key_pair.name if key_pair else None,
                key_data=key_pair.public_key if key_pair else None,
                user_data=user_data,
                metadata=metadata,
                system_metadata=dict(
                    _image_system_metadata(image),
                    **({"trusted_image_certificates": ",".join(trusted_certs)}
                       if trusted_certs else {})),
                availability_zone=zone,
                reservation_id=reservation_id,
                launch_index=index,
                vm_state=vm_states.BUILDING,
                task_state=task_states.SCHEDULING,
                power_state=power_state.NOSTATE,
                config_drive="",
                locked=False,
                progress=0,
                host=None,
                node=None,
                launched_at=None,
                terminated_at=None,
                created_at=timeutils.utcnow(),
                updated_at=None,
                access_ip_v4=None,
                access_ip_v6=None,
                auto_disk_config=False,
                root_device_name=None,
                locked_by=None,
                hidden=False,
                deleted=False,
            )
            instance.flavor = flavor
            instance.tags = objects.TagList(objects=[
                objects.Tag(resource_id=uuid, tag=tag) for tag in dict.fromkeys(tags or ())])
            if key_pair:
                instance.keypairs = objects.KeyPairList(objects=[key_pair])
            request_spec = objects.RequestSpec(
                context,
                instance_uuid=instance.uuid,
                project_id=context.project_id,
                user_id=context.user_id,
                flavor=flavor,
                image=_request_spec_image(image),
                num_instances=count,
                availability_zone=zone,
                scheduler_hints=_spec_hints(scheduler_hints),
                ignore_hosts=[],
                force_hosts=[forced_host] if forced_host else [],
                force_nodes=[forced_node] if forced_node else [],
                instance_group=group,
                requested_networks=requested_networks,
                security_groups=list(security_groups or []),
                requested_destination=requested_destination,
            )
            instances.append(instance)
            request_specs.append(request_spec)

        created = []
        try:
            for instance, request_spec in zip(instances, request_specs, strict=True):
                request_spec.create()
                created.append(request_spec)
                build_request = objects.BuildRequest(
                    context, instance=instance, instance_uuid=instance.uuid,
                    project_id=context.project_id, tags=instance.tags)
                build_request.create()
                created.append(build_request)
                mapping = objects.InstanceMapping(
                    context, instance_uuid=instance.uuid, project_id=context.project_id,
                    user_id=context.user_id, cell_mapping=None, queued_for_delete=False)
                mapping.create()
                created.append(mapping)
                build_requests.append(build_request)
            if group is not None:
                # Members before the cast, so the scheduler counts them.
                objects.InstanceGroup.add_members(
                    context, group.uuid, [i.uuid for i in instances])
        except Exception:
            # Bad input must change nothing: remove what this request wrote.
            _destroy_all(created)
            raise
        try:
            self.compute_task_api.schedule_and_build_instances(
                context, build_requests=build_requests, request_specs=request_specs,
                image=image)
        except messaging.MessageDeliveryFailure as exc:
            if not CONF.conductor.stale_build_timeout:
                if group is not None:
                    group.remove_members([i.uuid for i in instances])
                _destroy_all(created)
                raise exception.MessagingUnavailable() from exc
            # The build requests are written: a conductor takes them over
            # once they are stale_build_timeout old and the broker is back.
            LOG.warning("Could not cast the build of %s (%s); a conductor takes it "
                        "over after [conductor] stale_build_timeout (%s s)",
                        [i.uuid for i in instances], exc,
                        CONF.conductor.stale_build_timeout)
        return instances, reservation_id

    @staticmethod
    def _requested_group(context, scheduler_hints, count):
        """Return the server group the ``group`` scheduler hint names, or None.

        Upstream's rules: the hint is a group uuid (the request schema
        checks the format); each new member counts against the project's
        ``server_group_members`` limit, counted over the group's live
        members the caller owns.

        :param count: how many servers this request creates.
        :raises InstanceGroupNotFound: no such group (the API answers 400).
        :raises TooManyServerGroupMembers: (403) the group would exceed the
            limit.
        """
        hint = (scheduler_hints or {}).get("group")
        if isinstance(hint, list):
            hint = hint[0] if hint else None
        if not hint:
            return None
        group = objects.InstanceGroup.get_by_uuid(context, hint)
        limit = quota.get_project_limits(context, context.project_id)["server_group_members"]
        if limit >= 0:
            live = list(group.live_member_hosts())
            mine = [m for m in objects.InstanceMappingList.get_by_instance_uuids(context, live)
                    if m.user_id == context.user_id]
            if len(mine) + count > limit:
                raise exception.TooManyServerGroupMembers()
        return group

    # -- look-ups ---------------------------------------------------------------

    def get(self, context, instance_id, expected_attrs=None, read_deleted=False):
        """Return the Instance ``instance_id`` wherever it lives.

        :param read_deleted: True to find deleted servers too (the action
            history of a deleted server, 2.21).
        :raises InstanceNotFound: no such server, or it belongs to another
            project and the caller is not admin (404, not 403, as upstream:
            a user must not learn that another project's server exists).
        """
        if read_deleted:
            context = copy.copy(context)
            context.read_deleted = "yes"
        if not uuidutils.is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance_id)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_id) from None
        instance = self._in_cell(context, mapping, instance_id, expected_attrs)
        if instance is None:
            try:
                instance = objects.BuildRequest.get_by_instance_uuid(
                    context, instance_id).instance
            except exception.BuildRequestNotFound:
                # The conductor may have finished since we read the mapping.
                mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance_id)
                instance = self._in_cell(context, mapping, instance_id, expected_attrs)
                if instance is None:
                    raise exception.InstanceNotFound(instance_id=instance_id) from None
        if not context.is_admin and instance.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return instance

    @staticmethod
    def _in_cell(context, mapping, instance_id, expected_attrs):
        """The instance in the mapping's cell, or None (no cell, or not created yet).

        The conductor maps a server to its cell before it creates it there;
        until then the build request holds it.
        """
        if mapping.cell_mapping is None:
            return None
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            try:
                return objects.Instance.get_by_uuid(
                    cctxt, instance_id, expected_attrs=expected_attrs)
            except exception.InstanceNotFound:
                return None

    def get_all(self, context, search_opts, limit=None, marker=None,
                sort_keys=None, sort_dirs=None, expected_attrs=None):
        """Return the servers matching ``search_opts`` across all cells.

        :param search_opts: InstanceList.get_by_filters filters; a non-admin
            caller is always limited to its own project here.
        :raises MarkerNotFound: the marker is no visible server.
        """
        filters = dict(search_opts)
        all_tenants = filters.pop("all_tenants", False)
        # Admins see every project only when they ask (all_tenants) or name
        # one; everyone else sees their own project, whatever they ask.
        if not context.is_admin or ("project_id" not in filters and not all_tenants):
            filters["project_id"] = context.project_id
        if "changes-since" in filters or "changes-before" in filters:
            # Upstream lists deleted servers too when asked what changed, so
            # a client polling for changes sees deletions.
            context = copy.copy(context)
            context.read_deleted = "yes"
        else:
            filters.setdefault("deleted", False)
        return instance_list.get_instances_sorted(
            context, filters, limit, marker, expected_attrs or [],
            sort_keys or ["created_at"], sort_dirs or ["desc"])

    # -- delete -----------------------------------------------------------------

    def delete(self, context, instance, force=False):
        """Delete a server; returns once the delete is under way.

        With [DEFAULT] reclaim_instance_interval set (and not ``force``, the
        forceDelete action), a server on a live host is soft-deleted: its
        guest is powered off and it is SOFT_DELETED, restorable until the
        periodic reclaim deletes it.

        Not scheduled yet: the build request goes and the conductor drops
        the instance it may be creating. Never built (cell0, or ERROR with
        no host) or on a host whose service is down: deleted here, with
        its allocation. Otherwise task_state becomes deleting (compare-and-
        swap on the task_state we read) and the host is told to terminate.
        A deleted (not soft-deleted) server leaves its server group.
        """
        server_actions.check_lock(context, instance, server_actions.get(_DELETE))
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        try:
            # Not scheduled yet (or scheduled but not handed to its host):
            # removing the build request stops the conductor, which then
            # removes whatever it made; an instance already in the cell is
            # deleted below as well.
            objects.BuildRequest.get_by_instance_uuid(context, instance.uuid).destroy()
        except exception.BuildRequestNotFound:
            if mapping.cell_mapping is None:
                # The conductor moved it into a cell since we read the mapping.
                mapping = objects.InstanceMapping.get_by_instance_uuid(
                    context, instance.uuid)
        else:
            self.reportclient.delete_allocation_for_instance(context, instance.uuid)
            mapping.queued_for_delete = True
            mapping.save()
            _leave_group(context, instance.uuid)
        if mapping.cell_mapping is None:
            return
        if not instance.obj_attr_is_set("id"):
            # We hold the build request's copy; the cell has the real one
            # (or nothing yet, and then the conductor will drop what it makes).
            try:
                with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
                    instance = objects.Instance.get_by_uuid(cctxt, instance.uuid)
            except exception.InstanceNotFound:
                return
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, instance_actions.DELETE, want_result=False)
            host_up = bool(instance.host) and self._host_is_up(cctxt, instance.host)
            soft = (CONF.reclaim_instance_interval > 0 and not force and host_up
                    and instance.vm_state != vm_states.SOFT_DELETED)
            if not host_up:
                # Network records are in the [database] cell the request
                # context reaches; the info cache in the instance's cell.
                network_api.get_api().deallocate_for_instance(context, instance)
                self._local_delete(cctxt, instance)
            else:
                row = server_actions.get(_SOFT_DELETE if soft else _DELETE)
                expected = instance.task_state
                instance.task_state = row.task_state
                instance.save(expected_task_state=[expected])
                with _undone_when_not_sent(cctxt, instance, row, expected, {}):
                    self.compute_rpcapi.send_action(cctxt, instance, row)
            if soft:
                return  # still a server, until reclaimed or restored
        mapping.queued_for_delete = True
        mapping.save()
        _leave_group(context, instance.uuid)

    @staticmethod
    def _host_is_up(context, host):
        try:
            service = objects.Service.get_by_compute_host(context, host)
        except exception.NotFound:
            return False
        return servicegroup.is_up(service)

    def _local_delete(self, context, instance):
        LOG.info("Deleting instance %s without its compute host", instance.uuid)
        self.reportclient.delete_allocation_for_instance(context, instance.uuid)
        snapshot_meta.delete_shelved_image(self.image_api, context, instance)
        objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
        instance.vm_state = vm_states.DELETED
        instance.task_state = None
        instance.terminated_at = timeutils.utcnow()
        instance.save()
        instance.destroy()

    # -- server actions (nova.compute.server_actions) -----------------------

    @staticmethod
    def _cell_context(context, instance):
        """Return ``context`` targeted at the instance's cell.

        :raises InstanceInvalidState: the server is still being scheduled
            (it has no cell yet), so nothing can act on it: 409.
        """
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        if mapping.cell_mapping is None:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="vm_state", state=vm_states.BUILDING,
                method="act on a server being scheduled")
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            return cctxt

    def start_action(self, context, instance, name, host=None, **rpc_kwargs):
        """Start the server action ``name`` on ``instance``'s host.

        The row of nova.compute.server_actions decides everything: the
        lock and state checks, the task_state set (compare-and-swap on the
        task_state read, so of two concurrent actions one gets 409), the
        instance action recorded and the compute RPC sent.

        :param name: the row's name ("os-stop", "reboot:HARD", ...).
        :param host: the host to send the RPC to when not the instance's
            (a confirmResize goes to the move's source).
        :param rpc_kwargs: the compute RPC method's arguments besides the
            instance.
        :returns: the host's answer for a call, None for a cast.
        :raises InstanceIsLocked, InstanceInvalidState,
            UnexpectedTaskStateError (all 409), ComputeHostTooOld (409).
        :raises MessagingUnavailable: the RPC could not be sent (broker
            unreachable); the task_state, the other fields saved with it and
            the instance action are put back first (503).
        """
        row = server_actions.get(name)
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        cctxt = self._cell_context(context, instance)
        instance._context = cctxt
        if row.rpc is not None:
            if not row.rpc.conductor and not instance.host:
                raise exception.InstanceInvalidState(
                    instance_uuid=instance.uuid, attr="host", state=None, method=row.name)
            # Before anything changes: a refused action leaves no task_state.
            self.compute_rpcapi.check_can_send(cctxt, row)
            if row.rpc.conductor:
                self.compute_task_api.check_can_send(row.rpc.conductor)
        expected, original = instance.task_state, {}
        if row.task_state is not None:
            original = _original_values(cctxt, instance)
            instance.task_state = row.task_state
            instance.save(expected_task_state=[expected])
        if row.instance_action:
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.instance_action, want_result=False)
        if row.rpc is None:
            return None
        with _undone_when_not_sent(cctxt, instance, row, expected, original):
            if row.rpc.conductor:
                # The conductor chooses the host (or checks the one asked
                # for), then sends row.rpc.method there.
                if host is not None:
                    rpc_kwargs["host"] = host
                return getattr(self.compute_task_api, row.rpc.conductor)(
                    cctxt, instance, **rpc_kwargs)
            return self.compute_rpcapi.send_action(cctxt, instance, row, host=host,
                                                   **rpc_kwargs)

    def rescue(self, context, instance, rescue_password=None, rescue_image_ref=None):
        """Start a rescue (the "rescue" action).

        :param rescue_image_ref: Glance image id to boot, None for the
            server's own image.
        :raises ImageNotFound: no such rescue image (400).
        """
        if rescue_image_ref:
            self._image(context, rescue_image_ref)
        self.start_action(context, instance, "rescue", rescue_password=rescue_password,
                          rescue_image_ref=rescue_image_ref, clean_shutdown=True)

    # -- image actions: rebuild, snapshot, backup, shelve, unshelve ------------

    def rebuild(self, context, instance, image_href, admin_password,
                injected_files=None, preserve_ephemeral=False, **changes):
        """Start a rebuild (the "rebuild" action) of ``instance`` from ``image_href``.

        The server keeps its id, flavor and host; its image becomes
        ``image_href`` (kernel, ramdisk and image properties with it) and
        its fields take ``changes``, all saved with the task_state swap.

        :param admin_password: the new admin password given to the driver.
        :param injected_files: [(path, base64 contents)] (personality, before 2.57).
        :param preserve_ephemeral: keep the ephemeral disk (drivers that
            have one).
        :param changes: display_name, display_description (2.19), metadata
            (replaces the server's), access_ip_v4, access_ip_v6,
            auto_disk_config, key_name (2.54; None removes the key),
            user_data (2.57; None removes it), hostname (2.90).
        :returns: the instance, in task_state rebuilding.
        :raises: as start_action; ImageNotFound, ImageNotActive,
            FlavorMemoryTooSmall, FlavorDiskSmallerThanMinDisk,
            KeypairNotFound, InstanceUserDataMalformed/TooLarge (400);
            MetadataLimitExceeded, OnsetFileLimitExceeded and its path and
            content variants (403). Nothing changes when one is raised.
        """
        row = server_actions.get("rebuild")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        image = self._image(context, image_href)
        self._check_flavor_fits_image(instance.flavor, image)
        if "metadata" in changes:
            quota.check_metadata_items(context, instance.project_id, changes["metadata"])
        quota.check_injected_files(context, instance.project_id, injected_files)
        if "user_data" in changes:
            changes["user_data"] = self._user_data(changes["user_data"])
        if "key_name" in changes:
            key_name = changes.pop("key_name")
            key_pair = objects.KeyPair.get_by_name(
                context, context.user_id, key_name) if key_name else None
            instance.key_name = key_pair.name if key_pair else None
            instance.key_data = key_pair.public_key if key_pair else None
            instance.keypairs = objects.KeyPairList(objects=[key_pair] if key_pair else [])
        props = image.get("properties") or {}
        # The old image's properties go: the server now is what the new image says.
        sysmeta = {key: value for key, value in instance.system_metadata.items()
                   if not key.startswith("image_")}
        sysmeta.update(_image_system_metadata(image))
        instance.system_metadata = sysmeta
        instance.image_ref = image["id"]
        instance.kernel_id = props.get("kernel_id") or ""
        instance.ramdisk_id = props.get("ramdisk_id") or ""
        instance.progress = 0
        for name, value in changes.items():
            setattr(instance, name, value)
        self.start_action(context, instance, "rebuild", image=image,
                          injected_files=injected_files or [], new_pass=admin_password,
                          preserve_ephemeral=preserve_ephemeral)
        return instance

    def _new_image(self, context, instance, name, image_type, extra_properties, action,
                   **rpc_kwargs):
        """Create the image record of ``action``, then start the action with its id.

        The image is removed again when the action is refused.
        """
        row = server_actions.get(action)
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        meta = snapshot_meta.image_meta(context, instance, name, image_type,
                                        extra_properties)
        image = self.image_api.create(context, meta)
        try:
            self.start_action(context, instance, action, image_id=image["id"], **rpc_kwargs)
        except Exception:
            try:
                self.image_api.delete(context, image["id"])
            except Exception:
                LOG.exception("Could not delete image %s of a refused %s",
                              image["id"], action)
            raise
        return image

    def snapshot(self, context, instance, name, extra_properties=None):
        """Start a snapshot (the "createImage" action) into a new image ``name``.

        :param extra_properties: the request's metadata, as image properties.
        :returns: the new image's metadata (queued until the host uploads
            the data; "active" then).
        :raises: as start_action; MetadataLimitExceeded (403).
        """
        quota.check_metadata_items(context, context.project_id, extra_properties)
        return self._new_image(context, instance, name, snapshot_meta.SNAPSHOT,
                               extra_properties, "createImage")

    def backup(self, context, instance, name, backup_type, rotation,
               extra_properties=None):
        """Start a backup (the "createBackup" action) into a new image ``name``.

        Once uploaded, backups of the server with the same ``backup_type``
        beyond the newest ``rotation`` are deleted (all with 0).

        :returns: the new image's metadata.
        :raises: as snapshot.
        """
        quota.check_metadata_items(context, context.project_id, extra_properties)
        properties = dict(extra_properties or {}, backup_type=backup_type)
        return self._new_image(context, instance, name, snapshot_meta.BACKUP, properties,
                               "createBackup", backup_type=backup_type, rotation=rotation)

    def shelve(self, context, instance, clean_shutdown=True):
        """Start a shelve (the "shelve" action): snapshot, then power off.

        With [DEFAULT] shelved_offload_time 0 the host offloads the server
        at once (SHELVED_OFFLOADED).

        :returns: the snapshot image's metadata.
        """
        return self._new_image(context, instance, snapshot_meta.shelved_image_name(instance),
                               snapshot_meta.SNAPSHOT, None, "shelve",
                               clean_shutdown=clean_shutdown)

    def unshelve(self, context, instance, availability_zone=_UNSET, host=None):
        """Start an unshelve (the "unshelve" action) through the conductor.

        A SHELVED server is powered on where it is; a SHELVED_OFFLOADED one
        is scheduled again (its request spec, with the new zone or host)
        and booted from its shelved snapshot.

        :param availability_zone: 2.77: a zone to schedule in, or None
            (2.91) to unpin the server from its zone; left out: unchanged.
        :param host: 2.91: the compute host to unshelve to (administrators).
        :raises: as start_action; UnshelveInstanceInvalidState (409) for a
            zone or host asked for a server that is not offloaded;
            InvalidRequest (400) for an unknown zone, ComputeHostNotFound
            (400) for an unknown host.
        """
        row = server_actions.get("unshelve")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        pinned = availability_zone is not _UNSET
        if (pinned or host) and instance.vm_state != vm_states.SHELVED_OFFLOADED:
            raise exception.UnshelveInstanceInvalidState(
                instance_uuid=instance.uuid, state=instance.vm_state)
        request_spec = objects.RequestSpec.get_by_instance_uuid(context, instance.uuid)
        if pinned:
            if availability_zone is not None and \
                    availability_zone not in _known_zones(context):
                raise exception.InvalidRequest(
                    reason=f"The requested availability zone {availability_zone} "
                           f"is not available")
            request_spec.availability_zone = availability_zone
            instance.availability_zone = availability_zone
        if host:
            try:
                objects.HostMapping.get_by_host(context, host)
            except exception.HostMappingNotFound:
                raise exception.ComputeHostNotFound(host=host) from None
        # The host is for this scheduling only: it is not saved with the spec.
        to_schedule = request_spec.obj_clone()
        if host:
            to_schedule.requested_destination = objects.Destination(host=host)
        self.start_action(context, instance, "unshelve", request_spec=to_schedule)
        if pinned:
            # Later moves keep to the zone asked for (or to none).
            request_spec.save()

    # -- moves: resize, cold migration, confirm, revert ------------------------

    def resize(self, context, instance, flavor_id):
        """Start a resize (the "resize" action) of ``instance`` to ``flavor_id``.

        The conductor picks the destination (nova.conductor.tasks.migrate);
        the server ends VERIFY_RESIZE until confirmed or reverted.

        :param flavor_id: the new flavor's flavorid.
        :raises: as start_action; FlavorNotFound (400) for an unknown or
            disabled flavor; CannotResizeToSameFlavor (400); CannotResizeDisk
            (400) when the new flavor's root disk is smaller (api-ref
            "Resize Server": disks cannot shrink); FlavorMemoryTooSmall,
            FlavorDiskSmallerThanMinDisk (400) for the server's image;
            TooManyInstances (403) when the growth exceeds the cores or
            ram quota.
        """
        row = server_actions.get("resize")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        try:
            flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        except exception.FlavorNotFound:
            raise exception.FlavorNotFound(flavor_id=flavor_id) from None
        if flavor.disabled:
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        current = instance.flavor
        if flavor.flavorid == current.flavorid:
            raise exception.CannotResizeToSameFlavor()
        if flavor.root_gb < current.root_gb:
            raise exception.CannotResizeDisk(
                reason="Server disk cannot be resized to a smaller disk.")
        image = {"min_ram": int(instance.system_metadata.get("image_min_ram") or 0),
                 "min_disk": int(instance.system_metadata.get("image_min_disk") or 0)}
        self._check_flavor_fits_image(flavor, image)
        quota.check_resize(context, instance.project_id, instance.user_id, current, flavor)
        self.start_action(context, instance, "resize", flavor=flavor)

    def migrate(self, context, instance, host=None):
        """Start a cold migration (the "migrate" action) to another host.

        :param host: 2.56: the destination the administrator names, or None
            for the scheduler's choice.
        :raises: as start_action; ComputeHostNotFound (400) for an unknown
            host; CannotMigrateToSameHost (400) for the server's own host.
        """
        row = server_actions.get("migrate")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        if host:
            try:
                objects.HostMapping.get_by_host(context, host)
            except exception.HostMappingNotFound:
                raise exception.ComputeHostNotFound(host=host) from None
            if host == instance.host:
                raise exception.CannotMigrateToSameHost()
        self.start_action(context, instance, "migrate", flavor=None, destination=host)

    def _finished_migration(self, context, instance, row, statuses=("finished",)):
        """The finished move a confirm or revert ends (after the state checks).

        :param statuses: the migration statuses looked for, in order.
        :raises MigrationNotFoundByStatus: none (400, "not resized").
        """
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        cctxt = self._cell_context(context, instance)
        for status in statuses[:-1]:
            try:
                return objects.Migration.get_by_instance_and_status(
                    cctxt, instance.uuid, status)
            except exception.MigrationNotFoundByStatus:
                continue
        return objects.Migration.get_by_instance_and_status(cctxt, instance.uuid,
                                                            statuses[-1])

    def confirm_resize(self, context, instance):
        """confirmResize: the source host removes what the move left there.

        :raises: as start_action; MigrationNotFoundByStatus (400).
        """
        row = server_actions.get("confirmResize")
        # "confirming": a confirm a restart interrupted may be asked again.
        migration = self._finished_migration(context, instance, row,
                                             ("finished", "confirming"))
        previous = migration.status
        migration.status = "confirming"
        migration.save()
        try:
            self.start_action(context, instance, "confirmResize",
                              host=migration.source_compute, migration=migration)
        except Exception:
            migration.status = previous
            migration.save()
            raise

    def revert_resize(self, context, instance):
        """revertResize: back to the source host and the old flavor.

        :raises: as start_action; MigrationNotFoundByStatus (400).
        """
        row = server_actions.get("revertResize")
        migration = self._finished_migration(context, instance, row)
        migration.status = "reverting"
        migration.save()
        try:
            self.start_action(context, instance, "revertResize",
                              host=migration.dest_compute, migration=migration)
        except Exception:
            migration.status = "finished"
            migration.save()
            raise

    # -- moves: live migration, evacuate, server migrations ---------------------

    @staticmethod
    def _check_compute_host(context, host):
        """:raises ComputeHostNotFound: no nova-compute called ``host``."""
        try:
            objects.HostMapping.get_by_host(context, host)
        except exception.HostMappingNotFound:
            raise exception.ComputeHostNotFound(host=host) from None

    def live_migrate(self, context, instance, block_migration, disk_over_commit,
                     host_name, force=False, async_=True):
        """Start a live migration (the "os-migrateLive" action) through the conductor.

        :param block_migration: True, False or None ("auto", 2.25).
        :param disk_over_commit: before 2.25, accepted and not used.
        :param host_name: the destination, or None for the scheduler's choice.
        :param force: 2.30-2.67: skip the scheduler for ``host_name``.
        :param async_: False before 2.34: wait for the conductor's checks.
        :raises: as start_action; ComputeHostNotFound (400) for an unknown
            host; when not ``async_``, the checks' NoValidHost,
            MigrationPreCheckError, UnableToMigrateToSelf,
            ComputeServiceUnavailable (400).
        """
        row = server_actions.get("os-migrateLive")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        if host_name:
            self._check_compute_host(context, host_name)
        request_spec = objects.RequestSpec.get_by_instance_uuid(context, instance.uuid)
        self.start_action(context, instance, "os-migrateLive",
                          scheduler_hint={"host": host_name},
                          block_migration=block_migration,
                          disk_over_commit=disk_over_commit, request_spec=request_spec,
                          async_=async_, force=bool(force))

    def evacuate(self, context, instance, host=None, admin_password=None, force=False,
                 target_state=None):
        """Start an evacuation (the "evacuate" action) of a server of a dead host.

        A Migration of type evacuation (status accepted) records it; the
        conductor chooses the new host (or takes ``host``) and has the
        server rebuilt there.

        :param host: the destination, or None for the scheduler's choice.
        :param force: 2.29-2.67: skip the scheduler for ``host``.
        :param target_state: "stopped" from 2.95, else None (keep the
            server's vm_state).
        :raises: as start_action; ComputeServiceInUse (400) when the
            server's host is up; ComputeHostNotFound (404) for an unknown
            host; InvalidRequest (400) for its own host.
        """
        row = server_actions.get("evacuate")
        server_actions.check_lock(context, instance, row)
        server_actions.check_state(instance, row)
        if host:
            self._check_compute_host(context, host)
            if host == instance.host:
                raise exception.InvalidRequest(
                    reason="The target host can't be the same one.")
        cctxt = self._cell_context(context, instance)
        if self._host_is_up(cctxt, instance.host):
            raise exception.ComputeServiceInUse(host=instance.host)
        migration = objects.Migration(
            context=cctxt, source_compute=instance.host, source_node=instance.node,
            instance_uuid=instance.uuid, status="accepted", migration_type="evacuation",
            dest_compute=host, user_id=instance.user_id, project_id=instance.project_id,
            old_instance_type_id=instance.instance_type_id,
            new_instance_type_id=instance.instance_type_id)
        migration.create()
        request_spec = objects.RequestSpec.get_by_instance_uuid(context, instance.uuid)
        try:
            self.start_action(context, instance, "evacuate", migration=migration,
                              host=host, force=bool(force), new_pass=admin_password,
                              target_state=target_state, request_spec=request_spec)
        except Exception:
            migration.status = "error"
            migration.save()
            raise
        return migration

    def _live_migration_of(self, context, instance, migration_id):
        """Return the live-migration ``migration_id`` of ``instance``.

        :raises MigrationNotFoundForInstance: (404) no such migration of it.
        """
        cctxt = self._cell_context(context, instance)
        try:
            migration = objects.Migration.get_by_id(cctxt, migration_id)
        except exception.MigrationNotFound:
            migration = None
        if migration is None or migration.instance_uuid != instance.uuid:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance.uuid)
        return cctxt, migration

    def get_live_migrations(self, context, instance):
        """Return the in-progress live migrations of ``instance`` (2.23)."""
        cctxt = self._cell_context(context, instance)
        return objects.MigrationList.get_in_progress_by_instance(
            cctxt, instance.uuid, migration_type="live-migration")

    def get_live_migration(self, context, instance, migration_id):
        """Return one in-progress live migration of ``instance`` (2.23).

        :raises MigrationNotFoundForInstance: (404) none such in progress.
        """
        for migration in self.get_live_migrations(context, instance):
            if migration.id == migration_id:
                return migration
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=instance.uuid)

    def _check_migration_action(self, context, instance, migration_id, method, statuses):
        row = server_actions.get("os-migrateLive")
        server_actions.check_lock(context, instance, row)
        if instance.task_state != task_states.MIGRATING:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="task_state", state=instance.task_state,
                method=method)
        cctxt, migration = self._live_migration_of(context, instance, migration_id)
        if migration.migration_type != "live-migration" or migration.status not in statuses:
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method=method)
        instance._context = cctxt
        return cctxt

    def live_migrate_force_complete(self, context, instance, migration_id):
        """Have the running live migration finish now (2.22).

        :raises InstanceIsLocked, InstanceInvalidState (409): locked, or
            not migrating; MigrationNotFoundForInstance (404);
            InvalidMigrationState (400): not running.
        """
        cctxt = self._check_migration_action(context, instance, migration_id,
                                             "force complete", ("running",))
        objects.InstanceAction.action_start(
            cctxt, instance.uuid, "live_migration_force_complete", want_result=False)
        self.compute_rpcapi.live_migration_force_complete(cctxt, instance)

    def live_migrate_abort(self, context, instance, migration_id, statuses=("running",)):
        """Abort the running live migration (2.24; queued and preparing from 2.65).

        :param statuses: the migration statuses an abort is allowed from.
        :raises: as live_migrate_force_complete.
        """
        cctxt = self._check_migration_action(context, instance, migration_id,
                                             "abort live migration", statuses)
        objects.InstanceAction.action_start(
            cctxt, instance.uuid, "live_migration_cancel", want_result=False)
        self.compute_rpcapi.live_migration_abort(cctxt, instance, migration_id)

    def lock(self, context, instance, reason=None):
        """Lock a server (the "lock" action; the reason is 2.73's locked_reason).

        ``locked_by`` is "owner" when the server's project locks it and
        "admin" otherwise, as upstream; unlocking an admin's lock needs the
        unlock_override policy.
        """
        row = server_actions.get("lock")
        server_actions.check_state(instance, row)
        cctxt = self._cell_context(context, instance)
        instance._context = cctxt
        instance.locked = True
        instance.locked_by = "owner" if context.project_id == instance.project_id \
            else "admin"
        sysmeta = dict(instance.system_metadata)
        if reason:
            sysmeta["locked_reason"] = reason
        else:
            sysmeta.pop("locked_reason", None)
        instance.system_metadata = sysmeta
        instance.save()
        self._record_api_action(cctxt, instance, row)

    def unlock(self, context, instance):
        """Unlock a server (the "unlock" action); its locked_reason goes too."""
        row = server_actions.get("unlock")
        server_actions.check_state(instance, row)
        cctxt = self._cell_context(context, instance)
        instance._context = cctxt
        instance.locked = False
        instance.locked_by = None
        sysmeta = dict(instance.system_metadata)
        sysmeta.pop("locked_reason", None)
        instance.system_metadata = sysmeta
        instance.save()
        self._record_api_action(cctxt, instance, row)

    def reset_state(self, context, instance, state):
        """Set vm_state to ``state`` ("active" or "error") and clear the task.

        The administrator's way out of a stuck state (os-resetState); the
        hypervisor is not asked, as upstream.
        """
        row = server_actions.get("os-resetState")
        cctxt = self._cell_context(context, instance)
        instance._context = cctxt
        instance.vm_state = state
        instance.task_state = None
        instance.save(admin_state_reset=True)
        self._record_api_action(cctxt, instance, row)

    def update(self, context, instance, **changes):
        """Update a server's display fields (PUT /servers/{id}).

        :param changes: display_name, display_description, hostname,
            access_ip_v4, access_ip_v6, auto_disk_config.
        :returns: the instance, saved.
        """
        instance._context = self._cell_context(context, instance)
        for name, value in changes.items():
            setattr(instance, name, value)
        instance.save()
        return instance

    def get_instance_actions(self, context, instance, limit=None, marker=None,
                             filters=None):
        """Return the InstanceActionList of ``instance``, newest first.

        :param marker: request id of the last action of the previous page.
        :param filters: {"changes-since"/"changes-before": datetime}.
        :raises MarkerNotFound: the marker is no action of the server.
        """
        cctxt = self._cell_context(context, instance)
        return objects.InstanceActionList.get_by_instance_uuid(
            cctxt, instance.uuid, limit=limit, marker=marker, filters=filters)

    def get_instance_action(self, context, instance, request_id):
        """Return (InstanceAction, InstanceActionEventList) of one request.

        :raises InstanceActionNotFound: no action of the server has that
            request id.
        """
        cctxt = self._cell_context(context, instance)
        action = objects.InstanceAction.get_by_request_id(cctxt, instance.uuid, request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance.uuid)
        return action, objects.InstanceActionEventList.get_by_action(cctxt, action.id)

    @staticmethod
    def _record_api_action(context, instance, row):
        """Record an action the API carries out alone, start and finish at once."""
        objects.InstanceAction.action_start(
            context, instance.uuid, row.instance_action, want_result=False)
        objects.InstanceAction.action_finish(context, instance.uuid, want_result=False)
        if row.notification:
            notify.notify_about_instance_action(
                context, instance, CONF.host, row.notification, notify.START,
                binary="nova-api")
            notify.notify_about_instance_action(
                context, instance, CONF.host, row.notification, notify.END,
                binary="nova-api")

    # -- metadata and tags (/servers/{id}/metadata, /servers/{id}/tags) --------

    @staticmethod
    def _check_metadata_change(context, instance, method):
        """Refuse a metadata change as upstream: locked server or wrong state.

        :raises InstanceIsLocked: locked and the caller is no admin (409).
        :raises InstanceInvalidState: vm_state not in METADATA_VM_STATES or
            a task running (409); ``method`` names the change in the message.
        """
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        if instance.vm_state not in METADATA_VM_STATES:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="vm_state", state=instance.vm_state,
                method=method)
        if instance.task_state is not None:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="task_state",
                state=instance.task_state, method=method)

    def _save_metadata(self, context, instance, metadata):
        instance._context = self._cell_context(context, instance)
        instance.metadata = metadata
        # No task may have started since the state check.
        instance.save(expected_task_state=[None])
        return dict(instance.metadata)

    def update_instance_metadata(self, context, instance, metadata, replace=False):
        """Merge ``metadata`` into the server's, or replace the server's with it.

        POST /servers/{id}/metadata merges, PUT .../metadata replaces, PUT
        .../metadata/{key} merges one item (api-ref "Server metadata").

        :param instance: Instance with its metadata loaded.
        :param metadata: {key: value} (str), already validated by the schema.
        :param replace: True to drop the keys ``metadata`` lacks.
        :returns: the server's whole metadata afterwards ({key: value}).
        :raises: InstanceIsLocked, InstanceInvalidState,
            UnexpectedTaskStateError (409); MetadataLimitExceeded (403,
            the server's project's metadata_items limit). Nothing changes
            when one is raised.
        """
        self._check_metadata_change(context, instance, "update metadata")
        wanted = dict(metadata) if replace else {**instance.metadata, **metadata}
        quota.check_metadata_items(context, instance.project_id, wanted)
        return self._save_metadata(context, instance, wanted)

    def delete_instance_metadata(self, context, instance, key):
        """Remove the metadata item ``key`` (DELETE /servers/{id}/metadata/{key}).

        :raises InstanceMetadataNotFound: the server has no item ``key`` (404).
        :raises: InstanceIsLocked, InstanceInvalidState,
            UnexpectedTaskStateError (409).
        """
        if key not in instance.metadata:
            raise exception.InstanceMetadataNotFound(instance_uuid=instance.uuid, key=key)
        self._check_metadata_change(context, instance, "delete metadata")
        wanted = {k: v for k, v in instance.metadata.items() if k != key}
        self._save_metadata(context, instance, wanted)

    @staticmethod
    def _check_tag_change(instance, method):
        """Tags change only in TAG_VM_STATES (upstream's rule; locks do not matter).

        :raises InstanceInvalidState: (409) another vm_state.
        """
        if instance.vm_state not in TAG_VM_STATES:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="vm_state", state=instance.vm_state,
                method=method)

    def add_tag(self, context, instance, tag):
        """Add ``tag`` to the server (PUT /servers/{id}/tags/{tag}).

        :returns: True when the tag is new, False when the server had it.
        :raises InstanceInvalidState: (409) see _check_tag_change.
        :raises TooManyInstanceTags: (400) the server has MAX_TAG_COUNT tags.
        :raises InstanceNotFound: the server went away (404).
        """
        self._check_tag_change(instance, "update tag")
        cctxt = self._cell_context(context, instance)
        if objects.Tag.exists(cctxt, instance.uuid, tag):
            return False
        objects.Tag(context=cctxt, resource_id=instance.uuid, tag=tag).create()
        return True

    def set_tags(self, context, instance, tags):
        """Replace the server's tags with ``tags`` (PUT /servers/{id}/tags).

        :param tags: list of str (duplicates count once).
        :returns: the server's tags afterwards, sorted (list of str).
        :raises: as add_tag.
        """
        self._check_tag_change(instance, "update tags")
        tag_list = objects.TagList.create(
            self._cell_context(context, instance), instance.uuid, tags)
        return [t.tag for t in tag_list]

    def delete_tag(self, context, instance, tag):
        """Remove ``tag`` from the server (DELETE /servers/{id}/tags/{tag}).

        :raises InstanceTagNotFound: the server has no such tag (404).
        :raises InstanceInvalidState: (409) see _check_tag_change.
        """
        self._check_tag_change(instance, "delete tag")
        objects.Tag.destroy(self._cell_context(context, instance), instance.uuid, tag)

    def delete_all_tags(self, context, instance):
        """Remove every tag of the server (DELETE /servers/{id}/tags).

        :raises InstanceInvalidState: (409) see _check_tag_change.
        """
        self._check_tag_change(instance, "delete tags")
        objects.TagList.destroy(self._cell_context(context, instance), instance.uuid)

    # -- consoles (rows of nova.compute.server_actions) --------------------------

    def get_console_output(self, context, instance, tail_length=None):
        """Return the last ``tail_length`` lines (all when None) of the console log.

        :raises InstanceNotReady: the server has no host yet (409).
        """
        return self.start_action(context, instance, "os-getConsoleOutput",
                                 tail_length=tail_length)

    def external_instance_event(self, context, instances, events):
        """Cast ``events`` to the hosts of ``instances``, one message per host.

        :param instances: Instance objects, each on a host.
        :param events: dicts with name, server_uuid, status (and tag); only
            the events about a host's instances go to that host.
        :raises ComputeHostTooOld: a host's nova-compute is too old (the
            other hosts still get theirs).
        """
        by_host = {}
        for instance in instances:
            by_host.setdefault(instance.host, []).append(instance)
        for host, on_host in by_host.items():
            uuids = {instance.uuid for instance in on_host}
            cctxt = self._cell_context(context, on_host[0])
            self.compute_rpcapi.external_instance_event(
                cctxt, host, on_host, [e for e in events if e["server_uuid"] in uuids])

    def get_instance_diagnostics(self, context, instance):
        """Return the host driver's diagnostics of ``instance`` (dict).

        :raises InstanceInvalidState: the server has no host yet (409).
        :raises InstanceNotFound: the host has no such guest.
        :raises NotImplementedError: the host's driver cannot tell (501).
        """
        return self.start_action(context, instance, "GET /servers/{server_id}/diagnostics")

    def get_remote_console(self, context, instance, name, console_type):
        """Have the instance's host issue a console token; return its URL (str).

        :param name: the console's action row ("os-getVNCConsole",
            "os-getSPICEConsole", "os-getSerialConsole").
        :param console_type: "novnc", "spice-html5", "spice-direct", "serial".
        :returns: the console proxy's URL with the token.
        :raises InstanceNotReady, InstanceInvalidState (409); from the host
            ConsoleTypeInvalid/ConsoleTypeUnavailable (400),
            InstanceNotFound (404); ComputeHostTooOld (409).
        """
        return self.start_action(context, instance, name,
                                 console_type=console_type)["access_url"]


def _destroy_all(records):
    """Destroy ``records`` (objects with ``destroy()``), last first; log failures."""
    for record in reversed(records):
        try:
            record.destroy()
        except Exception:
            LOG.exception("Could not remove %s after a failed create", record)


def _original_values(context, instance):
    """Return {field: value in the database} of ``instance``'s changed fields.

    Only the fields an action saves together with its task_state (a
    rebuild's image, name, metadata, ...); task_state itself is put back
    from the value the action expected.
    """
    changed = instance.obj_what_changed() - {"task_state"}
    if not changed:
        return {}
    stored = objects.Instance.get_by_uuid(
        context, instance.uuid,
        expected_attrs=[f for f in changed if f in objects.instance.INSTANCE_OPTIONAL_ATTRS])
    return {name: getattr(stored, name) for name in changed}


class _undone_when_not_sent:  # noqa: N801 (a context manager, named for what it does)
    """Put back what an action wrote when its RPC could not be sent.

    On MessageDeliveryFailure (the broker is unreachable, see
    ``nova.rpc.API_SEND_TIMEOUT``): the task_state goes back to
    ``expected`` (compare-and-swap on the row's task_state, so a change
    made meanwhile by someone else is kept), the ``original`` fields with
    it, the request's instance action is removed, and MessagingUnavailable
    (503) is raised instead. Anything else passes through.

    :param row: the ServerAction whose RPC is sent.
    :param expected: the task_state before the action.
    :param original: {field: value} saved with the task_state, to restore.
    """

    def __init__(self, context, instance, row, expected, original):
        self.context = context
        self.instance = instance
        self.row = row
        self.expected = expected
        self.original = original

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or not issubclass(exc_type, messaging.MessageDeliveryFailure):
            return False
        LOG.warning("Could not send %s for instance %s (%s); undoing it",
                    self.row.name, self.instance.uuid, exc)
        try:
            if self.row.task_state is not None:
                for name, value in self.original.items():
                    setattr(self.instance, name, value)
                self.instance.task_state = self.expected
                self.instance.save(expected_task_state=[self.row.task_state])
            if self.row.instance_action:
                objects.InstanceAction.discard(self.context, self.instance.uuid)
        except Exception:
            LOG.exception("Could not undo %s for instance %s", self.row.name,
                          self.instance.uuid)
        raise exception.MessagingUnavailable() from exc


def _known_zones(context):
    """Names of the availability zones with an enabled compute service."""
    return availability_zones.schedulable_zones(context.elevated())


def _hostname(display_name, index):
    """Return a DNS-safe hostname from the display name (upstream's sanitising)."""
    allowed = "".join(c if c.isalnum() or c == "-" else "-" for c in display_name.lower())
    allowed = allowed.strip("-.")[:63] or f"server-{index}"
    return allowed


def _image_system_metadata(image):
    """Return image_* system metadata entries (upstream stores image properties)."""
    sysmeta = {}
    for key in ("min_ram", "min_disk", "disk_format", "container_format"):
        if image.get(key) is not None:
            sysmeta[f"image_{key}"] = str(image[key])
    for key, value in (image.get("properties") or {}).items():
        sysmeta[f"image_{key}"] = str(value)
    return sysmeta


def _spec_hints(hints):
    """Scheduler hints as the request spec keeps them: {name: [str, ...]}.

    A JSON object or list (the ``query`` hint sent as JSON rather than as
    text) is kept as its JSON text, so JsonFilter reads it either way.
    """
    def text(value):
        return jsonutils.dumps(value) if isinstance(value, (dict, list)) else str(value)

    spec_hints = {}
    for name, value in (hints or {}).items():
        if isinstance(value, dict) or (name == "query" and isinstance(value, list)):
            spec_hints[name] = [text(value)]
        elif isinstance(value, list):
            spec_hints[name] = [text(v) for v in value]
        else:
            spec_hints[name] = [text(value)]
    return spec_hints


def _request_spec_image(image):
    """The part of the image the scheduler filters look at.

    disk_format feeds the image type pre-filter ([scheduler]
    query_placement_for_image_type_support).
    """
    return {
        "id": image.get("id"),
        "name": image.get("name"),
        "disk_format": image.get("disk_format"),
        "properties": {k: str(v) for k, v in (image.get("properties") or {}).items()},
    }

