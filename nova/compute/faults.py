"""Instance faults: why an instance went to ERROR, as `openstack server show` shows it."""

import logging
import traceback

from nova import exception, objects

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
