"""Evacuation: a server of a dead host rebuilt on this one (compute RPC 6.8).

The API checked that the server's host has its nova-compute down (or
forced down) and made the Migration (type evacuation, status accepted);
the conductor chose this host (or took the forced one), put the old
host's allocation under the migration's uuid and claimed this host for
the instance. Here the guest is made anew from the server's image:

    rebuilding -> rebuild_spawning -> the vm_state it had (ACTIVE, or
    SHUTOFF for a stopped server; SHUTOFF always from 2.95)

and the migration is "done". A failure leaves the server in ERROR here
with a fault, the migration "failed".

The old host knows nothing of it until its nova-compute starts again:
then ``cleanup_evacuated`` (from init_host) destroys the guests that were
evacuated from it, removes the migrations' allocations (the old host's
usage) and marks the migrations "completed".
"""

import logging

from oslo_utils import timeutils

from nova import exception, objects
from nova.compute import operation, task_states, vm_states

LOG = logging.getLogger(__name__)

#: The server action row of an evacuation.
ROW = "evacuate"

#: Statuses of an evacuation whose old host still has leftovers to remove.
_TO_CLEAN = ("accepted", "pre-migrating", "done", "failed")


def _set_status(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception("Could not set migration %s to %s", migration.uuid, status)


def evacuate_instance(svc, context, instance, image, new_pass, migration, node,
                      target_state=None):
    """Rebuild ``instance`` here from ``image``, as the host it now lives on.

    :param image: the server's image, Glance metadata dict (looked up
        from ``instance.image_ref`` when None or only an id).
    :param new_pass: the admin password for drivers that set one.
    :param migration: the evacuation's Migration.
    :param node: this host's node the scheduler chose.
    :param target_state: vm_state to end in ("stopped" from 2.95), or
        None to keep the server's (a stopped server stays stopped).
    :raises: the driver's error, after the server is set to ERROR and the
        migration to "failed".
    """
    stopped = (target_state or instance.vm_state) == vm_states.STOPPED
    try:
        with operation.instance_operation(svc, context, instance, ROW) as op:
            op.save(host=svc.host, node=node, launched_on=svc.host,
                    task_state=task_states.REBUILD_SPAWNING)
            if not image or "disk_format" not in image:
                image = svc.image_api.show(context, instance.image_ref)
            allocations = svc.reportclient.get_allocations_for_consumer(
                context, instance.uuid)
            svc.driver.spawn(context, instance, image, [], new_pass, allocations)
            if stopped:
                svc.driver.power_off(instance)
            op.finish(vm_state=vm_states.STOPPED if stopped else vm_states.ACTIVE,
                      power_state=operation.power_state_of(svc.driver, instance),
                      launched_at=timeutils.utcnow())
    except Exception:
        _set_status(migration, "failed")
        raise
    _set_status(migration, "done")
    LOG.info("Instance %s evacuated from %s to %s", instance.uuid,
             migration.source_compute, svc.host)


def cleanup_evacuated(svc, context):
    """Remove what evacuations from this host left here (run at start-up).

    For each evacuation from this host whose server now lives elsewhere:
    the local guest and its disks are destroyed, the migration's
    allocation (this host's usage) is removed and a "done" migration
    becomes "completed".

    :returns: the uuids of the instances cleaned up.
    """
    migrations = objects.MigrationList.get_by_filters(
        context, {"source_compute": svc.host, "migration_type": "evacuation",
                  "status": list(_TO_CLEAN)})
    local = set(svc.driver.list_instance_uuids())
    cleaned = []
    for migration in migrations:
        try:
            instance = objects.Instance.get_by_uuid(context, migration.instance_uuid)
        except exception.InstanceNotFound:
            instance = None
        if instance is not None and instance.host == svc.host:
            continue  # never left: nothing of it to remove here
        if instance is not None and migration.instance_uuid in local:
            try:
                svc.driver.destroy(context, instance, destroy_disks=True)
            except Exception:
                LOG.exception("Could not destroy evacuated instance %s", instance.uuid)
                continue
        try:
            svc.reportclient.delete_allocation_for_instance(context, migration.uuid)
        except Exception:
            LOG.exception("Could not remove the allocation of migration %s",
                          migration.uuid)
            continue
        if migration.status in ("done", "accepted", "pre-migrating"):
            _set_status(migration, "completed")
        cleaned.append(migration.instance_uuid)
        LOG.info("Removed instance %s, evacuated from this host", migration.instance_uuid)
    return cleaned
