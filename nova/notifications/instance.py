"""Sending versioned notifications about instances.

Event types and payload names are upstream's: ``instance.<action>.<phase>``
(phase "start", "end" or "error") with an ``InstanceActionPayload`` (or a
subclass) from the service that did the work ("nova-compute:<host>",
"nova-api:<host>").
"""

import logging

from nova import conf as nova_conf
from nova import rpc
from nova.notifications import payloads

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

START = "start"
END = "end"
ERROR = "error"


def versioned_enabled():
    """True when [notifications] notification_format sends versioned ones."""
    return CONF.notifications.notification_format in ("versioned", "both")


def notify_about_instance_action(context, instance, host, action, phase, fault=None,
                                 binary="nova-compute",
                                 payload_cls=payloads.InstanceActionPayload, **extra):
    """Send ``instance.<action>.<phase>`` about ``instance``.

    :param host: the sending service's host (publisher "<binary>:<host>").
    :param action: upstream's action part, e.g. "power_off", "reboot".
    :param phase: START, END or ERROR (ERROR is sent at priority ERROR).
    :param fault: the exception of an ERROR notification.
    :param payload_cls: InstanceActionPayload or a subclass; ``extra``
        fills the fields it adds.
    Never raises: a notification that cannot be built or sent is logged,
    the action it reports goes on.
    """
    if not versioned_enabled() or not rpc.initialized():
        return
    event_type = f"instance.{action}.{phase}"
    try:
        payload = payload_cls.from_instance(context, instance, fault=fault, **extra)
        notifier = rpc.get_versioned_notifier(f"{binary}:{host}")
        send = notifier.error if phase == ERROR else notifier.info
        send(context, event_type, payload)
    except Exception:
        LOG.exception("Could not send notification %s for instance %s",
                      event_type, instance.uuid)
