"""Finishing what a restart of nova-compute interrupted.

An instance on this host with a task_state set when nova-compute starts
had an operation running (or its message was taken and lost) when the
service stopped. Its row in the server action table (the row whose
``task_state`` it is) says what to do, as upstream's init_host does per
task_state:

* RETRY: run the operation again (stop, start, reboot, delete...); each
  is safe to repeat.
* REVERT: clear the task_state and take the vm_state from what the
  hypervisor shows (a pause interrupted halfway is PAUSED or ACTIVE).
* ERROR: vm_state ERROR with a fault saying the restart interrupted it.

A build (vm_state building) on this host is retried: the half-made guest
is removed and the spawn starts over from the image, so a compute killed
in the middle of a boot storm ends with every server ACTIVE.

A task_state no row sets is reverted. Guests on the hypervisor that no
instance of this host claims are logged, not destroyed: they may belong
to another deployment sharing the hypervisor.
"""

import logging

from nova import exception, objects
from nova.compute import faults, operation, server_actions, vm_states

LOG = logging.getLogger(__name__)

#: The row of a build (a server in vm_state building).
BUILD = "POST /servers"


def recover_host(svc, context, run_operation):
    """Bring every instance of this host to a resting state after a start.

    :param svc: the host's HostServices.
    :param run_operation: callable(context, instance, row) running the
        row's operation again (the ComputeManager's RPC method of the row).
    :returns: {instance uuid: what was done ("retry", "revert", "error",
        "power")} for the instances that needed something.
    """
    done = {}
    known = set()
    for instance in objects.InstanceList.get_by_host(context, svc.host):
        known.add(instance.uuid)
        try:
            outcome = recover_instance(svc, context, instance, run_operation)
        except Exception:
            LOG.exception("Could not recover instance %s at start-up", instance.uuid)
            continue
        if outcome:
            done[instance.uuid] = outcome
    for uuid in set(svc.driver.list_instance_uuids()) - known:
        LOG.warning("Guest %s runs on the hypervisor but no instance on host %s "
                    "claims it", uuid, svc.host)
    return done


def row_for(instance):
    """Return the table row whose operation left ``instance`` in its task_state.

    A build is recognised by vm_state building; otherwise the row that sets
    the instance's task_state; None when no row does.
    """
    if instance.vm_state == vm_states.BUILDING:
        return server_actions.get(BUILD)
    rows = server_actions.rows_for_task_state(instance.task_state)
    return rows[0] if rows else None


def recover_instance(svc, context, instance, run_operation):
    """Recover one instance as its row's ``on_restart`` says.

    :returns: "retry", "revert", "error", "power" (only the power state was
        recorded) or None (nothing to do).
    """
    if instance.task_state is None and instance.vm_state != vm_states.BUILDING:
        state = operation.power_state_of(svc.driver, instance)
        if state != instance.power_state:
            instance.power_state = state
            instance.save(expected_task_state=[None])
            return "power"
        return None
    row = row_for(instance)
    policy = row.on_restart if row is not None else server_actions.REVERT
    LOG.info("Instance %s was in %s/%s when nova-compute stopped: %s",
             instance.uuid, instance.vm_state, instance.task_state, policy)
    if policy == server_actions.RETRY:
        if row.name == BUILD:
            # Whatever the interrupted spawn made goes; the build starts over.
            svc.driver.destroy(context, instance)
        run_operation(context, instance, row)
        return "retry"
    if policy == server_actions.ERROR:
        fault = exception.OperationInterrupted(
            reason=f"nova-compute on {svc.host} restarted during "
                   f"{row.instance_action or row.name}")
        faults.fail_instance(context, instance, fault, host=svc.host,
                             expected_task_state=instance.task_state)
        return "error"
    state = operation.power_state_of(svc.driver, instance)
    expected = instance.task_state
    instance.power_state = state
    instance.vm_state = operation.vm_state_for_power(instance.vm_state, state)
    instance.task_state = None
    instance.save(expected_task_state=[expected])
    return "revert"
