"""Instance faults: why an instance went to ERROR, as `openstack server show` shows it."""

import logging
import traceback

from nova import exception, objects
from nova.compute import vm_states

LOG = logging.getLogger(__name__)

#: Longest message stored (instance_faults.message is 255 characters).
MAX_MESSAGE = 255


def add_instance_fault_from_exc(context, instance, fault, exc_info=None, host=None):
    """Store ``fault`` (an exception) as the instance's newest fault.

    :param exc_info: sys.exc_info() triple; its traceback goes to details
        for administrators, as upstream does.
    :returns: the created InstanceFault, or None when storing it failed
        (logged; the caller is usually already on an error path).
    """
    code = getattr(fault, "code", 500)
    if isinstance(fault, exception.NovaException):
        message = fault.format_message()
    else:
        message = type(fault).__name__
    details = str(fault)
    if exc_info and exc_info[2] is not None:
        details += "\n" + "".join(traceback.format_tb(exc_info[2]))
    try:
        record = objects.InstanceFault(
            context, instance_uuid=instance.uuid, code=int(code),
            message=message[:MAX_MESSAGE], details=details, host=host)
        record.create()
        return record
    except Exception:
        LOG.exception("Could not record a fault for instance %s", instance.uuid)
        return None


def set_error(instance, expected_task_state):
    """Put ``instance`` in vm_state ERROR with no task (compare-and-swap).

    :param expected_task_state: the task_state the caller holds (a value or
        a list); when someone else changed it (a delete started), the
        instance is left to them.
    :returns: True when the instance is now in ERROR, False when it
        changed or vanished meanwhile (logged).
    """
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    expected = expected_task_state if isinstance(expected_task_state, (list, tuple)) \
        else [expected_task_state]
    try:
        instance.save(expected_task_state=list(expected))
        return True
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        LOG.info("Instance %s changed while being set to ERROR", instance.uuid)
        return False


def fail_instance(context, instance, fault, exc_info=None, host=None,
                  expected_task_state=None):
    """Record ``fault`` and set ERROR: the one way a failed instance is buried.

    :param expected_task_state: as ``set_error``.
    :returns: as ``set_error``.
    """
    add_instance_fault_from_exc(context, instance, fault, exc_info, host=host)
    return set_error(instance, expected_task_state)
