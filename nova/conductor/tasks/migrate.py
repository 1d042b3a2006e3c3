"""Resize and cold migration: choosing the destination (conductor side).

The API set task_state resize_prep and recorded the "resize" or "migrate"
action. Here, as upstream:

1. a Migration is created ("pre-migrating"; type "resize" when the flavor
   changes, "migration" otherwise), from the instance's host and node;
2. the instance's allocation on its host moves to the migration's uuid
   (Placement POST /allocations), so the source stays accounted for while
   the instance's uuid is free for the destination;
3. the scheduler picks a destination with the new flavor, leaving out the
   server's host unless [DEFAULT] allow_resize_to_same_host for a resize
   (a cold migration always leaves it out), or the host the administrator
   named (migrate, 2.56), and claims it for the instance;
4. the instance records the old and new flavors and ``prep_resize`` goes
   to the destination (nova.compute.resize carries on).

When no host fits (or anything else fails here), the allocation goes back
to the instance, the migration is "error", and the server keeps its
state, with a fault saying why and no task_state.
"""

import logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import faults, instance_actions, task_states
from nova.conductor.tasks import build

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


class MigrateTask:
    """The conductor's resize / cold migration orchestration.

    :param scheduler_api: SchedulerAPI (select_destinations).
    :param compute_api: compute ComputeAPI RPC client.
    :param reportclient: SchedulerReportClient (move_allocations).
    """

    def __init__(self, scheduler_api, compute_api, reportclient):
        self.scheduler_api = scheduler_api
        self.compute_api = compute_api
        self.reportclient = reportclient

    def migrate_server(self, context, instance, flavor=None, destination=None,
                       clean_shutdown=True):
        """Schedule the move of ``instance`` and send it to the destination.

        :param flavor: the new flavor (resize) or None (cold migration).
        :param destination: the host an administrator asked for (2.56), or None.
        Never raises: a failure is recorded on the instance (fault, its
        task_state cleared) and in the event ``conductor_migrate_server``.
        """
        mapping = objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with instance_actions.action_event(cctxt, instance,
                                                   "conductor_migrate_server"):
                    self._migrate(context, cctxt, instance, flavor, destination, clean_shutdown)
            except Exception as exc:
                LOG.warning("Move of instance %s failed: %s", instance.uuid, exc)
                faults.add_instance_fault_from_exc(cctxt, instance, exc)
                instance.task_state = None
                try:
                    instance.save(expected_task_state=[task_states.RESIZE_PREP])
                except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
                    LOG.info("Instance %s changed during its move", instance.uuid)

    def _migrate(self, context, cctxt, instance, flavor, destination, clean_shutdown):
        old_flavor = instance.flavor
        flavor = flavor or old_flavor
        is_resize = flavor.flavorid != old_flavor.flavorid
        spec = objects.RequestSpec.get_by_instance_uuid(context, instance.uuid)
        spec.ensure_project_and_user_id(instance)
        # A boot's forced host is no rule for where the server goes now.
        spec.reset_forced_destinations()
        spec.num_instances = 1
        spec.flavor = flavor
        if not (is_resize and CONF.allow_resize_to_same_host):
            spec.ignore_hosts = [instance.host]
        if destination:
            spec.requested_destination = objects.Destination(host=destination)
        # The server group's policy holds for a move as for a boot.
        build._load_group_hosts(spec, [instance.uuid])
        migration = objects.Migration(
            context=cctxt, source_compute=instance.host, source_node=instance.node,
            instance_uuid=instance.uuid, status="pre-migrating",
            migration_type="resize" if is_resize else "migration",
            old_instance_type_id=old_flavor.id, new_instance_type_id=flavor.id,
            user_id=instance.user_id, project_id=instance.project_id)
        migration.create()
        moved = False
        try:
            moved = self.reportclient.move_allocations(context, instance.uuid,
                                                       migration.uuid)
            selections = self.scheduler_api.select_destinations(
                context, spec, [instance.uuid], return_objects=True,
                return_alternates=True)[0]
            selection = selections[0]
            LOG.info("Moving instance %s from %s to %s", instance.uuid, instance.host,
                     selection.service_host)
            instance.old_flavor = old_flavor
            instance.new_flavor = flavor
            instance.save(expected_task_state=[task_states.RESIZE_PREP])
            self.compute_api.prep_resize(cctxt, instance, selection.service_host, flavor,
                                         migration, node=selection.nodename,
                                         clean_shutdown=clean_shutdown,
                                         host_list=selections)
        except Exception:
            # Whatever the scheduler claimed goes; the source is the instance's again.
            if moved:
                self.reportclient.move_allocations(context, migration.uuid, instance.uuid)
            migration.status = "error"
            migration.save()
            instance.old_flavor = None
            instance.new_flavor = None
            raise
