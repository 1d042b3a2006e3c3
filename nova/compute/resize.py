"""Resize and cold migration on the two hosts of a move (compute RPC 6.7).

The conductor (nova.conductor.tasks.migrate) created the Migration
("pre-migrating"), moved the instance's allocation on the source host to
the migration's uuid, had the scheduler claim the destination for the
instance's uuid, and sent ``prep_resize`` to the destination. Then:

1. destination ``prep_resize``: records itself in the migration and
   sends ``resize_instance`` to the source;
2. source ``resize_instance``: "migrating", the guest is powered off and
   its disk handed over, "post-migrating", ``finish_resize`` to the
   destination (task_states resize_migrating, resize_migrated);
3. destination ``finish_resize``: the instance's host, node and flavor
   become the new ones, the guest is defined there and started (when it
   ran before); migration "finished"; vm_state resized (VERIFY_RESIZE).

confirmResize goes to the source (``confirm_resize``): the old guest and
the migration's allocation go; "confirmed". revertResize goes to the
destination (``revert_resize``): the new guest goes, the migration's
allocation is the instance's again, then the source
(``finish_revert_resize``) takes the instance back with its old flavor;
"reverted".

A failure on the destination after the source let go of its guest
(``finish_resize``) sends the instance back the same way: it ends ACTIVE
(or SHUTOFF) on its source with a fault, the migration "error", and only
its source allocation. A failure before (prep_resize, resize_instance)
gives the allocation back at once; the server keeps its state with a
fault.
"""

import logging

from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import (
    faults,
    instance_actions,
    operation,
    power,
    power_state,
    server_actions,
    task_states,
    vm_states,
)

LOG = logging.getLogger(__name__)

#: sysmeta key: the vm_state before the move (a stopped server stays stopped).
OLD_VM_STATE = "old_vm_state"


def _row_name(migration):
    return "resize" if migration.migration_type == "resize" else "migrate"


def _set_migration(migration, status, **fields):
    for name, value in fields.items():
        setattr(migration, name, value)
    migration.status = status
    migration.save()


def give_back_source_allocation(svc, context, instance, migration):
    """Drop the destination's allocation; the source's becomes the instance's again.

    Never raises: an allocation that cannot be moved is logged (the
    migration's uuid then still holds it and an operator can see it).
    """
    try:
        svc.reportclient.move_allocations(context, migration.uuid, instance.uuid)
    except Exception:
        LOG.exception("Could not give the source allocation of migration %s back to "
                      "instance %s", migration.uuid, instance.uuid)


def _fail_before_handover(svc, context, instance, migration):
    """Undo a move that failed before the source let go of its guest."""
    give_back_source_allocation(svc, context, instance, migration)
    try:
        _set_migration(migration, "error")
    except Exception:
        LOG.exception("Could not mark migration %s as failed", migration.uuid)
    instance.old_flavor = None
    instance.new_flavor = None


def prep_resize(svc, context, instance, flavor, migration, compute_rpcapi,
                node=None, clean_shutdown=True, host_list=None):
    """Destination: accept the move and ask the source to hand the guest over.

    When this host cannot take it, the move goes on to the next alternate
    of ``host_list`` whose allocation can still be claimed (as a build
    reschedules); with none left the source allocation is the instance's
    again, the migration "error" and the server keeps its state with a fault.

    :param flavor: the flavor the instance moves to.
    :param migration: its Migration ("pre-migrating").
    :param compute_rpcapi: the compute RPC client (to reach the source).
    :param node: the node the scheduler chose here.
    :param host_list: the scheduler's Selections, this host first, then
        the alternates not tried yet.
    """
    with operation.instance_operation(svc, context, instance,
                                      _row_name(migration)) as op:
        try:
            if not svc.has_capability("supports_migrate"):
                raise exception.UnsupportedByDriver(action="resize",
                                                    capability="supports_migrate")
            _set_migration(migration, "pre-migrating", dest_compute=svc.host,
                           dest_host=svc.driver.get_host_ip_addr(),
                           dest_node=node or svc.host)
            compute_rpcapi.resize_instance(context, instance, migration, flavor,
                                           clean_shutdown=clean_shutdown)
        except Exception as exc:
            if _reschedule(svc, context, instance, flavor, migration, compute_rpcapi,
                           clean_shutdown, list(host_list or [])[1:], exc):
                raise exception.RescheduledException(
                    instance_uuid=instance.uuid, reason=str(exc)) from exc
            _fail_before_handover(svc, context, instance, migration)
            raise
        op.finished = True


def _reschedule(svc, context, instance, flavor, migration, compute_rpcapi,
                clean_shutdown, alternates, exc):
    """Send the move to the first alternate whose claim succeeds; True if one did."""
    # This host's claim is of no use now; the source's stays the migration's.
    svc.reportclient.delete_allocation_for_instance(context, instance.uuid)
    while alternates:
        selection = alternates.pop(0)
        request = jsonutils.loads(selection.allocation_request or "null")
        if not request or not svc.reportclient.claim_resources(
                context, instance.uuid, request, instance.project_id, instance.user_id):
            continue
        LOG.warning("Move of instance %s failed on %s (%s); trying %s", instance.uuid,
                    svc.host, exc, selection.service_host)
        compute_rpcapi.prep_resize(
            context, instance, selection.service_host, flavor, migration,
            node=selection.nodename, clean_shutdown=clean_shutdown,
            host_list=[selection] + alternates)
        return True
    return False


def resize_instance(svc, context, instance, migration, flavor, compute_rpcapi,
                    clean_shutdown=True):
    """Source: power the guest off and hand its disk to the destination."""
    with instance_actions.action_event(context, instance, "compute_resize_instance",
                                       host=svc.host):
        row = server_actions.get(_row_name(migration))
        try:
            _set_migration(migration, "migrating")
            instance.task_state = task_states.RESIZE_MIGRATING
            instance.save(expected_task_state=[task_states.RESIZE_PREP])
            sysmeta = dict(instance.system_metadata)
            sysmeta[OLD_VM_STATE] = instance.vm_state
            instance.system_metadata = sysmeta
            disk_info = svc.driver.migrate_disk_and_power_off(
                context, instance, migration.dest_host or migration.dest_compute, flavor,
                timeout=power.shutdown_timeout(instance, clean_shutdown), retry_interval=1)
            _set_migration(migration, "post-migrating")
            instance.task_state = task_states.RESIZE_MIGRATED
            instance.save(expected_task_state=[task_states.RESIZE_MIGRATING])
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            _fail_before_handover(svc, context, instance, migration)
            raise
        except Exception as exc:
            _fail_before_handover(svc, context, instance, migration)
            # The guest may have been powered off before the failure.
            operation.fail_operation(context, instance, row, exc, host=svc.host,
                                     power=operation.power_state_of(svc.driver, instance))
            raise
    compute_rpcapi.finish_resize(context, instance, migration, disk_info)


def finish_resize(svc, context, instance, migration, disk_info, compute_rpcapi):
    """Destination: take the instance over with its new flavor; VERIFY_RESIZE."""
    with instance_actions.action_event(context, instance, "compute_finish_resize",
                                       host=svc.host):
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE, vm_states.ACTIVE)
        try:
            instance.task_state = task_states.RESIZE_FINISH
            instance.save(expected_task_state=[task_states.RESIZE_MIGRATED])
            instance.host = svc.host
            instance.node = migration.dest_node
            instance.flavor = instance.new_flavor
            instance.save()
            allocations = svc.reportclient.get_allocations_for_consumer(
                context, instance.uuid)
            image = objects.ImageMeta.from_instance(instance).to_dict()
            svc.driver.finish_migration(
                context, migration, instance, disk_info, None, image,
                migration.old_instance_type_id != migration.new_instance_type_id,
                allocations, power_on=old_vm_state != vm_states.STOPPED)
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            raise
        except Exception as exc:
            _send_back(svc, context, instance, migration, exc, compute_rpcapi)
            raise
        _set_migration(migration, "finished")
        instance.vm_state = vm_states.RESIZED
        instance.task_state = None
        instance.power_state = operation.power_state_of(svc.driver, instance)
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=[task_states.RESIZE_FINISH])
    LOG.info("Instance %s moved from %s to %s; waiting for confirmation",
             instance.uuid, migration.source_compute, svc.host)


def _send_back(svc, context, instance, migration, exc, compute_rpcapi):
    """finish_resize failed here: clean up and return the instance to its source."""
    LOG.error("Move of instance %s failed on %s: %s", instance.uuid, svc.host, exc)
    faults.add_instance_fault_from_exc(context, instance, exc, host=svc.host)
    try:
        svc.driver.destroy(context, instance)
    except Exception:
        LOG.exception("Could not remove the half-moved guest of %s", instance.uuid)
    give_back_source_allocation(svc, context, instance, migration)
    _set_migration(migration, "error")
    instance.task_state = task_states.RESIZE_REVERTING
    instance.save()
    compute_rpcapi.finish_revert_resize(context, instance, migration)


def confirm_resize(svc, context, instance, migration):
    """Source: remove the old guest and the migration's allocation; ACTIVE."""
    with operation.instance_operation(svc, context, instance, "confirmResize") as op:
        svc.driver.confirm_migration(context, migration, instance)
        svc.reportclient.delete_allocation_for_instance(context, migration.uuid)
        _set_migration(migration, "confirmed")
        sysmeta = dict(instance.system_metadata)
        sysmeta.pop(OLD_VM_STATE, None)
        state = instance.power_state
        op.finish(vm_state=vm_states.STOPPED if state == power_state.SHUTDOWN
                  else vm_states.ACTIVE,
                  old_flavor=None, new_flavor=None, system_metadata=sysmeta)
    LOG.info("Move of instance %s to %s confirmed", instance.uuid, migration.dest_compute)


def revert_resize(svc, context, instance, migration, compute_rpcapi):
    """Destination: remove the new guest, give the source allocation back."""
    with operation.instance_operation(svc, context, instance, "revertResize") as op:
        svc.driver.destroy(context, instance)
        give_back_source_allocation(svc, context, instance, migration)
        compute_rpcapi.finish_revert_resize(context, instance, migration)
        op.finished = True


def finish_revert_resize(svc, context, instance, migration):
    """Source: the instance is here again with its old flavor; ACTIVE or SHUTOFF.

    Ends a revertResize, or a move that failed on the destination (its
    migration is "error" and stays so).
    """
    with instance_actions.action_event(context, instance, "compute_finish_revert_resize",
                                       host=svc.host):
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE, vm_states.ACTIVE)
        sysmeta = dict(instance.system_metadata)
        sysmeta.pop(OLD_VM_STATE, None)
        try:
            instance.host = migration.source_compute
            instance.node = migration.source_node
            if instance.old_flavor is not None:
                instance.flavor = instance.old_flavor
            svc.driver.finish_revert_migration(
                context, instance, migration=migration,
                power_on=old_vm_state != vm_states.STOPPED)
        except Exception as exc:
            faults.add_instance_fault_from_exc(context, instance, exc, host=svc.host)
            faults.set_error(instance, expected_task_state=[task_states.RESIZE_REVERTING])
            raise
        if migration.status != "error":
            _set_migration(migration, "reverted")
        instance.old_flavor = None
        instance.new_flavor = None
        instance.system_metadata = sysmeta
        instance.power_state = operation.power_state_of(svc.driver, instance)
        instance.vm_state = (vm_states.STOPPED if old_vm_state == vm_states.STOPPED
                             else vm_states.ACTIVE)
        instance.task_state = None
        instance.save(expected_task_state=[task_states.RESIZE_REVERTING])
    LOG.info("Instance %s is back on %s", instance.uuid, svc.host)


def confirm_expired(svc, context, confirm_window, start_confirm):
    """Confirm the moves to this host waiting longer than ``confirm_window`` s.

    The periodic task of [DEFAULT] resize_confirm_window; each confirm is
    recorded as a confirmResize action, as if the user asked.

    :param start_confirm: callable(context, instance, migration) that
        starts the confirm (sets the task_state, records the action,
        sends confirm_resize to the source).
    :returns: the uuids of the instances confirmed.
    """
    if confirm_window <= 0:
        return []
    done = []
    for migration in objects.MigrationList.get_unconfirmed_by_dest_compute(
            context, confirm_window, svc.host):
        try:
            instance = objects.Instance.get_by_uuid(
                context, migration.instance_uuid,
                expected_attrs=["system_metadata", "flavor", "old_flavor", "new_flavor"])
            if instance.vm_state != vm_states.RESIZED or instance.task_state is not None:
                continue
            start_confirm(context, instance, migration)
            done.append(instance.uuid)
        except (exception.InstanceNotFound, exception.UnexpectedTaskStateError):
            LOG.info("Instance of migration %s changed before its automatic confirm",
                     migration.uuid)
        except Exception:
            LOG.exception("Could not confirm migration %s", migration.uuid)
    return done
