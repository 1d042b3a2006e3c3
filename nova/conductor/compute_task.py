"""Server side of the compute-task API: the conductor's build orchestration endpoint."""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import exception
from nova.conductor import compute_task_rpcapi
from nova.conductor.tasks import build, migrate, moves, unshelve

LOG = logging.getLogger(__name__)


class ComputeTaskManager:
    """RPC endpoint (namespace ``compute_task``, API 1.3; see ComputeTaskAPI).

    :param scheduler_api: SchedulerAPI client.
    :param compute_api: compute ComputeAPI client.
    :param reportclient: SchedulerReportClient.
    """

    target = messaging.Target(namespace=compute_task_rpcapi.NAMESPACE, version="1.3")

    def __init__(self, scheduler_api, compute_api, reportclient):
        self._build = build.BuildTask(scheduler_api, compute_api, reportclient)
        self._unshelve = unshelve.UnshelveTask(scheduler_api, compute_api, reportclient)
        self._migrate = migrate.MigrateTask(scheduler_api, compute_api, reportclient)
        self._moves = moves.MoveTask(scheduler_api, compute_api, reportclient)

    def schedule_and_build_instances(self, context, build_requests, request_specs,
                                     image, admin_password=None, injected_files=None):
        self._build.schedule_and_build_instances(
            context, build_requests, request_specs, image, admin_password, injected_files)

    def build_instances(self, context, instances, image, filter_properties,
                        admin_password=None, injected_files=None, request_spec=None,
                        host_lists=None):
        self._build.build_instances(
            context, instances, image, filter_properties, admin_password,
            injected_files, request_spec, host_lists)

    def unshelve_instance(self, context, instance, request_spec=None):
        self._unshelve.unshelve_instance(context, instance, request_spec)

    def migrate_server(self, context, instance, flavor=None, destination=None,
                       clean_shutdown=True):
        self._migrate.migrate_server(context, instance, flavor, destination, clean_shutdown)

    @messaging.expected_exceptions(exception.NoValidHost, exception.Invalid,
                                   exception.NotFound)
    def live_migrate_instance(self, context, instance, scheduler_hint, block_migration,
                              disk_over_commit, request_spec=None, async_=True,
                              force=False):
        self._moves.live_migrate_instance(
            context, instance, scheduler_hint, block_migration, disk_over_commit,
            request_spec, async_, force)

    def rebuild_instance(self, context, instance, migration, host=None, force=False,
                         new_pass=None, target_state=None, request_spec=None):
        self._moves.rebuild_instance(context, instance, migration, host, force,
                                     new_pass, target_state, request_spec)

    def _recover_stale_builds(self, context):
        """Carry on builds whose messages were lost (the conductor's periodic task).

        Underscored: not reachable over RPC.
        """
        return self._build.recover_stale_builds(context)
