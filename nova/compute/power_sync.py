"""Keeping the database's view of guests in step with the hypervisor.

``sync_power_states`` runs periodically ([DEFAULT] sync_power_state_interval)
and records the power state the hypervisor reports. ``reconcile_on_start``
runs once in init_host: it finishes deletes and fails builds that a
restart interrupted, so no instance stays in a transitional state forever.
"""

import logging

from nova import exception, objects
from nova.compute import delete, faults, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)


def _hypervisor_state(driver, instance):
    try:
        return driver.get_info(instance).state
    except exception.InstanceNotFound:
        return power_state.NOSTATE


def sync_power_states(context, host, driver):
    """Record each local instance's hypervisor power state.

    Instances in the middle of an action (task_state set) are skipped: the
    action owns their state. An ACTIVE instance whose guest is off becomes
    STOPPED, as upstream's sync does when the guest shut itself down.
    :returns: the number of instances whose record changed.
    """
    changed = 0
    for instance in objects.InstanceList.get_by_host(context, host):
        if instance.task_state is not None:
            continue
        state = _hypervisor_state(driver, instance)
        if state == instance.power_state:
            continue
        LOG.info("Instance %s power_state %s -> %s (from the hypervisor)",
                 instance.uuid, instance.power_state, state)
        instance.power_state = state
        if instance.vm_state == vm_states.ACTIVE and state in (
                power_state.SHUTDOWN, power_state.CRASHED):
            instance.vm_state = vm_states.STOPPED
        try:
            instance.save(expected_task_state=[None])
            changed += 1
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.debug("Instance %s changed during the power sync", instance.uuid)
    return changed


def reconcile_on_start(context, host, driver, reportclient):
    """Bring this host's instances to a resting state after a restart.

    * task_state deleting: finish the delete.
    * vm_state building (spawning/scheduling): the build died with the
      service; set ERROR with a fault and remove the half-made guest.
    * everything else: record the hypervisor's power state.
    Guests on the hypervisor with no live instance are logged for the
    operator, not destroyed: they may belong to another deployment.
    """
    known = set()
    for instance in objects.InstanceList.get_by_host(context, host):
        known.add(instance.uuid)
        try:
            if instance.task_state == task_states.DELETING:
                delete.terminate_instance(context, instance, driver, reportclient, host)
            elif instance.vm_state == vm_states.BUILDING:
                _fail_interrupted_build(context, instance, driver, host)
            else:
                state = _hypervisor_state(driver, instance)
                if state != instance.power_state:
                    instance.power_state = state
                    instance.save()
        except Exception:
            LOG.exception("Could not reconcile instance %s at start-up", instance.uuid)
    for uuid in set(driver.list_instance_uuids()) - known:
        LOG.warning("Guest %s runs on the hypervisor but no instance on host %s "
                    "claims it", uuid, host)


def _fail_interrupted_build(context, instance, driver, host):
    driver.destroy(context, instance)
    fault = exception.BuildAbortException(
        instance_uuid=instance.uuid, reason="the compute service restarted during the build")
    faults.add_instance_fault_from_exc(context, instance, fault, host=host)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.power_state = power_state.NOSTATE
    instance.save()
