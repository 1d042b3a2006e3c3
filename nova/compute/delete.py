"""Deleting an instance on its compute host: guest, disks, allocation, record.

The API has already moved the instance to task_state=deleting (a
compare-and-swap, so a second delete cannot race the first). Here the
guest and its disks go, then the console tokens and the Placement
allocation, then the row is soft-deleted; each step succeeds when its
target is already gone, so a delete interrupted by a restart is simply
run again by the start-up recovery. A delete that fails leaves the
server in ERROR with a fault; deleting it again retries.
"""

import logging

from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import operation, power_state, vm_states

LOG = logging.getLogger(__name__)

#: The server action table's row of a delete.
DELETE = "DELETE /servers/{server_id}"


def terminate_instance(svc, context, instance):
    """Remove ``instance`` from this host and mark it deleted.

    :param svc: the host's HostServices.
    :param instance: an Instance with task_state deleting.
    :raises: the driver's error when the guest cannot be destroyed, after
        the instance was set to ERROR with a fault.
    """
    with operation.instance_operation(svc, context, instance, DELETE) as op:
        svc.driver.destroy(context, instance)
        # The guest's console is gone: its tokens must not open another
        # guest that later gets the same VNC port.
        objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
        svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
        try:
            op.finish(vm_state=vm_states.DELETED, power_state=power_state.NOSTATE,
                      terminated_at=timeutils.utcnow())
            instance.destroy()
        except exception.InstanceNotFound:
            LOG.info("Instance %s was already deleted", instance.uuid)
    LOG.info("Instance %s deleted from %s", instance.uuid, svc.host)
