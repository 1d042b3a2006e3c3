"""Live migration and evacuation: checking the move and choosing the destination.

Both start in the conductor (compute-task API 1.3) with the instance in
its row's task_state (migrating / rebuilding) and end here either handed
to a host or refused:

* live migration (``live_migrate_instance``): the source host must be up;
  a Migration of type live-migration is made (status accepted); the
  source's allocation moves to the migration's uuid; the destination is
  the scheduler's choice (any host but the source, or the host asked
  for, checked by the filters) or, with ``force`` (2.30-2.67), the host
  asked for, claimed with the source's resources; the destination
  confirms it can take the guest (``check_can_live_migrate_destination``);
  then the source is told to go (``live_migration``).
* evacuation (``rebuild_instance``): the API made the Migration (type
  evacuation); the old host's allocation moves to the migration's uuid,
  the destination is chosen as above (never the old host), and told to
  rebuild the server (``rebuild_instance`` with recreate).

A refusal (no valid host, a destination that cannot take the guest, a
host down) marks the migration "error", gives the instance its source
allocation back, clears its task_state and records a fault and the
event's error (``conductor_live_migrate_instance`` /
``conductor_rebuild_server``). Before 2.34 the API waits for the live
migration's checks and answers their refusal as 400; the error is then
raised to the caller too.
"""

import logging

from nova import context as nova_context
from nova import exception, objects, servicegroup
from nova.compute import faults, instance_actions, server_actions, task_states

LOG = logging.getLogger(__name__)

LIVE_MIGRATION_ROW = "os-migrateLive"
EVACUATE_ROW = "evacuate"


class MoveTask:
    """The conductor's live migration and evacuation orchestration.

    :param scheduler_api: SchedulerAPI (select_destinations).
    :param compute_api: compute ComputeAPI RPC client.
    :param reportclient: SchedulerReportClient.
    """

    def __init__(self, scheduler_api, compute_api, reportclient):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api
        self.reportclient = reportclient

    # -- live migration ----------------------------------------------------------

    def live_migrate_instance(self, context, instance, scheduler_hint, block_migration,
                              disk_over_commit, request_spec=None, async_=True,
                              force=False):
        """Check and start the live migration of ``instance``.

        :param scheduler_hint: {"host": name or None}.
        :param block_migration: True, False or None ("auto").
        :param async_: False (before 2.34): raise the refusal to the caller.
        :raises: (only when not ``async_``) NoValidHost, MigrationPreCheckError,
            UnableToMigrateToSelf, ComputeServiceUnavailable,
            ComputeHostNotFound.
        """
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            migration = objects.Migration(
                context=cctxt, source_compute=instance.host, source_node=instance.node,
                instance_uuid=instance.uuid, status="accepted",
                migration_type="live-migration", user_id=instance.user_id,
                project_id=instance.project_id,
                old_instance_type_id=instance.instance_type_id,
                new_instance_type_id=instance.instance_type_id)
            migration.create()
            try:
                with instance_actions.action_event(cctxt, instance,
                                                   "conductor_live_migrate_instance"):
                    self._live_migrate(context, cctxt, instance, migration,
                                       (scheduler_hint or {}).get("host"),
                                       block_migration, disk_over_commit,
                                       request_spec, force)
            except Exception as exc:
                self._refused(cctxt, instance, migration, exc, task_states.MIGRATING)
                if not async_:
                    raise

    def _live_migrate(self, context, cctxt, instance, migration, host, block_migration,
                      disk_over_commit, request_spec, force):
        _check_up(cctxt, instance.host)
        if host == instance.host:
            raise exception.UnableToMigrateToSelf(instance_id=instance.uuid, host=host)
        self.reportclient.move_allocations(context, instance.uuid, migration.uuid)
        dest, node = self._destination(context, cctxt, instance, migration, host, force,
                                       request_spec)
        migration.dest_compute = dest
        migration.dest_node = node
        migration.save()
        migrate_data = self.compute_api.check_can_live_migrate_destination(
            cctxt, instance, dest, block_migration, disk_over_commit, migration)
        migration.dest_host = migrate_data.get("dest_host")
        migration.save()
        LOG.info("Live-migrating instance %s from %s to %s", instance.uuid,
                 instance.host, dest)
        self.compute_api.send_action(
            cctxt, instance, server_actions.get(LIVE_MIGRATION_ROW), dest=dest,
            block_migration=migrate_data.get("block_migration", True),
            migration=migration, migrate_data=migrate_data)

    # -- evacuation -----------------------------------------------------------------

    def rebuild_instance(self, context, instance, migration, host=None, force=False,
                         new_pass=None, target_state=None, request_spec=None):
        """Choose where ``instance`` of a dead host goes and have it rebuilt there.

        :param migration: the evacuation's Migration, made by the API.
        :param host: the host asked for, or None for the scheduler's choice.
        :param force: 2.29-2.67: take ``host`` without the scheduler.
        :param target_state: "stopped" (2.95) or None.
        Never raises: a refusal is recorded on the instance.
        """
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            migration._context = cctxt
            try:
                with instance_actions.action_event(cctxt, instance,
                                                   "conductor_rebuild_server"):
                    self._evacuate(context, cctxt, instance, migration, host, force,
                                   new_pass, target_state, request_spec)
            except Exception as exc:
                self._refused(cctxt, instance, migration, exc, task_states.REBUILDING)

    def _evacuate(self, context, cctxt, instance, migration, host, force, new_pass,
                  target_state, request_spec):
        self.reportclient.move_allocations(context, instance.uuid, migration.uuid)
        dest, node = self._destination(context, cctxt, instance, migration, host, force,
                                       request_spec)
        migration.dest_compute = dest
        migration.dest_node = node
        migration.status = "pre-migrating"
        migration.save()
        LOG.info("Evacuating instance %s from %s to %s", instance.uuid, instance.host, dest)
        self.compute_api.send_action(
            cctxt, instance, server_actions.get(EVACUATE_ROW), host=dest, image=None,
            injected_files=[], new_pass=new_pass, preserve_ephemeral=False,
            recreate=True, migration=migration, node=node, target_state=target_state)

    # -- shared -------------------------------------------------------------------

    def _destination(self, context, cctxt, instance, migration, host, force, request_spec):
        """Return (host, node) the instance goes to, its allocation claimed there.

        :raises NoValidHost: the scheduler found none, or a forced host has
            no room.
        """
        if host and force:
            _check_up(cctxt, host)
            node = objects.ComputeNode.get_first_node_by_host_for_old_compat(cctxt, host)
            self._claim_on(context, instance, migration, node)
            return host, node.hypervisor_hostname
        spec = request_spec or objects.RequestSpec.get_by_instance_uuid(
            context, instance.uuid)
        spec.ensure_project_and_user_id(instance)
        spec.reset_forced_destinations()
        spec.num_instances = 1
        # Never back to where it is: the source (or the dead host).
        spec.ignore_hosts = [instance.host]
        spec.requested_destination = objects.Destination(host=host) if host else None
        selection = self.scheduler_api.select_destinations(
            context, spec, [instance.uuid], return_objects=True,
            return_alternates=False)[0][0]
        return selection.service_host, selection.nodename

    def _claim_on(self, context, instance, migration, node):
        """Claim on ``node`` for the instance what the source holds (forced hosts)."""
        held = self.reportclient.get_allocations_for_consumer(context, migration.uuid)
        resources = {}
        for alloc in held.values():
            for rc, amount in alloc["resources"].items():
                resources[rc] = resources.get(rc, 0) + amount
        current = self.reportclient.get_allocs_for_consumer(context, instance.uuid)
        claimed = self.reportclient.claim_resources(
            context, instance.uuid, {"allocations": {node.uuid: {"resources": resources}}},
            instance.project_id, instance.user_id,
            consumer_generation=current.get("consumer_generation"))
        if not claimed:
            raise exception.NoValidHost(
                reason=f"Unable to move instance {instance.uuid} to host "
                       f"{node.host}. There is not enough capacity on the host "
                       f"for the instance.")

    def _refused(self, cctxt, instance, migration, exc, task_state):
        """Undo a move the conductor could not hand on; record why."""
        LOG.warning("Move of instance %s refused: %s", instance.uuid, exc)
        migration.status = "error"
        try:
            migration.save()
        except Exception:
            LOG.exception("Could not set migration %s to error", migration.uuid)
        try:
            # The destination's claim (if any) goes, the source's comes back.
            self.reportclient.move_allocations(cctxt, migration.uuid, instance.uuid)
        except Exception:
            LOG.exception("Could not give instance %s its allocation back", instance.uuid)
        faults.add_instance_fault_from_exc(cctxt, instance, exc)
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_state])
        except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
            LOG.info("Instance %s changed during its move", instance.uuid)


def _check_up(context, host):
    """:raises ComputeServiceUnavailable: ``host``'s nova-compute is down or unknown."""
    try:
        service = objects.Service.get_by_compute_host(context, host)
    except exception.NotFound:
        raise exception.ComputeServiceUnavailable(host=host) from None
    if not servicegroup.is_up(service):
        raise exception.ComputeServiceUnavailable(host=host)
