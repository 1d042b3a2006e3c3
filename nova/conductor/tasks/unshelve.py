"""Unshelving a server: where it is, or on a host the scheduler chooses anew.

The API set task_state unshelving and recorded the "unshelve" action.

* SHELVED (its guest is still on its host, powered off): the unshelve
  goes to that host, which powers the guest on.
* SHELVED_OFFLOADED (no host, no allocation): the scheduler picks a host
  with the server's request spec (the zone of 2.77, the host of 2.91) and
  claims the allocation; the instance records that host and node, so a
  restart of either side finds it, and the unshelve goes there: the host
  boots it from its shelved snapshot.

When no host fits, the server stays SHELVED_OFFLOADED with a fault saying
why and no task_state, as upstream; the event ``conductor_unshelve_instance``
of the action says the same.
"""

import logging

from nova import context as nova_context
from nova import exception, objects
from nova.compute import faults, instance_actions, server_actions, task_states, vm_states

LOG = logging.getLogger(__name__)

#: The row whose compute RPC carries the unshelve to a host.
UNSHELVE = "unshelve"


class UnshelveTask:
    """The conductor's unshelve orchestration.

    :param scheduler_api: SchedulerAPI (select_destinations).
    :param compute_api: compute ComputeAPI RPC client.
    :param reportclient: SchedulerReportClient, to drop a claim that could
        not be used.
    """

    def __init__(self, scheduler_api, compute_api, reportclient):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api
        self.reportclient = reportclient

    def unshelve_instance(self, context, instance, request_spec=None):
        """Send the unshelve of ``instance`` to its host, choosing one if needed.

        Never raises: a failure is recorded on the instance (fault, and its
        task_state cleared) and in the action's event.
        """
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with instance_actions.action_event(cctxt, instance,
                                                   "conductor_unshelve_instance"):
                    self._unshelve(context, cctxt, instance, request_spec)
            except Exception as exc:
                LOG.warning("Unshelve of instance %s failed: %s", instance.uuid, exc)
                faults.add_instance_fault_from_exc(cctxt, instance, exc)
                instance.task_state = None
                try:
                    instance.save(expected_task_state=[task_states.UNSHELVING])
                except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
                    LOG.info("Instance %s changed during its unshelve", instance.uuid)

    def _unshelve(self, context, cctxt, instance, request_spec):
        row = server_actions.get(UNSHELVE)
        if instance.vm_state == vm_states.SHELVED:
            self.compute_api.send_action(cctxt, instance, row)
            return
        if instance.vm_state != vm_states.SHELVED_OFFLOADED:
            raise exception.InstanceInvalidState(
                instance_uuid=instance.uuid, attr="vm_state", state=instance.vm_state,
                method=UNSHELVE)
        spec = request_spec or objects.RequestSpec.get_by_instance_uuid(
            context, instance.uuid)
        spec.ensure_project_and_user_id(instance)
        # A boot's forced host is no rule for where the server goes now.
        spec.reset_forced_destinations()
        spec.num_instances = 1
        selection = self.scheduler_api.select_destinations(
            context, spec, [instance.uuid], return_objects=True,
            return_alternates=False)[0][0]
        try:
            instance.host = selection.service_host
            instance.node = selection.nodename
            if selection.availability_zone:
                instance.availability_zone = selection.availability_zone
            instance.save(expected_task_state=[task_states.UNSHELVING])
            LOG.info("Unshelving instance %s on %s", instance.uuid, selection.service_host)
            self.compute_api.send_action(cctxt, instance, row, host=selection.service_host,
                                         node=selection.nodename)
        except Exception:
            # The claim is of no use to a server that does not go there.
            self.reportclient.delete_allocation_for_instance(context, instance.uuid)
            instance.host = None
            instance.node = None
            raise
