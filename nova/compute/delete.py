"""Deleting an instance on its compute host: guest, disks, allocation, record.

The API has already moved the instance to task_state=deleting (a
compare-and-swap, so a second delete cannot race the first). Here the
guest and its disks go, then the console tokens and the Placement
allocation, then the row is soft-deleted; each step succeeds when its
target is already gone, so a delete interrupted by a restart is simply
run again by the start-up recovery. A delete that fails leaves the
server in ERROR with a fault; deleting it again retries.

With [DEFAULT] reclaim_instance_interval set, a delete is a soft delete:
the guest is powered off and the server is SOFT_DELETED, restorable, until
the periodic reclaim deletes it for good.
"""

import datetime
import logging

from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import (
    instance_actions,
    operation,
    power,
    power_state,
    snapshot_meta,
    task_states,
    vm_states,
)

LOG = logging.getLogger(__name__)

#: The server action table's rows of a delete and of a soft delete.
DELETE = "DELETE /servers/{server_id}"
SOFT_DELETE = "DELETE /servers/{server_id}:SOFT"


def terminate_instance(svc, context, instance):
    """Remove ``instance`` from this host and mark it deleted.

    :param svc: the host's HostServices.
    :param instance: an Instance with task_state deleting.
    :raises: the driver's error when the guest cannot be destroyed, after
        the instance was set to ERROR with a fault.
    """
    with operation.instance_operation(svc, context, instance, DELETE) as op:
        network_info = _network_info(svc, context, instance)
        svc.driver.destroy(context, instance, network_info=network_info)
        svc.driver.unplug_vifs(instance, network_info)
        if svc.network_api is not None:
            svc.network_api.deallocate_for_instance(context, instance)
        # The guest's console is gone: its tokens must not open another
        # guest that later gets the same VNC port.
        objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
        svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
        end_moves(svc, context, instance)
        snapshot_meta.delete_shelved_image(svc.image_api, context, instance)
        try:
            op.finish(vm_state=vm_states.DELETED, power_state=power_state.NOSTATE,
                      terminated_at=timeutils.utcnow())
            instance.destroy()
        except exception.InstanceNotFound:
            LOG.info("Instance %s was already deleted", instance.uuid)
    LOG.info("Instance %s deleted from %s", instance.uuid, svc.host)


def _network_info(svc, context, instance):
    """The instance's network_info from the network service ([] without one)."""
    if svc.network_api is None:
        return []
    return svc.network_api.get_instance_nw_info(context, instance)


def soft_delete_instance(svc, context, instance):
    """Power the guest off and keep it restorable; SOFT_DELETED.

    Used when [DEFAULT] reclaim_instance_interval is positive; the guest
    and its disks stay until ``reclaim_queued_deletes`` removes them.
    """
    with operation.instance_operation(svc, context, instance, SOFT_DELETE) as op:
        svc.driver.power_off(instance, power.shutdown_timeout(instance), retry_interval=1)
        op.finish(vm_state=vm_states.SOFT_DELETED,
                  power_state=operation.power_state_of(svc.driver, instance),
                  terminated_at=timeutils.utcnow())


def restore_instance(svc, context, instance):
    """Power a soft-deleted server's guest on again; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "restore") as op:
        svc.driver.power_on(context, instance)
        op.finish(vm_state=vm_states.ACTIVE,
                  power_state=operation.power_state_of(svc.driver, instance),
                  terminated_at=None)


def reclaim_queued_deletes(svc, context, interval):
    """Delete for good the soft-deleted servers of this host older than ``interval``.

    :param interval: [DEFAULT] reclaim_instance_interval, seconds.
    :returns: the uuids deleted.
    """
    cutoff = timeutils.utcnow() - datetime.timedelta(seconds=interval)
    reclaimed = []
    for instance in objects.InstanceList.get_by_filters(
            context, {"host": svc.host, "vm_state": [vm_states.SOFT_DELETED],
                      "task_state": [None], "deleted": False, "soft_deleted": True}):
        if instance.terminated_at and instance.terminated_at.replace(tzinfo=None) > cutoff:
            continue
        try:
            instance.task_state = task_states.DELETING
            instance.save(expected_task_state=[None])
            objects.InstanceAction.action_start(
                context, instance.uuid, instance_actions.DELETE, want_result=False)
            terminate_instance(svc, context, instance)
            reclaimed.append(instance.uuid)
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s changed while being reclaimed", instance.uuid)
        except Exception:
            LOG.exception("Could not reclaim instance %s", instance.uuid)
    return reclaimed


#: Migration types whose source guest a delete must not leave behind.
_COLD_MOVES = ("resize", "migration")


def end_moves(svc, context, instance):
    """End the unfinished resizes and cold migrations of an instance being deleted.

    A move waiting for confirmation left the guest and an allocation (held
    by the migration's uuid) on its source: the source is asked to confirm
    it, which removes both. Any other unfinished move only has its
    allocation removed and is marked "error". Never raises.
    """
    try:
        moves = objects.MigrationList.get_in_progress_by_instance(context, instance.uuid)
    except Exception:
        LOG.exception("Could not read the moves of instance %s", instance.uuid)
        return
    for migration in moves:
        if migration.migration_type not in _COLD_MOVES:
            continue
        try:
            remote = migration.source_compute != svc.host
            if migration.status == "finished" and remote and svc.compute_rpcapi:
                migration.status = "confirming"
                migration.save()
                svc.compute_rpcapi.confirm_resize(context, instance, migration)
                continue
            svc.reportclient.delete_allocation_for_instance(context, migration.uuid)
            migration.status = "error"
            migration.save()
        except Exception:
            LOG.exception("Could not end migration %s of deleted instance %s",
                          migration.uuid, instance.uuid)
