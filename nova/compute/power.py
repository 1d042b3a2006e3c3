"""Power operations on this host: stop, start, reboot, pause, suspend, crash dump.

Each function is one compute RPC method (API 6.3) and one row of the
server action table; ``operation.instance_operation`` does the event,
notifications and failure handling, so each body is the driver call and
the state it ends in. States are upstream's: stop ends SHUTOFF (vm_state
stopped), pause PAUSED, suspend SUSPENDED; start, unpause, resume and
reboot end ACTIVE.
"""

import logging

from nova import conf as nova_conf
from nova import exception
from nova.compute import operation, power_state, vm_states

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


def shutdown_timeout(instance, clean_shutdown=True):
    """Seconds the guest gets to shut down cleanly; 0 means power off at once.

    The image's os_shutdown_timeout property (kept in system metadata as
    image_os_shutdown_timeout) wins over [DEFAULT] shutdown_timeout, as
    upstream.
    """
    if not clean_shutdown:
        return 0
    sysmeta = instance.system_metadata if instance.obj_attr_is_set(
        "system_metadata") else {}
    try:
        return int(sysmeta.get("image_os_shutdown_timeout") or CONF.shutdown_timeout)
    except ValueError:
        return CONF.shutdown_timeout


def _finish(svc, op, instance, vm_state):
    op.finish(vm_state=vm_state, power_state=operation.power_state_of(svc.driver, instance))


def stop_instance(svc, context, instance, clean_shutdown=True):
    """Shut the guest down (ACPI, then power off after the timeout); SHUTOFF."""
    with operation.instance_operation(svc, context, instance, "os-stop") as op:
        svc.driver.power_off(instance, shutdown_timeout(instance, clean_shutdown),
                             retry_interval=1)
        _finish(svc, op, instance, vm_states.STOPPED)


def start_instance(svc, context, instance):
    """Power the stopped guest on; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "os-start") as op:
        svc.driver.power_on(context, instance)
        _finish(svc, op, instance, vm_states.ACTIVE)


def reboot_instance(svc, context, instance, reboot_type="SOFT"):
    """Reboot the guest; ACTIVE.

    :param reboot_type: "SOFT" (the guest shuts down on the ACPI button and
        starts again; the driver falls back to HARD when it does not) or
        "HARD" (power-cycle from the domain's definition).
    """
    name = "reboot:HARD" if reboot_type == "HARD" else "reboot:SOFT"
    with operation.instance_operation(svc, context, instance, name) as op:
        svc.driver.reboot(context, instance, reboot_type)
        state = operation.power_state_of(svc.driver, instance)
        if state != power_state.RUNNING:
            raise exception.InstanceRebootFailure(
                reason=f"the guest is {power_state.STATE_MAP.get(state)} after the reboot")
        op.finish(vm_state=vm_states.ACTIVE, power_state=state)


def pause_instance(svc, context, instance):
    """Pause the guest in memory; PAUSED."""
    with operation.instance_operation(svc, context, instance, "pause") as op:
        svc.driver.pause(instance)
        _finish(svc, op, instance, vm_states.PAUSED)


def unpause_instance(svc, context, instance):
    """Let a paused guest run again; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "unpause") as op:
        svc.driver.unpause(instance)
        _finish(svc, op, instance, vm_states.ACTIVE)


def suspend_instance(svc, context, instance):
    """Save the guest's memory to disk and stop it; SUSPENDED."""
    with operation.instance_operation(svc, context, instance, "suspend") as op:
        svc.driver.suspend(context, instance)
        _finish(svc, op, instance, vm_states.SUSPENDED)


def resume_instance(svc, context, instance):
    """Restore a suspended guest from its saved memory; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "resume") as op:
        svc.driver.resume(context, instance)
        _finish(svc, op, instance, vm_states.ACTIVE)


def trigger_crash_dump(svc, context, instance):
    """Inject an NMI into the guest (its kernel decides what to do); no state change."""
    with operation.instance_operation(svc, context, instance, "trigger_crash_dump"):
        svc.driver.trigger_crash_dump(instance)
