"""Building an instance on this host: spawn, or hand it back for a reschedule.

The flow, with every state change a compare-and-swap on task_state:

    scheduling --(host/node set)--> spawning --(driver.spawn ok)--> ACTIVE
                                          \\--(spawn fails)--> reschedule or ERROR

A failed spawn is cleaned off the hypervisor first. When the scheduler gave
alternates, the failed host's allocation is removed and the instance goes
back to the conductor for the next alternate; without alternates it ends in
ERROR with a fault, its allocation kept until the user deletes it (delete
removes it), so nothing is lost and nothing leaks.
"""

import logging
import sys

from oslo_utils import timeutils

from nova import exception
from nova.compute import faults, instance_actions, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)

BUILD_EVENT = "compute__do_build_and_run_instance"


class InstanceBuilder:
    """Runs build_and_run_instance for a ComputeManager.

    :param host: this compute host's name.
    :param driver: the ComputeDriver.
    :param reportclient: SchedulerReportClient, to read and remove allocations.
    :param compute_task_api: the conductor's ComputeTaskAPI, for reschedules
        (``build_instances``).
    """

    def __init__(self, host, driver, reportclient, compute_task_api):
        self.host = host
        self.driver = driver
        self.reportclient = reportclient
        self.compute_task_api = compute_task_api

    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, node=None, host_list=None):
        """Spawn ``instance`` here; on failure reschedule or set ERROR.

        :param image: the Glance image metadata dict.
        :param host_list: alternates from the scheduler (objects.Selection
            list); the first entry is this host.
        Never raises for build failures: the outcome is in the instance.
        """
        try:
            self._build(context, instance, image, request_spec, filter_properties,
                        admin_password, injected_files, node, host_list)
        except exception.BuildAbortException as exc:
            LOG.error("Instance %s is in ERROR: %s", instance.uuid, exc.format_message())

    def _build(self, context, instance, image, request_spec, filter_properties,
               admin_password, injected_files, node, host_list):
        with instance_actions.action_event(context, instance, BUILD_EVENT, host=self.host):
            try:
                self._claim_for_host(instance, node)
            except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
                LOG.info("Instance %s was deleted or changed before its build started",
                         instance.uuid)
                return
            try:
                self._spawn(context, instance, image, admin_password, injected_files)
            except (exception.UnexpectedDeletingTaskStateError,
                    exception.InstanceNotFound):
                LOG.info("Instance %s was deleted while it was building", instance.uuid)
                self._cleanup_guest(context, instance)
            except Exception as exc:
                exc_info = sys.exc_info()
                LOG.error("Build of instance %s failed on %s: %s",
                          instance.uuid, self.host, exc)
                self._cleanup_guest(context, instance)
                faults.add_instance_fault_from_exc(
                    context, instance, exc, exc_info, host=self.host)
                alternates = list(host_list or [])[1:]
                if alternates:
                    self._reschedule(context, instance, image, request_spec,
                                     filter_properties, admin_password, injected_files,
                                     alternates, exc)
                else:
                    self._set_error(instance, task_states.SPAWNING)
                    # Re-raise inside the event context so it records Error.
                    raise exception.BuildAbortException(
                        instance_uuid=instance.uuid, reason=str(exc)) from exc

    def _claim_for_host(self, instance, node):
        instance.host = self.host
        instance.node = node
        instance.launched_on = self.host
        instance.vm_state = vm_states.BUILDING
        instance.task_state = task_states.SPAWNING
        instance.save(expected_task_state=[task_states.SCHEDULING, None])

    def _spawn(self, context, instance, image, admin_password, injected_files):
        allocations = self.reportclient.get_allocations_for_consumer(context, instance.uuid)
        self.driver.spawn(context, instance, image, injected_files or [],
                          admin_password, allocations)
        instance.power_state = self.driver.get_info(instance).state
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=task_states.SPAWNING)
        LOG.info("Instance %s is ACTIVE on %s", instance.uuid, self.host)

    def _cleanup_guest(self, context, instance):
        try:
            self.driver.destroy(context, instance)
        except Exception:
            LOG.exception("Could not clean up the guest of instance %s", instance.uuid)

    def _reschedule(self, context, instance, image, request_spec, filter_properties,
                    admin_password, injected_files, alternates, exc):
        # The conductor claims the alternate's allocation request, so this
        # host's allocation must go first or the instance would hold two.
        self.reportclient.delete_allocation_for_instance(context, instance.uuid)
        failed_node = instance.node
        instance.host = None
        instance.node = None
        instance.task_state = task_states.SCHEDULING
        instance.power_state = power_state.NOSTATE
        instance.save(expected_task_state=task_states.SPAWNING)
        retry = dict(filter_properties or {}).get("retry") or {}
        retry.setdefault("hosts", []).append([self.host, failed_node])
        retry["num_attempts"] = retry.get("num_attempts", 1) + 1
        retry["exc_reason"] = str(exc)
        filter_properties = dict(filter_properties or {}, retry=retry)
        LOG.info("Rescheduling instance %s to one of %d alternates",
                 instance.uuid, len(alternates))
        self.compute_task_api.build_instances(
            context, instances=[instance], image=image,
            filter_properties=filter_properties, admin_password=admin_password,
            injected_files=injected_files, request_spec=request_spec,
            host_lists=[alternates])

    @staticmethod
    def _set_error(instance, expected_task_state):
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        instance.power_state = power_state.NOSTATE
        try:
            instance.save(expected_task_state=expected_task_state)
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s changed while being set to ERROR", instance.uuid)
