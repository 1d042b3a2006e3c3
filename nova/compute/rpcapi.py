"""Client side of the compute RPC API (topic ``compute``, one server per host).

Messages to a compute host go through the message queue of the host's cell:
the client is routed by ``context.mq_connection`` (set by
``nova.context.target_cell``), falling back to this process's transport.
"""

import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects, rpc

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: The topic of nova-compute; each host's server listens on (compute, host).
RPC_TOPIC = "compute"

#: The services-table ``version`` of nova-compute -> the highest compute RPC
#: version that level of code serves. Used for ``[upgrade_levels] compute =
#: auto``; add a row whenever SERVICE_VERSION is bumped with an RPC change.
SERVICE_VERSION_TO_RPC = {
    1: "6.0",
    2: "6.1",
    3: "6.2",
    4: "6.3",
    5: "6.4",
    6: "6.5",
    7: "6.6",
    8: "6.7",
    9: "6.8",
    10: "6.9",
    11: "6.10",
}


def rpc_version_for_service_version(service_version):
    """Return the compute RPC cap matching a nova-compute service version.

    :param service_version: int from ``Service.get_minimum_version``.
    :returns: a version string; None (no cap) when no nova-compute has
        recorded a version yet (0) or when every one is newer than this
        table knows.
    """
    if not service_version:
        return None
    known = [v for v in SERVICE_VERSION_TO_RPC if v <= service_version]
    if not known:
        # Older than anything this code can talk to: cap at the oldest we know
        # so at least the message is refused loudly rather than misread.
        return SERVICE_VERSION_TO_RPC[min(SERVICE_VERSION_TO_RPC)]
    if service_version > max(SERVICE_VERSION_TO_RPC):
        return None
    return SERVICE_VERSION_TO_RPC[max(known)]


class ComputeAPI:
    """Client of nova-compute.

    API version history (the server's ``ComputeManager.target``); the major
    version continues upstream's numbering:

    * 6.0 - the first version this tree serves. Build, delete and the other
      instance actions are added as minor versions with their code.
    * 6.1 - build_and_run_instance (cast), terminate_instance (cast),
      get_console_output (call).
    * 6.2 - get_vnc_console (call): issue a console token, return its
      connect info.
    * 6.3 - the server actions, each a cast named by its row in
      nova.compute.server_actions and sent by ``send_action``:
      stop_instance(instance, clean_shutdown), start_instance(instance),
      reboot_instance(instance, reboot_type), pause_instance,
      unpause_instance, suspend_instance, resume_instance,
      trigger_crash_dump (each with instance only).
    * 6.4 - get_spice_console, get_serial_console (call): the same for
      SPICE and serial consoles; validate_console_port (call): is a
      token's port still the instance's console (asked by the proxies).
    * 6.5 - rescue_instance(instance, rescue_password, rescue_image_ref,
      clean_shutdown), unrescue_instance(instance),
      soft_delete_instance(instance), restore_instance(instance) (casts);
      set_admin_password(instance, new_pass) (call).
    * 6.6 - the image actions (casts): rebuild_instance(instance, image,
      injected_files, new_pass, preserve_ephemeral),
      snapshot_instance(instance, image_id), backup_instance(instance,
      image_id, backup_type, rotation), shelve_instance(instance, image_id,
      clean_shutdown), shelve_offload_instance(instance, clean_shutdown),
      unshelve_instance(instance, image, node) (sent by the conductor to
      the host it chose, or to the instance's host).
    * 6.7 - resize and cold migration (casts): prep_resize(instance, flavor,
      migration, node, clean_shutdown, host_list) to the destination the conductor
      chose; resize_instance(instance, migration, flavor, clean_shutdown) to
      the source; finish_resize(instance, migration, disk_info) to the
      destination; confirm_resize(instance, migration) to the source;
      revert_resize(instance, migration) to the destination;
      finish_revert_resize(instance, migration) to the source.
    * 6.8 - live migration and evacuate (see nova.compute.live_migration
      and nova.compute.evacuate): check_can_live_migrate_destination
      (call, to the destination; returns the migrate data dict),
      pre_live_migration (call, to the destination), live_migration
      (cast, to the source, sent by the conductor), post_live_migration_
      at_destination (call), rollback_live_migration_at_destination
      (cast), live_migration_force_complete and live_migration_abort
      (casts, to the source); rebuild_instance gains recreate, migration,
      node and target_state for an evacuation, sent to the new host.
    * 6.9 - get_instance_diagnostics(instance) (call): the driver's
      diagnostics of the guest (GET /servers/{server_id}/diagnostics).
    * 6.10 - external_instance_event(instances, events) (cast): events
      other services sent through os-server-external-events.

    The cap is ``[upgrade_levels] compute``: unset (no cap), a version, a
    release name from ``VERSION_ALIASES``, or "auto" (the oldest running
    nova-compute's level, looked up on first use, see
    ``SERVICE_VERSION_TO_RPC``).
    """

    #: Release name -> highest version that release's nova-compute serves.
    VERSION_ALIASES = {}

    def __init__(self, send_timeout=None):
        """:param send_timeout: see ``nova.rpc.get_client`` (nova-api passes
            ``nova.rpc.API_SEND_TIMEOUT``, so a send during a broker outage
            raises MessageDeliveryFailure within it)."""
        self._send_timeout = send_timeout
        self._router = None
        self._lock = threading.Lock()

    def _version_cap(self):
        configured = CONF.upgrade_levels.compute
        if configured != "auto":
            return rpc.version_cap(configured, self.VERSION_ALIASES, "compute")
        ctxt = nova_context.get_admin_context()
        minimum = objects.Service.get_minimum_version(ctxt, "nova-compute")
        cap = rpc_version_for_service_version(minimum)
        LOG.info("[upgrade_levels] compute=auto: oldest nova-compute is at "
                 "service version %s, compute RPC cap %s", minimum, cap)
        return cap

    @property
    def router(self):
        """The ClientRouter; built on first use so "auto" reads live data."""
        with self._lock:
            if self._router is None:
                target = messaging.Target(topic=RPC_TOPIC, version="6.0")
                client = rpc.get_client(target, version_cap=self._version_cap(),
                                        send_timeout=self._send_timeout)
                self._router = rpc.ClientRouter(client)
            return self._router

    def prepare(self, ctxt, host, version):
        """Return a call context addressed to ``host`` at ``version``.

        :param ctxt: a RequestContext, possibly targeted at the host's cell.
        :param host: the compute host name (its RPC server name).
        :param version: the API version the method needs.
        :raises oslo_messaging.RPCVersionCapError: ``version`` is above the cap.
        """
        client = self.router.client(ctxt)
        if not client.can_send_version(version):
            raise messaging.RPCVersionCapError(
                version=version, version_cap=client.version_cap)
        return client.prepare(server=host, version=version)

    # -- instance life cycle (6.1) -------------------------------------------

    def build_and_run_instance(self, ctxt, instance, host, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, node=None, host_list=None):
        """Cast: build ``instance`` on ``host`` (see nova.compute.build).

        :param image: Glance image metadata dict.
        :param host_list: the scheduler's Selection list, chosen host first.
        """
        cctxt = self.prepare(ctxt, host, "6.1")
        cctxt.cast(ctxt, "build_and_run_instance", instance=instance, image=image,
                   request_spec=request_spec, filter_properties=filter_properties,
                   admin_password=admin_password, injected_files=injected_files,
                   node=node, host_list=host_list)

    def terminate_instance(self, ctxt, instance):
        """Cast: delete ``instance`` on its host (task_state is already deleting)."""
        cctxt = self.prepare(ctxt, instance.host, "6.1")
        cctxt.cast(ctxt, "terminate_instance", instance=instance)

    def get_console_output(self, ctxt, instance, tail_length=None):
        """Call: return the last ``tail_length`` lines of the console log (str).

        :raises oslo_messaging.MessagingTimeout: the host did not answer
            within [DEFAULT] rpc_response_timeout.
        """
        cctxt = self.prepare(ctxt, instance.host, "6.1")
        return cctxt.call(ctxt, "get_console_output", instance=instance,
                          tail_length=tail_length)

    # -- consoles (6.2) ---------------------------------------------------------

    def get_vnc_console(self, ctxt, instance, console_type):
        """Call: issue a VNC console token on the instance's host.

        :param console_type: "novnc".
        :returns: the connect info dict of
            ``nova.compute.consoles.get_vnc_console`` ("token", "host",
            "port", "internal_access_path", "access_url", "expires").
        :raises ComputeHostTooOld: the compute RPC cap is below 6.2 (an
            older nova-compute is still running); nothing is sent.
        :raises: the host's ConsoleTypeInvalid, ConsoleTypeUnavailable,
            InstanceNotReady, InstanceNotFound; MessagingTimeout.
        """
        return self._call_new_method(ctxt, instance, "get_vnc_console", "6.2",
                                     console_type=console_type)

    def _client_for(self, ctxt, method, version):
        """The RPC client of ``ctxt``'s cell; ComputeHostTooOld above the cap."""
        client = self.router.client(ctxt)
        if not client.can_send_version(version):
            raise exception.ComputeHostTooOld(
                method=method, version=version, version_cap=client.version_cap)
        return client

    def _prepare_for(self, ctxt, instance, method, version):
        """A call context to the instance's host; ComputeHostTooOld above the cap."""
        return self._client_for(ctxt, method, version).prepare(
            server=instance.host, version=version)

    def _call_new_method(self, ctxt, instance, method, version, **kwargs):
        """Call ``method`` on the instance's host; ComputeHostTooOld above the cap."""
        return self._prepare_for(ctxt, instance, method, version).call(
            ctxt, method, instance=instance, **kwargs)

    # -- consoles (6.4) ---------------------------------------------------------

    def get_spice_console(self, ctxt, instance, console_type):
        """Call: issue a SPICE console token on the instance's host.

        :param console_type: "spice-html5" or "spice-direct".
        :returns: the connect info dict of ``nova.compute.consoles.get_console``.
        :raises ComputeHostTooOld: the compute RPC cap is below 6.4.
        :raises: the host's ConsoleTypeInvalid, ConsoleTypeUnavailable,
            InstanceNotReady, InstanceNotFound; MessagingTimeout.
        """
        return self._call_new_method(ctxt, instance, "get_spice_console", "6.4",
                                     console_type=console_type)

    def get_serial_console(self, ctxt, instance, console_type):
        """Call: issue a serial console token on the instance's host.

        :param console_type: "serial".
        :returns: the connect info dict of ``nova.compute.consoles.get_console``.
        :raises: as ``get_spice_console``.
        """
        return self._call_new_method(ctxt, instance, "get_serial_console", "6.4",
                                     console_type=console_type)

    def validate_console_port(self, ctxt, instance, port, console_type):
        """Call: is ``port`` still where the instance's ``console_type`` console listens?

        :param port: the port stored with a console token (str).
        :returns: bool.
        :raises ComputeHostTooOld: the compute RPC cap is below 6.4.
        :raises oslo_messaging.MessagingTimeout: the host did not answer.
        """
        return self._call_new_method(ctxt, instance, "validate_console_port", "6.4",
                                     port=str(port), console_type=console_type)

    def external_instance_event(self, ctxt, host, instances, events):
        """Cast: pass events about ``instances`` (all on ``host``) to that host.

        :param events: dicts with name, server_uuid, status and optional tag.
        :raises ComputeHostTooOld: the compute RPC cap is below 6.10.
        """
        cctxt = self._client_for(ctxt, "external_instance_event", "6.10").prepare(
            server=host, version="6.10")
        cctxt.cast(ctxt, "external_instance_event", instances=instances, events=events)

    # -- server actions (6.3+) ----------------------------------------------------

    def send_action(self, ctxt, instance, row, host=None, **kwargs):
        """Send the compute RPC of a server action row to the instance's host.

        :param row: a nova.compute.server_actions.ServerAction with ``rpc``.
        :param host: the host to send it to when not ``instance.host`` (the
            host the conductor chose for an unshelve).
        :param kwargs: the method's arguments besides ``instance``.
        :returns: the host's answer for a call, None for a cast.
        :raises ComputeHostTooOld: the compute RPC cap is below the row's
            version (an older nova-compute still runs); nothing is sent.
        :raises oslo_messaging.MessagingTimeout: a call was not answered.
        """
        cctxt = self._client_for(ctxt, row.rpc.method, row.rpc.version).prepare(
            server=host or instance.host, version=row.rpc.version)
        send = cctxt.call if row.rpc.call else cctxt.cast
        return send(ctxt, row.rpc.method, instance=instance, **kwargs)

    def check_can_send(self, ctxt, row):
        """Refuse a row whose RPC version is above the compute cap.

        The compute API checks this before it changes anything, so a
        refused action leaves no task_state behind.

        :raises ComputeHostTooOld: an older nova-compute caps the version.
        """
        self._client_for(ctxt, row.rpc.method, row.rpc.version)

    # -- resize and cold migration (6.7) -------------------------------------------
    # Casts between the two hosts of a move; see nova.compute.resize.

    def _cast_move(self, ctxt, host, method, **kwargs):
        """Cast ``method`` (6.7) to ``host``; ComputeHostTooOld above the cap."""
        self._client_for(ctxt, method, "6.7").prepare(server=host, version="6.7").cast(
            ctxt, method, **kwargs)

    def prep_resize(self, ctxt, instance, host, flavor, migration, node=None,
                    clean_shutdown=True, host_list=None):
        """Cast: the destination ``host`` accepts the move of ``instance``.

        :param flavor: the flavor it moves to (its own for a cold migration).
        :param migration: its objects.Migration.
        :param node: the node the scheduler chose on ``host``.
        :param host_list: Selections, ``host`` first then the alternates a
            failing destination reschedules to.
        """
        self._cast_move(ctxt, host, "prep_resize", instance=instance, flavor=flavor,
                        migration=migration, node=node, clean_shutdown=clean_shutdown,
                        host_list=host_list)

    def resize_instance(self, ctxt, instance, migration, flavor, clean_shutdown=True):
        """Cast: the source (``migration.source_compute``) hands the guest over."""
        self._cast_move(ctxt, migration.source_compute, "resize_instance",
                        instance=instance, migration=migration, flavor=flavor,
                        clean_shutdown=clean_shutdown)

    def finish_resize(self, ctxt, instance, migration, disk_info):
        """Cast: the destination (``migration.dest_compute``) takes the guest.

        :param disk_info: what the source's driver returned (JSON-able).
        """
        self._cast_move(ctxt, migration.dest_compute, "finish_resize",
                        instance=instance, migration=migration, disk_info=disk_info)

    def confirm_resize(self, ctxt, instance, migration):
        """Cast: the source removes the guest a finished move left there."""
        self._cast_move(ctxt, migration.source_compute, "confirm_resize",
                        instance=instance, migration=migration)

    def revert_resize(self, ctxt, instance, migration):
        """Cast: the destination drops the moved guest (revertResize)."""
        self._cast_move(ctxt, migration.dest_compute, "revert_resize",
                        instance=instance, migration=migration)

    def finish_revert_resize(self, ctxt, instance, migration):
        """Cast: the source takes the instance back with its old flavor."""
        self._cast_move(ctxt, migration.source_compute, "finish_revert_resize",
                        instance=instance, migration=migration)

    # -- live migration (6.8) -----------------------------------------------------

    def _send_to(self, ctxt, host, method, call, **kwargs):
        """Send ``method`` at 6.8 to ``host``; ComputeHostTooOld above the cap."""
        cctxt = self._client_for(ctxt, method, LIVE_MIGRATION_VERSION).prepare(
            server=host, version=LIVE_MIGRATION_VERSION)
        return (cctxt.call if call else cctxt.cast)(ctxt, method, **kwargs)

    def check_can_live_migrate_destination(self, ctxt, instance, destination,
                                           block_migration, disk_over_commit, migration):
        """Call: can ``destination`` take ``instance`` live? (to the destination)

        :param block_migration: True, False or None ("auto", 2.25).
        :returns: the migrate data dict (``block_migration`` resolved, the
            destination's name and address).
        :raises MigrationPreCheckError: the destination refuses.
        :raises oslo_messaging.MessagingTimeout: no answer.
        """
        return self._send_to(ctxt, destination, "check_can_live_migrate_destination",
                             True, instance=instance, block_migration=block_migration,
                             disk_over_commit=disk_over_commit, migration=migration)

    def pre_live_migration(self, ctxt, instance, host, migrate_data):
        """Call: prepare the destination ``host`` (its disks, its instance directory).

        :returns: the migrate data dict, completed by the destination.
        """
        return self._send_to(ctxt, host, "pre_live_migration", True, instance=instance,
                             migrate_data=migrate_data)

    def post_live_migration_at_destination(self, ctxt, instance, host, migrate_data):
        """Call: the guest runs on ``host`` now; return its power_state there (int)."""
        return self._send_to(ctxt, host, "post_live_migration_at_destination", True,
                             instance=instance, migrate_data=migrate_data)

    def rollback_live_migration_at_destination(self, ctxt, instance, host, migrate_data):
        """Cast: remove what pre_live_migration made on ``host``."""
        self._send_to(ctxt, host, "rollback_live_migration_at_destination", False,
                      instance=instance, migrate_data=migrate_data)

    def live_migration_force_complete(self, ctxt, instance):
        """Cast to the source: finish the running live migration now (2.22)."""
        self._send_to(ctxt, instance.host, "live_migration_force_complete", False,
                      instance=instance)

    def live_migration_abort(self, ctxt, instance, migration_id):
        """Cast to the source: abort the running live migration ``migration_id`` (2.24)."""
        self._send_to(ctxt, instance.host, "live_migration_abort", False,
                      instance=instance, migration_id=migration_id)


#: The compute RPC version of live migration and evacuate.
LIVE_MIGRATION_VERSION = "6.8"
