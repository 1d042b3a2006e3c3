"""Events other services send about this host's servers (os-server-external-events).

nova-api accepts them and casts each host its own (compute RPC
external_instance_event). What they mean here:

* ``power-update``: something outside nova changed the guest's power;
  the instance's power state is read from the hypervisor at once instead
  of at the next power sync (nova.compute.power_sync), when no task runs.
* ``network-*``, ``volume-*``, ``accelerator-request-bound``: nothing on
  this host waits for them (no Network, Block Storage or accelerator
  service is wired in), so they are logged and dropped.
"""

import logging

from nova import exception
from nova.compute import power_sync

LOG = logging.getLogger(__name__)


def handle(svc, context, instances, events):
    """Act on ``events`` about ``instances`` (all on this host).

    :param instances: Instance objects named by the events.
    :param events: dicts with name, server_uuid, status and optional tag.
    """
    by_uuid = {instance.uuid: instance for instance in instances}
    for event in events:
        instance = by_uuid.get(event["server_uuid"])
        if instance is None or instance.host != svc.host:
            LOG.warning("Event %s for instance %s, which is not on this host; dropped",
                        event["name"], event["server_uuid"])
            continue
        if event["name"] == "power-update":
            if instance.task_state is not None:
                LOG.info("Power update for instance %s ignored: task %s is running",
                         instance.uuid, instance.task_state)
                continue
            try:
                power_sync.sync_one(svc, context, instance)
            except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
                LOG.debug("Instance %s changed during the power update", instance.uuid)
            continue
        LOG.info("Event %s (%s, tag %s) for instance %s: nothing waits for it here",
                 event["name"], event["status"], event.get("tag"), instance.uuid)
