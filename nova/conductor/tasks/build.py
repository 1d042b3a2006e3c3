"""Turning build requests into instances on hosts, and rescheduling failed builds.

schedule_and_build_instances (first build):
    scheduler picks hosts and claims allocations
    -> per instance: create the Instance in the chosen host's cell, point
       its InstanceMapping at that cell, start the "create" action, delete
       the BuildRequest, cast build_and_run_instance to the host.
    -> when no host fits: bury the instance in cell0 in ERROR with a fault,
       so `openstack server show` explains why.

build_instances (reschedule from a compute host):
    claim the next alternate's allocation request and cast the build there;
    when the alternates or [scheduler] max_attempts run out, ERROR + fault.

A user may delete the server while it is being scheduled: the BuildRequest
is then gone when we try to delete it, and the instance just created in the
cell is removed again along with its allocation.
"""

import logging

from oslo_serialization import jsonutils

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import faults, instance_actions, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


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

    # -- first build ----------------------------------------------------------

    def schedule_and_build_instances(self, context, build_requests, request_specs,
                                     image, admin_password=None, injected_files=None):
        """Schedule and start one build per BuildRequest.

        :param build_requests: BuildRequest objects, one per instance.
        :param request_specs: RequestSpec objects in the same order.
        :param image: the Glance image metadata dict.
        Never raises: every instance ends in a cell, building or in ERROR.
        """
        spec = request_specs[0]
        uuids = [br.instance_uuid for br in build_requests]
        try:
            host_lists = self.scheduler_api.select_destinations(
                context, spec, uuids, return_objects=True, return_alternates=True)
        except Exception as exc:
            LOG.warning("Scheduling failed for %s: %s", uuids, exc)
            for build_request, request_spec in zip(build_requests, request_specs, strict=True):
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
                LOG.exception("Could not start the build of %s", build_request.instance_uuid)
                self.reportclient.delete_allocation_for_instance(
                    context, build_request.instance_uuid)
                self._bury_in_cell0(context, build_request, request_spec, exc)

    def _build_in_cell(self, context, cell, build_request, request_spec, selection,
                       host_list, image, admin_password, injected_files):
        with nova_context.target_cell(context, cell) as cctxt:
            instance = build_request.get_new_instance(cctxt)
            instance.availability_zone = selection.availability_zone or \
                instance.availability_zone
            instance.vm_state = vm_states.BUILDING
            instance.task_state = task_states.SCHEDULING
            instance.power_state = power_state.NOSTATE
            instance.create()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, instance_actions.CREATE, want_result=False)
            mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
            mapping.cell_mapping = cell
            mapping.save()
            try:
                build_request.destroy()
            except exception.BuildRequestNotFound:
                # Deleted by the user while we scheduled: undo what we made.
                LOG.info("Instance %s was deleted while it was being scheduled",
                         instance.uuid)
                instance.destroy()
                self.reportclient.delete_allocation_for_instance(context, instance.uuid)
                return
            self.compute_api.build_and_run_instance(
                cctxt, instance, selection.service_host, image, request_spec,
                filter_properties={"retry": {"num_attempts": 1, "hosts": []}},
                admin_password=admin_password, injected_files=injected_files,
                node=selection.nodename, host_list=host_list)

    def _bury_in_cell0(self, context, build_request, request_spec, exc):
        """Create the instance in cell0 in ERROR with ``exc`` as its fault."""
        cell0 = objects.CellMapping.get_by_uuid(context, objects.CellMapping.CELL0_UUID)
        with nova_context.target_cell(context, cell0) as cctxt:
            instance = build_request.get_new_instance(cctxt)
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            instance.power_state = power_state.NOSTATE
            instance.create()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, instance_actions.CREATE, want_result=False)
            faults.add_instance_fault_from_exc(cctxt, instance, exc)
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        mapping.cell_mapping = cell0
        mapping.save()
        try:
            build_request.destroy()
        except exception.BuildRequestNotFound:
            with nova_context.target_cell(context, cell0) as cctxt:
                instance._context = cctxt
                instance.destroy()

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
        faults.add_instance_fault_from_exc(context, instance, exc)
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.SCHEDULING, None])
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s changed while being set to ERROR", instance.uuid)
