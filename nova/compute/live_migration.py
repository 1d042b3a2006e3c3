"""Live migration on the source and destination hosts (compute RPC 6.8).

The conductor has checked the move, made the Migration record (type
live-migration), put the source host's allocation under the migration's
uuid, claimed the destination for the instance's uuid and asked the
destination whether it can take the guest. Then, on the source host
(task_state migrating throughout, the guest running)::

    migration preparing -> pre_live_migration on the destination (call)
    migration running   -> driver.live_migration (progress saved in the
                           migration's memory_* and disk_* byte counters)
    post-migrating      -> driver.post_live_migration here, then
                           post_live_migration_at_destination (call)
    completed           -> the instance's host and node are the
                           destination's; the migration's allocation (the
                           source's) is removed

On failure the migration is "error" (an abort, DELETE
/servers/{id}/migrations/{mid}: "cancelled", no fault), the destination
removes what it prepared, and the instance holds its source allocation
again (Placement: migration -> instance, which also drops the
destination's claim). The guest never stopped running on the source.
"""

import logging

from nova import exception, objects
from nova.compute import operation

LOG = logging.getLogger(__name__)

#: The server action row of a live migration.
ROW = "os-migrateLive"


class _Monitor:
    """Saves the driver's progress counters in the Migration record."""

    def __init__(self, migration):
        self.migration = migration

    def progress(self, **counters):
        """Record the byte counters (memory_total, ..., disk_remaining)."""
        for name, value in counters.items():
            setattr(self.migration, name, value)
        try:
            self.migration.save()
        except Exception:
            # Progress is informative: a failed save must not fail the move.
            LOG.exception("Could not save the progress of migration %s",
                          self.migration.uuid)


def _set_status(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception("Could not set migration %s to %s", migration.uuid, status)


def live_migration(svc, compute_rpcapi, context, instance, dest, block_migration,
                   migration, migrate_data):
    """Move ``instance``'s running guest from this host to ``dest``.

    :param compute_rpcapi: the compute RPC client, to reach the destination.
    :param dest: the destination's host name.
    :param block_migration: resolved by the destination's check (bool).
    :param migration: the Migration (status accepted).
    :param migrate_data: the dict the destination's check returned.
    :raises: the failure, after the rollback; an abort is not a failure
        (the server is as before, the migration "cancelled").
    """
    migrate_data = dict(migrate_data or {}, block_migration=block_migration)
    with operation.instance_operation(svc, context, instance, ROW) as op:
        _set_status(migration, "preparing")
        try:
            migrate_data = compute_rpcapi.pre_live_migration(
                context, instance, dest, migrate_data)
            _set_status(migration, "running")
            svc.driver.live_migration(context, instance, dest, migrate_data,
                                      _Monitor(migration))
        except exception.LiveMigrationAborted:
            LOG.info("Live migration of instance %s to %s aborted", instance.uuid, dest)
            _rollback(svc, compute_rpcapi, context, instance, dest, migration,
                      migrate_data, "cancelled")
            op.finish()
            return
        except Exception:
            _rollback(svc, compute_rpcapi, context, instance, dest, migration,
                      migrate_data, "error")
            raise
        _set_status(migration, "post-migrating")
        _post(svc, compute_rpcapi, context, instance, dest, migration, migrate_data, op)
    LOG.info("Instance %s live-migrated from %s to %s", instance.uuid,
             migration.source_compute, dest)


def _post(svc, compute_rpcapi, context, instance, dest, migration, migrate_data, op):
    """The guest runs on ``dest``: clean up here, hand the instance over."""
    try:
        svc.driver.post_live_migration(context, instance, migrate_data)
    except Exception:
        # The guest runs on the destination already; leftovers here are
        # removed when this host next starts (the instance is not its own).
        LOG.exception("Could not clean up instance %s on %s after its live migration",
                      instance.uuid, svc.host)
    objects.ConsoleAuthToken.clean_console_auths_for_instance(context, instance.uuid)
    state = compute_rpcapi.post_live_migration_at_destination(
        context, instance, dest, migrate_data)
    svc.reportclient.delete_allocation_for_instance(context, migration.uuid)
    op.finish(host=dest, node=migration.dest_node, power_state=state,
              vm_state=operation.vm_state_for_power(instance.vm_state, state))
    _set_status(migration, "completed")


def _rollback(svc, compute_rpcapi, context, instance, dest, migration, migrate_data,
              status):
    """The guest still runs here: undo the destination, give the allocation back."""
    try:
        svc.driver.rollback_live_migration(context, instance, migrate_data)
    except Exception:
        LOG.exception("Could not roll back instance %s on %s", instance.uuid, svc.host)
    try:
        compute_rpcapi.rollback_live_migration_at_destination(
            context, instance, dest, migrate_data)
    except Exception:
        LOG.exception("Could not ask %s to roll back instance %s", dest, instance.uuid)
    try:
        svc.reportclient.move_allocations(context, migration.uuid, instance.uuid)
    except Exception:
        LOG.exception("Could not give instance %s its source allocation back",
                      instance.uuid)
    _set_status(migration, status)


def check_can_live_migrate_destination(svc, context, instance, block_migration,
                                       disk_over_commit, migration):
    """On the destination: can this host take ``instance``? Return the migrate data.

    :raises UnableToMigrateToSelf: this host is the instance's own.
    :raises MigrationPreCheckError: the driver cannot live-migrate.
    """
    if instance.host == svc.host:
        raise exception.UnableToMigrateToSelf(instance_id=instance.uuid, host=svc.host)
    if not svc.has_capability("supports_live_migration"):
        raise exception.MigrationPreCheckError(
            reason=f"the hypervisor of {svc.host} cannot live-migrate")
    data = svc.driver.check_can_live_migrate_destination(context, instance,
                                                         block_migration)
    return dict(data, dest_host=svc.host)


def pre_live_migration(svc, context, instance, migrate_data):
    """On the destination: prepare for the guest; return the migrate data."""
    return svc.driver.pre_live_migration(context, instance, dict(migrate_data or {}))


def post_live_migration_at_destination(svc, context, instance, migrate_data):
    """On the destination: the guest is here; return its power_state."""
    svc.driver.post_live_migration_at_destination(context, instance, migrate_data or {})
    return operation.power_state_of(svc.driver, instance)


def rollback_live_migration_at_destination(svc, context, instance, migrate_data):
    """On the destination: remove what pre_live_migration made."""
    if instance.host == svc.host:
        return  # never remove the guest from its own host
    try:
        svc.driver.rollback_live_migration_at_destination(context, instance,
                                                          migrate_data or {})
    except Exception:
        LOG.exception("Could not roll back instance %s on %s", instance.uuid, svc.host)


def force_complete(svc, context, instance):
    """On the source: finish the running live migration now (2.22)."""
    svc.driver.live_migration_force_complete(instance)


def abort(svc, context, instance, migration_id):
    """On the source: stop the running live migration (2.24).

    The migration thread sees it, rolls back and ends with "cancelled".
    """
    svc.driver.live_migration_abort(instance)
    LOG.info("Abort of migration %s of instance %s asked", migration_id, instance.uuid)



#: Statuses of a live migration the source host was running when it stopped.
_INTERRUPTED = ("preparing", "running")


def cleanup_interrupted(svc, compute_rpcapi, context):
    """Fail the live migrations this host was running when nova-compute stopped.

    Run at start-up, before the instances' recovery (which clears their
    task_state migrating). A migration still preparing or running had not
    handed the guest over: when the guest is still here, the migration
    becomes "error", the destination is told to remove what it prepared
    and the instance gets its source allocation back. Any other case (the
    guest is gone from here) is left to an administrator and logged.

    :param compute_rpcapi: the compute RPC client, to reach the destination.
    :returns: the uuids of the instances whose migration was failed.
    """
    migrations = objects.MigrationList.get_by_filters(
        context, {"source_compute": svc.host, "migration_type": "live-migration",
                  "status": list(_INTERRUPTED)})
    local = set(svc.driver.list_instance_uuids())
    failed = []
    for migration in migrations:
        if migration.instance_uuid not in local:
            LOG.warning("Live migration %s of instance %s was interrupted and its guest "
                        "is not on %s any more", migration.uuid, migration.instance_uuid,
                        svc.host)
            continue
        try:
            instance = objects.Instance.get_by_uuid(context, migration.instance_uuid)
            if instance.host != svc.host:
                continue
            svc.reportclient.move_allocations(context, migration.uuid, instance.uuid)
        except Exception:
            LOG.exception("Could not fail the interrupted live migration %s", migration.uuid)
            continue
        if migration.dest_compute:
            try:
                compute_rpcapi.rollback_live_migration_at_destination(
                    context, instance, migration.dest_compute, {})
            except Exception:
                LOG.exception("Could not ask %s to roll back instance %s",
                              migration.dest_compute, instance.uuid)
        _set_status(migration, "error")
        failed.append(instance.uuid)
        LOG.info("Live migration %s of instance %s was interrupted by a restart",
                 migration.uuid, instance.uuid)
    return failed
