"""Keeping the database's view of guests in step with the hypervisor.

``sync_power_states`` runs periodically ([DEFAULT] sync_power_state_interval)
and records the power state the hypervisor reports for each instance at
rest (no task_state). The database is the source of truth for what the
user asked, as upstream's sync: a guest that powered itself off (or
crashed, or was suspended behind nova's back) becomes SHUTOFF; a guest
running while the server is SHUTOFF is powered off again.
"""

import logging

from nova import exception, objects
from nova.compute import instance_actions, operation, power, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)

#: Power states of a guest that is not running: its server should be SHUTOFF.
_OFF = (power_state.SHUTDOWN, power_state.CRASHED)


def sync_power_states(svc, context):
    """Record each local instance's hypervisor power state and act on surprises.

    :param svc: the host's HostServices.
    :returns: the number of instances whose record changed.
    """
    changed = 0
    for instance in objects.InstanceList.get_by_host(context, svc.host):
        if instance.task_state is not None or svc.is_running(instance.uuid):
            continue
        try:
            if sync_one(svc, context, instance):
                changed += 1
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.debug("Instance %s changed during the power sync", instance.uuid)
    return changed


def sync_one(svc, context, instance):
    """Record ``instance``'s hypervisor power state; stop a guest that should be off.

    :returns: True when the instance's record changed.
    :raises UnexpectedTaskStateError: a task started meanwhile.
    :raises InstanceNotFound: the instance was deleted meanwhile.
    """
    state = operation.power_state_of(svc.driver, instance)
    if instance.vm_state == vm_states.STOPPED and state not in _OFF + (
            power_state.NOSTATE,):
        LOG.warning("Instance %s is SHUTOFF but its guest is %s; powering it off",
                    instance.uuid, power_state.STATE_MAP.get(state))
        _force_stop(svc, context, instance)
        return True
    if state == instance.power_state:
        return False
    LOG.info("Instance %s power_state %s -> %s (from the hypervisor)",
             instance.uuid, instance.power_state, state)
    instance.power_state = state
    if instance.vm_state in (vm_states.ACTIVE, vm_states.PAUSED) and (
            state in _OFF or state == power_state.SUSPENDED):
        # The guest shut itself down (or crashed): the server is SHUTOFF.
        instance.vm_state = vm_states.STOPPED
    instance.save(expected_task_state=[None])
    return True


def _force_stop(svc, context, instance):
    """Stop ``instance`` as a user's os-stop would, recorded as a stop action."""
    instance.task_state = task_states.POWERING_OFF
    instance.save(expected_task_state=[None])
    objects.InstanceAction.action_start(
        context, instance.uuid, instance_actions.STOP, want_result=False)
    power.stop_instance(svc, context, instance, clean_shutdown=False)
