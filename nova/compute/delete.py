"""Deleting an instance on its compute host: guest, disks, allocation, record.

The API has already moved the instance to task_state=deleting (a
compare-and-swap, so a second delete cannot race the first). Here the
guest and its disks go, then the Placement allocation, then the row is
soft-deleted; each step succeeds when its target is already gone, so a
delete interrupted by a restart is simply run again by init_host.
"""

import logging

from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import instance_actions, power_state, task_states, vm_states

LOG = logging.getLogger(__name__)

TERMINATE_EVENT = "compute_terminate_instance"


def terminate_instance(context, instance, driver, reportclient, host):
    """Remove ``instance`` from this host and mark it deleted.

    :param instance: an Instance with task_state deleting.
    :raises: the driver's error when the guest cannot be destroyed; the
        instance then stays in deleting with a fault-free record and the
        user can retry the delete.
    """
    with instance_actions.action_event(context, instance, TERMINATE_EVENT, host=host):
        driver.destroy(context, instance)
        # The guest's console is gone: its tokens must not open another
        # guest that later gets the same VNC port.
        objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
        reportclient.delete_allocation_for_instance(context, instance.uuid)
        instance.vm_state = vm_states.DELETED
        instance.task_state = None
        instance.power_state = power_state.NOSTATE
        instance.terminated_at = timeutils.utcnow()
        try:
            instance.save(expected_task_state=task_states.DELETING)
            instance.destroy()
        except exception.InstanceNotFound:
            LOG.info("Instance %s was already deleted", instance.uuid)
    LOG.info("Instance %s deleted from %s", instance.uuid, host)
