"""Turning build requests into instances on hosts, and never losing one.

schedule_and_build_instances (first build):
    claim each build request (so a redrive or a late copy of the message
    cannot build it twice) -> the scheduler picks hosts and claims
    allocations (asked again while no scheduler answers) -> per instance:
    point its InstanceMapping at the chosen cell, create the Instance there
    (with the chosen host), delete the BuildRequest, cast
    build_and_run_instance to the host. When no host fits: bury the
    instance in cell0 in ERROR with a fault. Before the cast, count the
    project's instances again (nova.quota.recheck_instances): a build that
    a concurrent request pushed over quota ends in ERROR with a quota
    fault, without host, allocation or quota usage.

    Every prefix of those steps can be shown, deleted and carried on: until
    the instance exists, GET /servers/{id} falls back to the build request;
    a user's delete removes the build request, and whichever of the API
    and this task comes second removes the instance.

build_instances (reschedule from a compute host):
    claim the next alternate's allocation request and cast the build there;
    when the alternates or [scheduler] max_attempts run out, ERROR + fault.

recover_stale_builds (periodic, [conductor] stale_build_timeout):
    RabbitMQ hands a message to one consumer and forgets it, so a daemon
    killed while holding a build loses it. Builds that made no progress for
    the timeout are carried on: a build request is scheduled again; an
    instance still waiting for its host gets its build cast again (the host
    ignores a build it already started); one the user deleted meanwhile is
    removed.
"""

import contextlib
import datetime
import logging
import threading
import time

import oslo_messaging as messaging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects, quota
from nova.compute import faults, instance_actions, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Claims never expire when stale_build_timeout is 0: only unclaimed builds
#: are taken.
_NEVER = datetime.datetime(1970, 1, 1)


def stale_before():
    """The moment before which an unfinished build counts as lost (naive UTC)."""
    timeout = CONF.conductor.stale_build_timeout
    if not timeout:
        return _NEVER
    return timeutils.utcnow() - datetime.timedelta(seconds=timeout)


class BuildTask:
    """The conductor's build orchestration.

    :param scheduler_api: SchedulerAPI (select_destinations).
    :param compute_api: compute ComputeAPI RPC client (build_and_run_instance).
    :param reportclient: SchedulerReportClient, for reschedule claims and cleanup.
    """

    def __init__(self, scheduler_api, compute_api, reportclient):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api
        self.reportclient = reportclient
        self._lock = threading.Lock()
        self._in_flight = set()

    # -- first build ----------------------------------------------------------

    def schedule_and_build_instances(self, context, build_requests, request_specs,
                                     image, admin_password=None, injected_files=None,
                                     redrive=False):
        """Schedule and start one build per BuildRequest.

        :param build_requests: BuildRequest objects, one per instance.
        :param request_specs: RequestSpec objects in the same order.
        :param image: the Glance image metadata dict.
        :param redrive: True when carrying on a build a lost message left:
            allocations a dead scheduler may have claimed are removed first.
        Never raises: every instance ends in a cell, building or in ERROR,
        or is left to whoever holds its claim.
        """
        claimed = [(br, spec) for br, spec in zip(build_requests, request_specs, strict=True)
                   if objects.BuildRequest.claim(context, br.instance_uuid, stale_before())]
        if not claimed:
            LOG.info("Builds of %s are done, deleted or held by another conductor",
                     [br.instance_uuid for br in build_requests])
            return
        build_requests = [br for br, _spec in claimed]
        request_specs = [spec for _br, spec in claimed]
        uuids = [br.instance_uuid for br in build_requests]
        with self._running(uuids):
            if redrive:
                self._forget_allocations(context, uuids)
            spec = request_specs[0]
            spec.num_instances = len(uuids)
            try:
                _load_group_hosts(spec, uuids)
                host_lists = self._select_destinations(context, spec, uuids)
            except Exception as exc:
                LOG.warning("Scheduling failed for %s: %s", uuids, exc)
                for build_request, request_spec in zip(build_requests, request_specs,
                                                       strict=True):
                    self._bury_in_cell0(context, build_request, request_spec, exc)
                return
            cells = {}
            for build_request, request_spec, host_list in zip(
                    build_requests, request_specs, host_lists, strict=True):
                selection = host_list[0]
                try:
                    cell = cells.get(selection.cell_uuid)
                    if cell is None:
                        cell = cells[selection.cell_uuid] = objects.CellMapping.get_by_uuid(
                            context, selection.cell_uuid)
                    self._build_in_cell(context, cell, build_request, request_spec,
                                        selection, host_list, image, admin_password,
                                        injected_files)
                except Exception as exc:
                    LOG.exception("Could not start the build of %s",
                                  build_request.instance_uuid)
                    self.reportclient.delete_allocation_for_instance(
                        context, build_request.instance_uuid)
                    self._bury_in_cell0(context, build_request, request_spec, exc)

    def _select_destinations(self, context, spec, uuids):
        """Ask the scheduler; ask again while none answers, until long_rpc_timeout."""
        deadline = time.monotonic() + CONF.long_rpc_timeout
        while True:
            try:
                return self.scheduler_api.select_destinations(
                    context, spec, uuids, return_objects=True, return_alternates=True)
            except messaging.MessagingTimeout as exc:
                if time.monotonic() >= deadline:
                    raise
                LOG.warning("No scheduler answered for %s (%s); asking again", uuids, exc)
                # The scheduler that died holding the request may have
                # claimed allocations for these instances.
                self._forget_allocations(context, uuids)

    def _forget_allocations(self, context, uuids):
        for uuid in uuids:
            self.reportclient.delete_allocation_for_instance(context, uuid)

    def _build_in_cell(self, context, cell, build_request, request_spec, selection,
                       host_list, image, admin_password, injected_files):
        uuid = build_request.instance_uuid
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, uuid)
        if mapping.cell_mapping is None or mapping.cell_mapping.uuid != cell.uuid:
            mapping.cell_mapping = cell
            mapping.save()
        with nova_context.target_cell(context, cell) as cctxt:
            instance = self._instance_in_cell(cctxt, build_request, selection)
            try:
                build_request.destroy()
            except exception.BuildRequestNotFound:
                # Deleted by the user while we scheduled: undo what we made.
                LOG.info("Instance %s was deleted while it was being scheduled", uuid)
                _destroy_quietly(instance)
                self.reportclient.delete_allocation_for_instance(context, uuid)
                return
            try:
                quota.recheck_instances(context, instance.project_id, instance.user_id)
            except exception.TooManyInstances as exc:
                self._refuse_over_quota(context, cctxt, instance, exc)
                return
            self.compute_api.build_and_run_instance(
                cctxt, instance, selection.service_host, image, request_spec,
                filter_properties={"retry": {"num_attempts": 1, "hosts": []}},
                admin_password=admin_password, injected_files=injected_files,
                node=selection.nodename, host_list=host_list)

    def _refuse_over_quota(self, context, cctxt, instance, exc):
        """Leave ``instance`` in ERROR, uncounted, with the quota fault.

        It lost the race the API's count cannot see (nova.quota
        recheck_instances). It stays visible so its owner learns why and
        deletes it, but it holds no host, no allocation and no quota.
        """
        LOG.warning("Build of %s refused: %s", instance.uuid, exc.format_message())
        instance.system_metadata = dict(instance.system_metadata,
                                        **{quota.REFUSED_KEY: "1"})
        instance.host = instance.node = None
        faults.fail_instance(cctxt, instance, exc,
                             expected_task_state=[task_states.SCHEDULING])
        self.reportclient.delete_allocation_for_instance(context, instance.uuid)

    @staticmethod
    def _instance_in_cell(cctxt, build_request, selection):
        """Create the instance in the targeted cell, or take the one a crash left."""
        try:
            instance = objects.Instance.get_by_uuid(cctxt, build_request.instance_uuid)
        except exception.InstanceNotFound:
            instance = build_request.get_new_instance(cctxt)
            created = True
        else:
            created = False
        instance.availability_zone = selection.availability_zone or \
            instance.availability_zone
        instance.vm_state = vm_states.BUILDING
        instance.task_state = task_states.SCHEDULING
        instance.power_state = power_state.NOSTATE
        # Recorded now, so a build whose cast is lost can be cast again.
        instance.host = selection.service_host
        instance.node = selection.nodename
        if created:
            instance.create()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, instance_actions.CREATE, want_result=False)
        else:
            instance.save()
        return instance

    def _bury_in_cell0(self, context, build_request, request_spec, exc):
        """Create the instance in cell0 in ERROR with ``exc`` as its fault.

        The instance and its fault exist before the mapping points at
        cell0, so nobody sees the server in ERROR without its reason.
        """
        cell0 = objects.CellMapping.get_by_uuid(context, objects.CellMapping.CELL0_UUID)
        with nova_context.target_cell(context, cell0) as cctxt:
            try:
                instance = objects.Instance.get_by_uuid(cctxt, build_request.instance_uuid)
            except exception.InstanceNotFound:
                instance = build_request.get_new_instance(cctxt)
                instance.vm_state = vm_states.ERROR
                instance.task_state = None
                instance.power_state = power_state.NOSTATE
                instance.host = instance.node = None
                instance.create()
                objects.InstanceAction.action_start(
                    cctxt, instance.uuid, instance_actions.CREATE, want_result=False)
                faults.add_instance_fault_from_exc(cctxt, instance, exc)
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            context, build_request.instance_uuid)
        mapping.cell_mapping = cell0
        mapping.save()
        try:
            build_request.destroy()
        except exception.BuildRequestNotFound:
            _destroy_quietly(instance)

    # -- reschedule -------------------------------------------------------------

    def build_instances(self, context, instances, image, filter_properties,
                        admin_password=None, injected_files=None, request_spec=None,
                        host_lists=None):
        """Retry each instance's build on its next alternate host.

        :param host_lists: per instance, the remaining Selection alternates.
        The instance ends building on an alternate whose allocation claim
        succeeded, or in ERROR with a MaxRetriesExceeded fault.
        """
        retry = (filter_properties or {}).get("retry") or {}
        attempts = retry.get("num_attempts", 1)
        for instance, alternates in zip(instances, host_lists or [[]] * len(instances),
                                        strict=True):
            # The instance came back from a compute host with a context that
            # targets no cell: find its cell again before touching it.
            mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
            with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
                instance._context = cctxt
                self._reschedule_one(cctxt, instance, alternates, attempts, retry, image,
                                     filter_properties, admin_password, injected_files,
                                     request_spec)

    def _reschedule_one(self, context, instance, alternates, attempts, retry, image,
                        filter_properties, admin_password, injected_files, request_spec):
        if attempts > CONF.scheduler.max_attempts:
            self._fail(context, instance, exception.MaxRetriesExceeded(
                reason=f"{attempts - 1} attempts for instance {instance.uuid}; last "
                       f"error: {retry.get('exc_reason')}"))
            return
        remaining = list(alternates)
        while remaining:
            selection = remaining.pop(0)
            request = jsonutils.loads(selection.allocation_request or "null")
            if request and self.reportclient.claim_resources(
                    context, instance.uuid, request, instance.project_id,
                    instance.user_id):
                LOG.info("Rescheduling %s to %s (attempt %d)", instance.uuid,
                         selection.service_host, attempts)
                instance.host = selection.service_host
                instance.node = selection.nodename
                instance.save(expected_task_state=[task_states.SCHEDULING])
                self.compute_api.build_and_run_instance(
                    context, instance, selection.service_host, image, request_spec,
                    filter_properties=filter_properties,
                    admin_password=admin_password, injected_files=injected_files,
                    node=selection.nodename, host_list=[selection] + remaining)
                return
        self._fail(context, instance, exception.MaxRetriesExceeded(
            reason=f"no alternate host accepted instance {instance.uuid}; "
                   f"last error: {retry.get('exc_reason')}"))

    @staticmethod
    def _fail(context, instance, exc):
        LOG.error("Build of instance %s failed: %s", instance.uuid, exc.format_message())
        faults.fail_instance(context, instance, exc,
                             expected_task_state=[task_states.SCHEDULING, None])

    # -- lost builds --------------------------------------------------------------

    def recover_stale_builds(self, context):
        """Carry on (or finish deleting) every build that made no progress.

        :returns: {instance uuid: "scheduled" | "cast" | "deleted" | "failed"}
            for the builds taken over.
        """
        if not CONF.conductor.stale_build_timeout:
            return {}
        done = {}
        before = stale_before()
        for build_request in objects.BuildRequestList.get_stale(context, before):
            uuid = build_request.instance_uuid
            if self._is_running(uuid):
                continue
            try:
                spec = objects.RequestSpec.get_by_instance_uuid(context, uuid)
                if spec.obj_attr_is_set("image") and spec.image is not None:
                    image = spec.image.to_dict()
                else:
                    image = objects.ImageMeta.from_instance(build_request.instance).to_dict()
                LOG.warning("The build of %s made no progress for %d s: scheduling "
                            "it again", uuid, CONF.conductor.stale_build_timeout)
                self.schedule_and_build_instances(context, [build_request], [spec], image,
                                                  redrive=True)
                done[uuid] = "scheduled"
            except Exception:
                LOG.exception("Could not carry on the build of %s", uuid)
        for cell in objects.CellMappingList.get_all(context):
            if cell.is_cell0():
                continue
            with nova_context.target_cell(context, cell) as cctxt:
                waiting = objects.InstanceList.get_by_filters(
                    cctxt, {"vm_state": [vm_states.BUILDING],
                            "task_state": [task_states.SCHEDULING],
                            "changes-before": before, "deleted": False})
                for instance in waiting:
                    # Scheduled again just above, or building here now.
                    if instance.uuid in done or self._is_running(instance.uuid):
                        continue
                    try:
                        outcome = self._recover_waiting_instance(context, cctxt, instance)
                    except Exception:
                        LOG.exception("Could not carry on the build of %s", instance.uuid)
                        continue
                    if outcome:
                        done[instance.uuid] = outcome
        return done

    def _recover_waiting_instance(self, context, cctxt, instance):
        """An instance in a cell still waiting for its host to start building it."""
        uuid = instance.uuid
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, uuid)
        if mapping.queued_for_delete:
            LOG.warning("Removing instance %s, deleted while its build was lost", uuid)
            self.reportclient.delete_allocation_for_instance(context, uuid)
            _destroy_quietly(instance)
            return "deleted"
        try:
            objects.BuildRequest.get_by_instance_uuid(context, uuid)
            return None  # still a build request: scheduled again above
        except exception.BuildRequestNotFound:
            pass
        if not instance.host:
            self.reportclient.delete_allocation_for_instance(context, uuid)
            self._fail(cctxt, instance, exception.BuildAbortException(
                instance_uuid=uuid, reason="its reschedule was lost"))
            return "failed"
        # A crash may have come between writing the instance and its recheck.
        try:
            quota.recheck_instances(context, instance.project_id, instance.user_id)
        except exception.TooManyInstances as exc:
            self._refuse_over_quota(context, cctxt, instance, exc)
            return "failed"
        # Stamp it, so the next round waits another timeout before casting again.
        instance.updated_at = timeutils.utcnow()
        instance.save(expected_task_state=[task_states.SCHEDULING])
        spec = objects.RequestSpec.get_by_instance_uuid(context, uuid)
        image = objects.ImageMeta.from_instance(instance).to_dict()
        LOG.warning("The build of %s on %s made no progress for %d s: casting it again",
                    uuid, instance.host, CONF.conductor.stale_build_timeout)
        self.compute_api.build_and_run_instance(
            cctxt, instance, instance.host, image, spec,
            filter_properties={"retry": {"num_attempts": 1, "hosts": []}},
            node=instance.node, host_list=None)
        return "cast"

    # -- this conductor's own builds ------------------------------------------------

    @contextlib.contextmanager
    def _running(self, uuids):
        """Mark ``uuids`` as being built by this conductor for the block."""
        with self._lock:
            self._in_flight.update(uuids)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight.difference_update(uuids)

    def _is_running(self, uuid):
        with self._lock:
            return uuid in self._in_flight


def _load_group_hosts(spec, uuids):
    """Give the spec's server group its members and the hosts they are on.

    ``hosts`` gets one entry per live member already on a host (so a host
    with two members is listed twice), leaving out the instances being
    scheduled; the scheduler's group filters and weighers read it and add
    each host it picks for this request, so the request's own instances
    respect the policy among themselves.

    :raises InstanceGroupNotFound: the group was deleted since the API
        accepted the request (the instances then end in ERROR).
    """
    if not spec.obj_attr_is_set("instance_group") or spec.instance_group is None:
        return
    group = spec.get_instance_group()
    hosts = group.live_member_hosts()
    group.hosts = [host for uuid, host in hosts.items() if host and uuid not in set(uuids)]


def _destroy_quietly(instance):
    try:
        instance.destroy()
    except exception.InstanceNotFound:
        pass
