"""Server side of the compute RPC API: the manager of one hypervisor host.

The manager is a thin RPC facade: it owns the virt driver (``[DEFAULT]
compute_driver``) and the host's other services (``self.svc``, a
nova.compute.operation.HostServices) and hands each RPC method to the
module of its family (build, delete, power, consoles, recovery,
power_sync, resource_tracker). Each server action's method is named by its
row in nova.compute.server_actions. nova-compute has no database access;
every object call it makes runs in nova-conductor.
"""

import contextlib
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, manager, objects
from nova.compute import (
    build,
    consoles,
    delete,
    evacuate,
    external_events,
    live_migration,
    operation,
    password,
    power,
    power_sync,
    rebuild,
    recovery,
    rescue,
    resize,
    resource_tracker,
    shelve,
    snapshot,
    task_states,
    usage_audit,
)
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import compute_task_rpcapi
from nova.image import glance
from nova.network import api as network_api
from nova.scheduler.client import report
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: What the console RPC methods raise for the caller to map (not logged
#: as failures of this service).
CONSOLE_ERRORS = (exception.ConsoleTypeInvalid, exception.ConsoleTypeUnavailable,
                  exception.InstanceNotReady, exception.InstanceNotFound,
                  NotImplementedError)


class ComputeManager(manager.Manager):
    """The compute RPC endpoint (API 6.10, see ``rpcapi.ComputeAPI``).

    :param compute_driver: a virt driver name ("fake.FakeDriver",
        "libvirt.LibvirtDriver"); [DEFAULT] compute_driver when None.
    :param host: [DEFAULT] host when None.
    :param reportclient: SchedulerReportClient (Placement); built from
        [placement] when None.
    :param image_api: the Glance client; built from [glance] when None.
    :param compute_task_api: the conductor's ComputeTaskAPI, for reschedules.
    :raises nova.exception.InvalidInput: no driver configured, or it
        cannot be loaded.
    """

    target = messaging.Target(version="6.10")

    def __init__(self, compute_driver=None, host=None, reportclient=None,
                 image_api=None, compute_task_api=None):
        super().__init__(host=host, service_name="compute")
        self.driver = virt_driver.load_compute_driver(
            None, compute_driver or CONF.compute_driver)
        self.reportclient = reportclient or report.SchedulerReportClient()
        self.image_api = image_api or glance.GlanceImageService()
        if hasattr(self.driver, "set_image_api"):
            self.driver.set_image_api(self.image_api)
        self.compute_task_api = compute_task_api or compute_task_rpcapi.ComputeTaskAPI()
        #: To reach the other end of a live migration.
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.resource_tracker = resource_tracker.ResourceTracker(
            self.host, self.driver, self.reportclient)
        self.svc = operation.HostServices(
            host=self.host, driver=self.driver, reportclient=self.reportclient,
            image_api=self.image_api, compute_task_api=self.compute_task_api,
            resource_tracker=self.resource_tracker, network_api=network_api.get_api())
        self.builder = build.InstanceBuilder(self.svc)
        #: To reach the other host of a move.
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.svc.compute_rpcapi = self.compute_rpcapi
        # [DEFAULT] max_concurrent_builds: 0 means unlimited.
        limit = CONF.max_concurrent_builds
        self._build_slots = (threading.BoundedSemaphore(limit) if limit > 0
                             else contextlib.nullcontext())
        self._service_id = None
        self.set_periodic_spacing("_sync_power_states", CONF.sync_power_state_interval)
        self.set_periodic_spacing("update_available_resource",
                                  CONF.update_resources_interval)
        reclaim = CONF.reclaim_instance_interval
        self.set_periodic_spacing("_reclaim_queued_deletes",
                                  max(1, reclaim // 2) if reclaim > 0 else -1)
        window = CONF.resize_confirm_window
        self.set_periodic_spacing("_poll_unconfirmed_resizes",
                                  max(10, window) if window > 0 else -1)
        self.set_periodic_spacing(
            "_poll_shelved_instances",
            CONF.shelved_poll_interval if CONF.shelved_offload_time > 0 else -1)

    # -- life cycle -------------------------------------------------------------

    def init_host(self, service_ref=None):
        """Connect the driver, then finish or fail work a restart interrupted.

        :raises: the driver's error (e.g. HypervisorUnavailable); the service
            then fails to start.
        """
        self.driver.init_host(host=self.host)
        context = nova_context.get_admin_context()
        # Before the recovery: guests evacuated from here are no longer ours.
        try:
            evacuate.cleanup_evacuated(self.svc, context)
        except Exception:
            LOG.exception("Could not clean up the instances evacuated from %s", self.host)
        try:
            live_migration.cleanup_interrupted(self.svc, self.compute_rpcapi, context)
        except Exception:
            LOG.exception("Could not fail the live migrations interrupted on %s", self.host)
        recovery.recover_host(self.svc, context, self._run_operation)

    def _run_operation(self, context, instance, row):
        """Run ``row``'s RPC method here again, as if the message had arrived."""
        kwargs = {"reboot_type": row.variant} if row.variant else {}
        if row.rpc.method == "build_and_run_instance":
            kwargs = self.builder.retry_arguments(instance)
        getattr(self, row.rpc.method)(context, instance=instance, **kwargs)

    def pre_start_hook(self, service_ref):
        """Create or refresh the compute node and its Placement provider."""
        self._service_id = service_ref.id
        self.update_available_resource(nova_context.get_admin_context())

    def cleanup_host(self):
        """Release the virt driver's hypervisor connection."""
        self.driver.cleanup_host(host=self.host)

    # -- periodic tasks ----------------------------------------------------------

    @manager.periodic(spacing=60)
    def update_available_resource(self, context):
        """Report each node's resources to its record and Placement inventory.

        The usage of all nodes comes from one instance query (a fake host
        may serve 1,000 nodes); the first run also reads all node records
        in one query.
        """
        tracker = self.resource_tracker
        if not tracker.compute_nodes:
            tracker.load_host_nodes(context)
        usage = tracker.host_usage(context)
        for nodename in self.driver.get_available_nodes(refresh=True):
            try:
                tracker.update_available_resource(
                    context, nodename, service_id=self._service_id,
                    usage=usage.get(nodename, (0, 0, 0, 0)))
            except Exception:
                LOG.exception("Could not update the resources of node %s", nodename)

    @manager.periodic(spacing=60)
    def _reclaim_queued_deletes(self, context):
        """Delete for good the soft-deleted servers past reclaim_instance_interval."""
        delete.reclaim_queued_deletes(self.svc, context, CONF.reclaim_instance_interval)

    @manager.periodic(spacing=3600)
    def _poll_shelved_instances(self, context):
        """Offload the servers shelved longer than [DEFAULT] shelved_offload_time."""
        shelve.offload_expired(self.svc, context, CONF.shelved_offload_time,
                               lambda ctxt, instance: self.shelve_offload_instance(
                                   ctxt, instance, clean_shutdown=False))

    @manager.periodic(spacing=60)
    def _instance_usage_audit(self, context):
        """Audit the last completed period once ([DEFAULT] instance_usage_audit)."""
        if CONF.instance_usage_audit:
            usage_audit.audit(self.host, context, CONF.instance_usage_audit_period)

    @manager.periodic(spacing=60)
    def _poll_unconfirmed_resizes(self, context):
        """Confirm the moves here waiting longer than [DEFAULT] resize_confirm_window."""
        resize.confirm_expired(self.svc, context, CONF.resize_confirm_window,
                               self._start_confirm)

    def _start_confirm(self, context, instance, migration):
        """Start a confirmResize as the API would (the automatic confirm)."""
        instance.task_state = task_states.RESIZE_CONFIRMING
        instance.save(expected_task_state=[None])
        objects.InstanceAction.action_start(
            context, instance.uuid, "confirmResize", want_result=False)
        migration.status = "confirming"
        migration.save()
        self.compute_rpcapi.confirm_resize(context, instance, migration)

    @manager.periodic(spacing=600)
    def _sync_power_states(self, context):
        """Record the hypervisor's power state of each local instance."""
        power_sync.sync_power_states(self.svc, context)

    # -- RPC 6.1 ---------------------------------------------------------------

    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, node=None, host_list=None):
        """Build ``instance`` here (cast; see nova.compute.build)."""
        with self._build_slots:
            self.builder.build_and_run_instance(
                context, instance, image, request_spec, filter_properties,
                admin_password=admin_password, injected_files=injected_files,
                node=node, host_list=host_list)

    def terminate_instance(self, context, instance):
        """Delete ``instance`` from this host (cast; see nova.compute.delete)."""
        try:
            delete.terminate_instance(self.svc, context, instance)
        except Exception:
            LOG.exception("Could not delete instance %s; it is in ERROR and the "
                          "delete can be retried", instance.uuid)

    def external_instance_event(self, context, instances, events):
        """Act on events other services sent about this host's instances (cast).

        See nova.compute.external_events.
        """
        external_events.handle(self.svc, context, instances, events)

    @messaging.expected_exceptions(exception.InstanceNotFound, NotImplementedError)
    def get_instance_diagnostics(self, context, instance):
        """Return the driver's diagnostics of the guest (dict; see ComputeDriver).

        :raises InstanceNotFound: the hypervisor has no such guest.
        :raises NotImplementedError: the driver cannot tell.
        """
        return self.driver.get_instance_diagnostics(instance)

    @messaging.expected_exceptions(exception.InstanceNotFound,
                                   exception.ConsoleNotAvailable)
    def get_console_output(self, context, instance, tail_length=None):
        """Return the console log as text, the last ``tail_length`` lines when given.

        :raises InstanceNotFound: the hypervisor has no such guest.
        """
        output = self.driver.get_console_output(context, instance)
        text = output.decode("utf-8", errors="replace") if isinstance(output, bytes) \
            else output
        if tail_length is None:
            return text
        if tail_length <= 0:
            return ""
        return "\n".join(text.split("\n")[-tail_length:])

    # -- RPC 6.2 ---------------------------------------------------------------

    @messaging.expected_exceptions(*CONSOLE_ERRORS)
    def get_vnc_console(self, context, instance, console_type):
        """Issue a VNC console token; return its connect info (call).

        See ``nova.compute.consoles.get_vnc_console`` for the dict returned
        and the errors raised.
        """
        return consoles.get_vnc_console(context, instance, console_type, self.driver)

    # -- RPC 6.3: server actions (nova.compute.server_actions) ----------------
    # Casts: the outcome is in the instance, its fault and its action events;
    # a failure is logged by the RPC server after the operation recorded it.

    def stop_instance(self, context, instance, clean_shutdown=True):
        """os-stop (see nova.compute.power)."""
        power.stop_instance(self.svc, context, instance, clean_shutdown)

    def start_instance(self, context, instance):
        """os-start."""
        power.start_instance(self.svc, context, instance)

    def reboot_instance(self, context, instance, reboot_type="SOFT"):
        """reboot, SOFT or HARD."""
        power.reboot_instance(self.svc, context, instance, reboot_type)

    def pause_instance(self, context, instance):
        """pause."""
        power.pause_instance(self.svc, context, instance)

    def unpause_instance(self, context, instance):
        """unpause."""
        power.unpause_instance(self.svc, context, instance)

    def suspend_instance(self, context, instance):
        """suspend."""
        power.suspend_instance(self.svc, context, instance)

    def resume_instance(self, context, instance):
        """resume."""
        power.resume_instance(self.svc, context, instance)

    def trigger_crash_dump(self, context, instance):
        """trigger_crash_dump (2.17)."""
        power.trigger_crash_dump(self.svc, context, instance)

    # -- RPC 6.4 ---------------------------------------------------------------

    @messaging.expected_exceptions(*CONSOLE_ERRORS)
    def get_spice_console(self, context, instance, console_type):
        """Issue a SPICE console token; return its connect info (call).

        See ``nova.compute.consoles.get_console``.
        """
        return consoles.get_console(context, instance, console_type, self.driver, "spice")

    @messaging.expected_exceptions(*CONSOLE_ERRORS)
    def get_serial_console(self, context, instance, console_type):
        """Issue a serial console token; return its connect info (call).

        See ``nova.compute.consoles.get_console``.
        """
        return consoles.get_console(context, instance, console_type, self.driver, "serial")

    def validate_console_port(self, context, instance, port, console_type):
        """Return whether ``port`` is still the instance's console port (call).

        See ``nova.compute.consoles.validate_console_port``.
        """
        return consoles.validate_console_port(context, instance, port, console_type,
                                              self.driver)

    # -- RPC 6.5: rescue, soft delete, password ---------------------------------

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        """rescue (see nova.compute.rescue)."""
        rescue.rescue_instance(self.svc, context, instance, rescue_password,
                               rescue_image_ref, clean_shutdown)

    def unrescue_instance(self, context, instance):
        """unrescue."""
        rescue.unrescue_instance(self.svc, context, instance)

    def soft_delete_instance(self, context, instance):
        """DELETE with [DEFAULT] reclaim_instance_interval set (nova.compute.delete)."""
        delete.soft_delete_instance(self.svc, context, instance)

    def restore_instance(self, context, instance):
        """restore a soft-deleted server."""
        delete.restore_instance(self.svc, context, instance)

    @messaging.expected_exceptions(exception.InstanceAgentNotEnabled,
                                   exception.InstancePasswordSetFailed,
                                   exception.UnexpectedTaskStateError,
                                   exception.InstanceNotFound,
                                   NotImplementedError)
    def set_admin_password(self, context, instance, new_pass):
        """changePassword (a call: the caller hears how it went)."""
        password.set_admin_password(self.svc, context, instance, new_pass)

    # -- RPC 6.6: images (rebuild, snapshot, backup, shelve) ------------------

    def rebuild_instance(self, context, instance, image, injected_files=None,
                         new_pass=None, preserve_ephemeral=False, recreate=False,
                         migration=None, node=None, target_state=None):
        """rebuild (see nova.compute.rebuild); with ``recreate`` (6.8) an
        evacuation to this host (see nova.compute.evacuate)."""
        if recreate:
            evacuate.evacuate_instance(self.svc, context, instance, image, new_pass,
                                       migration, node, target_state)
            return
        rebuild.rebuild_instance(self.svc, context, instance, image, injected_files,
                                 new_pass, preserve_ephemeral)

    def snapshot_instance(self, context, instance, image_id):
        """createImage (see nova.compute.snapshot)."""
        snapshot.snapshot_instance(self.svc, context, instance, image_id)

    def backup_instance(self, context, instance, image_id, backup_type, rotation):
        """createBackup."""
        snapshot.backup_instance(self.svc, context, instance, image_id, backup_type,
                                 rotation)

    def shelve_instance(self, context, instance, image_id, clean_shutdown=True):
        """shelve (see nova.compute.shelve); offloads at once per shelved_offload_time."""
        shelve.shelve_instance(self.svc, context, instance, image_id, clean_shutdown,
                               offload_time=CONF.shelved_offload_time)

    def shelve_offload_instance(self, context, instance, clean_shutdown=True):
        """shelveOffload."""
        shelve.shelve_offload_instance(self.svc, context, instance, clean_shutdown)

    def unshelve_instance(self, context, instance, image=None, node=None):
        """unshelve (sent by the conductor)."""
        shelve.unshelve_instance(self.svc, context, instance, image, node)

    # -- RPC 6.7: resize and cold migration (see nova.compute.resize) ------------

    def prep_resize(self, context, instance, flavor, migration, node=None,
                    clean_shutdown=True, host_list=None):
        """Destination: accept the move, ask the source for the guest."""
        try:
            resize.prep_resize(self.svc, context, instance, flavor, migration,
                               self.compute_rpcapi, node=node,
                               clean_shutdown=clean_shutdown, host_list=host_list)
        except exception.RescheduledException as exc:
            LOG.info("Move of instance %s rescheduled: %s", instance.uuid,
                     exc.format_message())

    def resize_instance(self, context, instance, migration, flavor, clean_shutdown=True):
        """Source: power the guest off and hand it over."""
        resize.resize_instance(self.svc, context, instance, migration, flavor,
                               self.compute_rpcapi, clean_shutdown=clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info=None):
        """Destination: take the guest; VERIFY_RESIZE."""
        resize.finish_resize(self.svc, context, instance, migration, disk_info,
                             self.compute_rpcapi)

    def confirm_resize(self, context, instance, migration):
        """Source: confirmResize, remove the old guest."""
        resize.confirm_resize(self.svc, context, instance, migration)

    def revert_resize(self, context, instance, migration):
        """Destination: revertResize, remove the moved guest."""
        resize.revert_resize(self.svc, context, instance, migration, self.compute_rpcapi)

    def finish_revert_resize(self, context, instance, migration):
        """Source: take the instance back with its old flavor."""
        resize.finish_revert_resize(self.svc, context, instance, migration)

    # -- RPC 6.8: live migration (nova.compute.live_migration) -----------------

    @messaging.expected_exceptions(exception.UnableToMigrateToSelf,
                                   exception.MigrationPreCheckError)
    def check_can_live_migrate_destination(self, context, instance, block_migration,
                                           disk_over_commit, migration):
        """Call, on the destination: return the migrate data dict."""
        return live_migration.check_can_live_migrate_destination(
            self.svc, context, instance, block_migration, disk_over_commit, migration)

    def pre_live_migration(self, context, instance, migrate_data):
        """Call, on the destination: prepare for the guest."""
        return live_migration.pre_live_migration(self.svc, context, instance, migrate_data)

    def live_migration(self, context, instance, dest, block_migration, migration,
                       migrate_data):
        """os-migrateLive, on the source (cast by the conductor)."""
        live_migration.live_migration(self.svc, self.compute_rpcapi, context, instance,
                                      dest, block_migration, migration, migrate_data)

    def post_live_migration_at_destination(self, context, instance, migrate_data):
        """Call, on the destination: the guest is here; return its power_state."""
        return live_migration.post_live_migration_at_destination(
            self.svc, context, instance, migrate_data)

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        """Cast, on the destination: remove what pre_live_migration made."""
        live_migration.rollback_live_migration_at_destination(
            self.svc, context, instance, migrate_data)

    def live_migration_force_complete(self, context, instance):
        """Cast, on the source: finish the running live migration now (2.22)."""
        live_migration.force_complete(self.svc, context, instance)

    def live_migration_abort(self, context, instance, migration_id):
        """Cast, on the source: abort the running live migration (2.24)."""
        live_migration.abort(self.svc, context, instance, migration_id)
