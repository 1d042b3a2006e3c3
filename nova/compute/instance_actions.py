"""Instance actions and their events: the record `openstack server event list` shows.

Action names are upstream's; ``action_event`` wraps one step of an action
so its event finishes as Success or Error (with the traceback) whatever
happens inside.
"""

import contextlib
import logging
import sys
import traceback

from nova import exception, objects

LOG = logging.getLogger(__name__)

CREATE = "create"
DELETE = "delete"
STOP = "stop"
START = "start"
REBOOT = "reboot"
SHELVE_OFFLOAD = "shelveOffload"


@contextlib.contextmanager
def action_event(context, instance, event_name, host=None):
    """Record ``event_name`` on the instance's current action around a block.

    :param instance: the Instance being acted on.
    :param event_name: upstream's name, e.g. "compute__do_build_and_run_instance".
    The event starts before the block and finishes after it; an exception in
    the block finishes it as "Error" with the traceback and propagates.
    """
    try:
        objects.InstanceActionEvent.event_start(
            context, instance.uuid, event_name, want_result=False, host=host)
    except Exception:
        # The record is secondary: a missing action must not stop the work.
        LOG.exception("Could not start instance action event %s for %s",
                      event_name, instance.uuid)
    try:
        yield
    except BaseException:
        exc_type, exc_val, exc_tb = sys.exc_info()
        _finish(context, instance, event_name, exc_val, exc_tb)
        raise
    else:
        _finish(context, instance, event_name, None, None)


def _finish(context, instance, event_name, exc_val, exc_tb):
    if exc_val is not None:
        # Exceptions and tracebacks do not cross RPC: send their text.
        exc_tb = "".join(traceback.format_exception(type(exc_val), exc_val, exc_tb))
        exc_val = exc_val.format_message() if isinstance(
            exc_val, exception.NovaException) else (str(exc_val) or type(exc_val).__name__)
    try:
        objects.InstanceActionEvent.event_finish_with_failure(
            context, instance.uuid, event_name, exc_val=exc_val, exc_tb=exc_tb,
            want_result=False)
    except Exception:
        # The record is secondary: never let it hide the real outcome.
        LOG.exception("Could not finish instance action event %s for %s",
                      event_name, instance.uuid)
