"""The contract between the compute manager and a hypervisor driver.

nova-compute talks to exactly one ComputeDriver, chosen by [DEFAULT]
compute_driver with upstream's spelling ("libvirt.LibvirtDriver",
"fake.FakeDriver"): the module path under nova.virt and the class name.
A driver only touches the hypervisor and local disk. It never writes to the
database or Placement; the compute manager and resource tracker do that with
what the driver returns.
"""

import abc
import logging

from oslo_utils import importutils

from nova import exception

LOG = logging.getLogger(__name__)


#: Glance disk formats with a standard Placement trait (COMPUTE_IMAGE_TYPE_*).
IMAGE_TYPES = ("aki", "ami", "ari", "iso", "qcow2", "raw", "vdi", "vhd", "vhdx",
               "vmdk", "ploop")


def image_type_traits(capabilities):
    """Return the COMPUTE_IMAGE_TYPE_<FORMAT> traits a driver's capabilities claim.

    :param capabilities: a driver's ``capabilities`` dict.
    :returns: set of trait names, e.g. {"COMPUTE_IMAGE_TYPE_QCOW2"}.
    """
    return {f"COMPUTE_IMAGE_TYPE_{disk_format.upper()}" for disk_format in IMAGE_TYPES
            if capabilities.get(f"supports_image_type_{disk_format}")}


class ComputeDriver(abc.ABC):
    """What every virt driver implements.

    Instances passed in are nova.objects.Instance; ``instance.flavor`` gives
    vcpus, memory_mb (MiB), root_gb (GiB). Methods raise NovaException
    subclasses on failure; the compute manager records them as instance
    faults and decides about rescheduling.
    """

    #: Feature flags the compute manager and scheduler may consult.
    #: ``supports_image_type_<disk_format>`` (see IMAGE_TYPES) become the
    #: node providers' COMPUTE_IMAGE_TYPE_<FORMAT> traits in Placement.
    capabilities = {
        "has_imagecache": False,
        "supports_console_output": True,
        "supports_vnc_console": False,
        "supports_pause": False,
        "supports_suspend": False,
        "supports_trigger_crash_dump": False,
        "supports_rescue": False,
        "supports_spice_console": False,
        "supports_serial_console": False,
        "supports_migrate": False,
        "supports_live_migration": False,
        **{f"supports_image_type_{disk_format}": False for disk_format in IMAGE_TYPES},
    }

    def __init__(self, virtapi=None):
        self.virtapi = virtapi

    # -- host ----------------------------------------------------------------

    def init_host(self, host):
        """Prepare the hypervisor connection for ``host`` (a hostname string).

        Called once at nova-compute start, before any other method.
        :raises: HypervisorUnavailable when the hypervisor cannot be reached.
        """

    def cleanup_host(self, host):
        """Release the hypervisor connection at service stop."""

    @abc.abstractmethod
    def get_available_nodes(self, refresh=False):
        """Return the node names (hypervisor_hostname strings) this host offers."""

    @abc.abstractmethod
    def get_node_uuid(self, nodename):
        """Return the UUID string of ``nodename``, stable across restarts.

        It names the compute node record and the Placement resource provider,
        so it must not change when nova-compute restarts.
        """

    @abc.abstractmethod
    def get_available_resource(self, nodename):
        """Return a nova.virt.hardware.HostResources for ``nodename``."""

    def get_host_ip_addr(self):
        """Return the IP address guests' consoles are reached on (string)."""
        return None

    # -- guests --------------------------------------------------------------

    @abc.abstractmethod
    def list_instance_uuids(self):
        """Return the UUIDs (strings) of every guest the hypervisor knows."""

    def instance_exists(self, instance):
        """Return True when the hypervisor has a guest for ``instance``."""
        return instance.uuid in self.list_instance_uuids()

    @abc.abstractmethod
    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        """Create and start the guest for ``instance``.

        :param image_meta: dict of the Glance image's metadata (id, disk_format,
            properties, ...).
        :param allocations: the Placement allocations of the instance,
            {rp_uuid: {"resources": {"VCPU": n, ...}}}.
        :raises: a NovaException subclass; the manager reschedules on
            RescheduledException-worthy failures and records a fault.
        Returns when the guest is running (or has failed).
        """

    @abc.abstractmethod
    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        """Stop and remove the guest, and its local disks when ``destroy_disks``.

        Must succeed when the guest is already gone, so a delete can always
        finish.
        """

    @abc.abstractmethod
    def get_info(self, instance):
        """Return nova.virt.hardware.InstanceInfo for the guest.

        :raises: InstanceNotFound when the hypervisor has no such guest.
        """

    @abc.abstractmethod
    def get_console_output(self, context, instance):
        """Return the guest's serial console log as bytes (may be empty)."""

    def plug_vifs(self, instance, network_info):
        """Wire the instance's NICs on this host before its guest starts.

        :param network_info: list of VIF dicts (nova.network.model).
        The default does nothing: a driver whose guests need no host
        networking (the fake driver) keeps it.
        """

    def unplug_vifs(self, instance, network_info):
        """Undo plug_vifs once the guest is gone; never fails for a missing NIC."""

    def get_instance_diagnostics(self, instance):
        """Return what the guest is doing (GET /servers/{id}/diagnostics).

        :returns: dict as nova.virt.libvirt.diagnostics.read describes:
            state, driver, hypervisor, hypervisor_os, uptime (s),
            config_drive, num_cpus, num_disks, num_nics, memory_details
            (MiB), cpu_details, disk_details and nic_details (each with
            its ``device`` name).
        :raises InstanceNotFound: the hypervisor has no such guest.
        :raises NotImplementedError: the driver cannot tell (501).
        """
        raise NotImplementedError()

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest; ``timeout`` seconds of clean shutdown before forcing.

        :param timeout: seconds the guest has to shut down after the ACPI
            power button; 0 powers it off at once.
        :param retry_interval: seconds between checks of the guest's state.
        Succeeds when the guest is already off.
        """
        raise NotImplementedError()

    def power_on(self, context, instance, network_info=None, block_device_info=None):
        """Start a stopped guest."""
        raise NotImplementedError()

    def reboot(self, context, instance, reboot_type):
        """Reboot the guest.

        :param reboot_type: "SOFT": ask the guest to shut down (ACPI) and
            start it again, falling back to HARD when it has not shut down
            within [libvirt] wait_soft_reboot_seconds (or the driver's
            equivalent); "HARD": power it off and start it again from its
            definition, whatever state it is in (also from off, paused or
            suspended).
        Returns when the guest runs again.
        """
        raise NotImplementedError()

    def pause(self, instance):
        """Stop the guest's CPUs, keeping it in memory (capability supports_pause)."""
        raise NotImplementedError()

    def unpause(self, instance):
        """Let a paused guest run again."""
        raise NotImplementedError()

    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it (capability supports_suspend)."""
        raise NotImplementedError()

    def resume(self, context, instance, network_info=None, block_device_info=None):
        """Start a suspended guest from its saved memory."""
        raise NotImplementedError()

    def trigger_crash_dump(self, instance):
        """Inject an NMI into the guest (capability supports_trigger_crash_dump).

        :raises InstanceNotRunning: the guest is not running.
        """
        raise NotImplementedError()

    def rescue(self, context, instance, image_meta, rescue_password, timeout=0):
        """Boot ``image_meta`` with the instance's disk attached second.

        :param image_meta: the rescue image's Glance metadata dict.
        :param rescue_password: admin password for the rescue guest, or None.
        :param timeout: seconds the running guest gets to shut down first.
        Capability supports_rescue. ``unrescue`` undoes it.
        """
        raise NotImplementedError()

    def unrescue(self, context, instance):
        """Remove the rescue guest and boot the instance from its own disk."""
        raise NotImplementedError()

    def set_admin_password(self, instance, new_pass):
        """Set the guest's administrative password.

        :raises InstanceAgentNotEnabled: the guest runs no agent to do it.
        :raises NotImplementedError: the driver cannot set passwords.
        """
        raise NotImplementedError()

    def rebuild(self, context, instance, image_meta, injected_files, admin_password,
                allocations, preserve_ephemeral=False):
        """Give the guest a fresh root disk from ``image_meta`` and boot it.

        The instance keeps its identity (uuid, domain, flavor); its disk,
        kernel and ramdisk are the new image's. By default the guest and
        its disks are destroyed and spawned again, as upstream's default
        rebuild; a driver with ephemeral disks keeps them when
        ``preserve_ephemeral`` (none here has any).

        :param image_meta: the new image's Glance metadata dict.
        :param allocations: the instance's Placement allocations (as spawn).
        Returns when the guest runs.
        """
        self.destroy(context, instance, destroy_disks=True)
        self.spawn(context, instance, image_meta, injected_files, admin_password,
                   allocations)

    # -- resize and cold migration (capability supports_migrate) --------------

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info=None, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Source host: power the guest off and hand its disks to ``dest``.

        The guest stays defined (off) here until the move is confirmed
        (``confirm_migration``) or reverted (``finish_revert_migration``).

        :param dest: the destination host's name (may be this host).
        :param flavor: the flavor the instance moves to.
        :param timeout: seconds the guest gets to shut down cleanly.
        :returns: a JSON-able disk_info for ``finish_migration``.
        """
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         image_meta, resize_instance, allocations,
                         block_device_info=None, power_on=True):
        """Destination host: define and (when ``power_on``) start the moved guest.

        ``instance.flavor`` is already the new flavor; with
        ``resize_instance`` the root disk grows to its ``root_gb``.

        :param disk_info: what ``migrate_disk_and_power_off`` returned.
        :param allocations: the instance's Placement allocations here.
        """
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance, network_info=None):
        """Source host: remove the guest and disks a confirmed move left here."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, network_info=None,
                                migration=None, block_device_info=None,
                                power_on=True):
        """Source host: take the guest back (old flavor) and start it if ``power_on``."""
        raise NotImplementedError()

    def snapshot(self, context, instance, work_dir):
        """Write a standalone copy of the guest's root disk into ``work_dir``.

        The disk is read while the guest is paused or off (a crash-consistent
        "cold" snapshot); the guest is left in the power state it was in.

        :param work_dir: an existing, empty directory the caller removes.
        :returns: (path of the image file, its Glance disk_format, e.g.
            "qcow2" or "raw").
        :raises InstanceNotFound: the hypervisor has no such guest.
        """
        raise NotImplementedError()

    def get_vnc_console(self, context, instance):
        """Return nova.virt.hardware.ConsoleVNC for the guest's VNC server."""
        raise exception.ConsoleTypeUnavailable(console_type="novnc")

    def get_spice_console(self, context, instance):
        """Return nova.virt.hardware.ConsoleSpice for the guest's SPICE server.

        :raises ConsoleTypeUnavailable: the guest has no SPICE graphics.
        :raises InstanceNotFound: the hypervisor has no such guest.
        """
        raise exception.ConsoleTypeUnavailable(console_type="spice-html5")

    def get_serial_console(self, context, instance):
        """Return nova.virt.hardware.ConsoleSerial for the guest's first serial port.

        :raises ConsoleTypeUnavailable: the guest's serial port is not a
            TCP server (defined while [serial_console] was off).
        :raises InstanceNotFound: the hypervisor has no such guest.
        """
        raise exception.ConsoleTypeUnavailable(console_type="serial")

    # -- live migration (capability supports_live_migration) --------------------
    # The order: check_can_live_migrate_destination and pre_live_migration on
    # the destination, live_migration on the source (returns when the guest
    # runs on the destination), post_live_migration on the source and
    # post_live_migration_at_destination on the destination; on failure or
    # abort rollback_live_migration on the source and
    # rollback_live_migration_at_destination on the destination.

    def check_can_live_migrate_destination(self, context, instance, block_migration):
        """Return the migrate data dict this host adds (called on the destination).

        :param block_migration: True, False or None (decide: "auto").
        :returns: {"block_migration": bool, ...}; without shared storage
            the disks are copied (True).
        :raises MigrationPreCheckError: this host cannot take the guest.
        """
        return {"block_migration": True if block_migration is None else block_migration}

    def pre_live_migration(self, context, instance, migrate_data):
        """Prepare this (destination) host for the guest: its directory, its disks.

        :returns: the migrate data dict, with what the source needs added.
        """
        return dict(migrate_data)

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        """Move the running guest to ``dest`` (called on the source).

        :param dest: the destination's host name.
        :param monitor: an object whose ``progress(**counters)`` takes the
            byte counters memory_total, memory_processed,
            memory_remaining, disk_total, disk_processed, disk_remaining
            while the copy runs.
        Returns when the guest runs on ``dest`` and no longer here.
        :raises LiveMigrationAborted: ``live_migration_abort`` stopped it;
            the guest still runs here.
        :raises: any other error: the migration failed, the guest still
            runs here.
        """
        raise NotImplementedError()

    def live_migration_force_complete(self, instance):
        """Make the running live migration of ``instance`` finish now (2.22)."""
        raise NotImplementedError()

    def live_migration_abort(self, instance):
        """Stop the running live migration of ``instance`` (2.24).

        :raises InvalidMigrationState: there is none to abort.
        """
        raise NotImplementedError()

    def post_live_migration(self, context, instance, migrate_data):
        """Remove what is left of the guest here (the source) after its move."""
        self.destroy(context, instance, destroy_disks=True)

    def post_live_migration_at_destination(self, context, instance, migrate_data):
        """Take the guest that arrived here as this host's own."""

    def rollback_live_migration(self, context, instance, migrate_data):
        """Undo on the source what a failed or aborted live migration left."""

    def rollback_live_migration_at_destination(self, context, instance, migrate_data):
        """Remove from this destination what pre_live_migration made."""
        self.destroy(context, instance, destroy_disks=True)


#: Short names accepted for [DEFAULT] compute_driver, as upstream documents.
DRIVER_ALIASES = {
    "libvirt": "libvirt.LibvirtDriver",
    "fake": "fake.FakeDriver",
}


def load_compute_driver(virtapi, compute_driver):
    """Import and build the driver named like upstream's [DEFAULT] compute_driver.

    :param compute_driver: "<module under nova.virt>.<Class>", for example
        "libvirt.LibvirtDriver" or "fake.FakeDriver", or a short name from
        DRIVER_ALIASES ("libvirt", "fake").
    :returns: a ComputeDriver instance.
    :raises: InvalidInput when the name is empty, cannot be imported, or is not
        a ComputeDriver.
    """
    if not compute_driver:
        raise exception.InvalidInput(reason="[DEFAULT] compute_driver is not set")
    compute_driver = DRIVER_ALIASES.get(compute_driver, compute_driver)
    LOG.info("Loading compute driver '%s'", compute_driver)
    try:
        driver = importutils.import_object(f"nova.virt.{compute_driver}", virtapi)
    except ImportError as exc:
        raise exception.InvalidInput(
            reason=f"cannot load compute driver {compute_driver!r}: {exc}") from exc
    if not isinstance(driver, ComputeDriver):
        raise exception.InvalidInput(
            reason=f"{compute_driver!r} is not a ComputeDriver")
    return driver
