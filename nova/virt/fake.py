"""A driver that keeps guests in memory: the whole stack runs without a hypervisor.

FakeDriver reports one node (named after [DEFAULT] host) with large,
fixed capacity so scale tests and the benchmark are bounded by the control
plane, not by the fake host. Its node UUID is kept in state_path like a real
driver's, so a restarted fake compute is the same resource provider. With
[fake_driver] node_count = N > 1 one process serves N such nodes, each a
compute node and resource provider of its own (scale tests).
Subclasses model failures for tests of rescheduling and fault recording.
"""

import os
import threading
import time
import uuid

from nova import conf as nova_conf
from nova import exception
from nova.compute import power_state
from nova.virt import driver, hardware, node

CONF = nova_conf.CONF

#: node uuid -> (lock, guests, console logs) of each fake hypervisor in this
#: process; see FakeDriver.init_host.
_HYPERVISORS = {}
_HYPERVISORS_LOCK = threading.Lock()


class FakeDriver(driver.ComputeDriver):
    """Guests are dict entries; "booting" one takes no time.

    Capacity: 1000 VCPU, 800000 MiB RAM, 600000 GiB disk, none used.
    """

    capabilities = dict(driver.ComputeDriver.capabilities, supports_vnc_console=True,
                        supports_pause=True, supports_suspend=True,
                        supports_trigger_crash_dump=True, supports_rescue=True,
                        supports_spice_console=True, supports_serial_console=True,
                        supports_migrate=True,
                        supports_live_migration=True,
                        # Guests are not real: any disk format "boots".
                        **{f"supports_image_type_{disk_format}": True
                           for disk_format in driver.IMAGE_TYPES})

    vcpus = 1000
    memory_mb = 800000
    local_gb = 600000

    #: The live-migration model: the copy takes this many steps of
    #: ``live_migration_step`` seconds, reporting progress after each.
    live_migration_steps = 4
    live_migration_step = 0.05

    def __init__(self, virtapi=None):
        super().__init__(virtapi)
        self._lock = threading.Lock()
        self._guests = {}  # instance uuid -> power state
        self._console = {}  # instance uuid -> bytes
        self._nodenames = None
        self._node_uuid = None
        self._host = None
        #: instance uuid -> the admin password last set (for tests).
        self.passwords = {}
        #: instance uuid -> the network_info its NICs were plugged with.
        self.plugged = {}
        #: instance uuid -> root disk size (GiB) after a move, for tests.
        self.disk_gb = {}
        #: instance uuid -> "abort" or "force_complete" asked of its running
        #: live migration; the uuids of those running.
        self._migration_requests = {}
        self._migrating = set()

    @staticmethod
    def node_names(host, count):
        """Return the node names of a fake host serving ``count`` nodes.

        :returns: [host] for one node, else ["<host>-1", ..., "<host>-<count>"].
        """
        if count <= 1:
            return [host]
        return [f"{host}-{index}" for index in range(1, count + 1)]

    def init_host(self, host):
        self._host = host
        self._nodenames = self.node_names(host, CONF.fake_driver.node_count)
        self._node_uuid = node.read_or_create_node_uuid(CONF.state_path)
        # Guests outlive nova-compute, as on a real host: a compute restarted
        # in this process on the same node finds the guests it left.
        with _HYPERVISORS_LOCK:
            self._lock, self._guests, self._console = _HYPERVISORS.setdefault(
                self._node_uuid, (self._lock, self._guests, self._console))

    def get_available_nodes(self, refresh=False):
        if self._nodenames is None:
            return self.node_names(CONF.host, CONF.fake_driver.node_count)
        return list(self._nodenames)

    def get_node_uuid(self, nodename):
        """Return the node's UUID: the host's own (state_path) for its only node.

        Further nodes' UUIDs derive from the host's UUID and the node name
        (uuid5), so they too survive a restart of nova-compute.
        """
        if self._node_uuid is None:
            self._node_uuid = node.read_or_create_node_uuid(CONF.state_path)
        nodes = self.get_available_nodes()
        if len(nodes) == 1 and nodename == nodes[0]:
            return self._node_uuid
        return str(uuid.uuid5(uuid.UUID(self._node_uuid), nodename))

    def get_available_resource(self, nodename):
        return hardware.HostResources(
            hypervisor_hostname=nodename,
            vcpus=self.vcpus,
            memory_mb=self.memory_mb,
            local_gb=self.local_gb,
            hypervisor_type="fake",
            hypervisor_version=1000,
            host_ip=CONF.my_ip,
        )

    def get_host_ip_addr(self):
        return CONF.my_ip

    def list_instance_uuids(self):
        with self._lock:
            return list(self._guests)

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        with self._lock:
            self._guests[instance.uuid] = power_state.RUNNING
            self._console[instance.uuid] = (
                f"fake guest {instance.uuid} booted from image "
                f"{(image_meta or {}).get('id')}\n".encode())

    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        with self._lock:
            self._guests.pop(instance.uuid, None)
            self._console.pop(instance.uuid, None)

    def get_info(self, instance):
        with self._lock:
            state = self._guests.get(instance.uuid)
        if state is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return hardware.InstanceInfo(state=state, internal_id=instance.uuid)

    def get_console_output(self, context, instance):
        with self._lock:
            if instance.uuid not in self._guests:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            return self._console[instance.uuid]

    def plug_vifs(self, instance, network_info):
        # Nothing is wired on the machine: the tests read what was asked.
        with self._lock:
            self.plugged[instance.uuid] = list(network_info or [])

    def unplug_vifs(self, instance, network_info):
        with self._lock:
            self.plugged.pop(instance.uuid, None)

    def get_instance_diagnostics(self, instance):
        with self._lock:
            state = self._guests.get(instance.uuid)
        if state is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        running = state == power_state.RUNNING
        vcpus = getattr(instance, "vcpus", None) or 1
        memory_mb = getattr(instance, "memory_mb", None) or 0
        # A fake guest has one disk and one NIC and has done nothing on them.
        # It answers as a libvirt guest would: API clients (tempest's schema
        # among them) only know the real drivers' names.
        return {
            "state": {power_state.RUNNING: "running", power_state.PAUSED: "paused",
                      power_state.SUSPENDED: "suspended"}.get(state, "shutdown"),
            "driver": "libvirt", "hypervisor": "fake", "hypervisor_os": "linux",
            "uptime": 0, "config_drive": bool(getattr(instance, "config_drive", None)),
            "num_cpus": vcpus, "num_disks": 1, "num_nics": 1,
            "memory_details": {"maximum": memory_mb, "used": memory_mb if running else 0},
            "cpu_details": [{"id": i, "time": 0, "utilisation": None}
                            for i in range(vcpus)] if running else [],
            "disk_details": [{"device": "vda", "read_bytes": 0, "read_requests": 0,
                              "write_bytes": 0, "write_requests": 0,
                              "errors_count": 0}] if running else [],
            "nic_details": [{"device": "tap0", "mac_address": "fa:16:3e:00:00:01",
                             "rx_octets": 0, "rx_packets": 0, "rx_errors": 0,
                             "rx_drop": 0, "rx_rate": None, "tx_octets": 0,
                             "tx_packets": 0, "tx_errors": 0, "tx_drop": 0,
                             "tx_rate": None}] if running else [],
        }

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._set_state(instance, power_state.SHUTDOWN)

    def power_on(self, context, instance, network_info=None, block_device_info=None):
        self._set_state(instance, power_state.RUNNING)

    def reboot(self, context, instance, reboot_type):
        self._set_state(instance, power_state.RUNNING)
        with self._lock:
            self._console[instance.uuid] += (
                f"fake guest {instance.uuid} rebooted ({reboot_type})\n".encode())

    def pause(self, instance):
        self._set_state(instance, power_state.PAUSED)

    def unpause(self, instance):
        self._set_state(instance, power_state.RUNNING)

    def suspend(self, context, instance):
        self._set_state(instance, power_state.SUSPENDED)

    def resume(self, context, instance, network_info=None, block_device_info=None):
        self._set_state(instance, power_state.RUNNING)

    def trigger_crash_dump(self, instance):
        if self.get_info(instance).state != power_state.RUNNING:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)

    def rescue(self, context, instance, image_meta, rescue_password, timeout=0):
        self._set_state(instance, power_state.RUNNING)
        with self._lock:
            self._console[instance.uuid] += (
                f"fake guest {instance.uuid} rescued with image {image_meta['id']}\n"
                .encode())

    def unrescue(self, context, instance):
        self._set_state(instance, power_state.RUNNING)
        with self._lock:
            self._console[instance.uuid] += f"fake guest {instance.uuid} unrescued\n".encode()

    def set_admin_password(self, instance, new_pass):
        self.get_info(instance)
        with self._lock:
            self.passwords[instance.uuid] = new_pass

    def get_vnc_console(self, context, instance):
        self.get_info(instance)
        return hardware.ConsoleVNC(host=CONF.my_ip, port=5900)

    def get_spice_console(self, context, instance):
        self.get_info(instance)
        return hardware.ConsoleSpice(host=CONF.my_ip, port=5950, tls_port=5951)

    def get_serial_console(self, context, instance):
        self.get_info(instance)
        return hardware.ConsoleSerial(host=CONF.my_ip, port=10000)

    def snapshot(self, context, instance, work_dir):
        self.get_info(instance)
        path = os.path.join(work_dir, "snapshot.raw")
        with open(path, "wb") as handle:
            handle.write(f"fake snapshot of {instance.uuid}\n".encode())
        return path, "raw"

    # -- resize and cold migration ----------------------------------------------

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info=None, block_device_info=None,
                                   timeout=0, retry_interval=0):
        self.get_info(instance)  # InstanceNotFound for a guest we do not have
        self._set_state(instance, power_state.SHUTDOWN)
        return {"root_gb": flavor.root_gb}

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         image_meta, resize_instance, allocations,
                         block_device_info=None, power_on=True):
        with self._lock:
            # The guest of a resize to the same host replaces the old one.
            self._guests[instance.uuid] = (power_state.RUNNING if power_on
                                           else power_state.SHUTDOWN)
            self._console.setdefault(instance.uuid, b"")
        self.disk_gb[instance.uuid] = instance.flavor.root_gb

    def confirm_migration(self, context, migration, instance, network_info=None):
        # A resize to the same host left one guest: the moved one.
        if migration.source_compute != migration.dest_compute:
            self.destroy(context, instance)

    def finish_revert_migration(self, context, instance, network_info=None,
                                migration=None, block_device_info=None,
                                power_on=True):
        with self._lock:
            self._guests[instance.uuid] = (power_state.RUNNING if power_on
                                           else power_state.SHUTDOWN)
            self._console.setdefault(instance.uuid, b"")
        self.disk_gb[instance.uuid] = instance.flavor.root_gb

    # -- live migration: a copy in steps, with progress, abort and force ------

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        """Copy the guest in steps; it keeps its power state throughout.

        The guest moves to the destination's fake hypervisor when that
        host's post_live_migration_at_destination runs; here it stays until
        post_live_migration. An abort between steps raises
        LiveMigrationAborted; a force-complete finishes at once.
        """
        state = self.get_info(instance).state
        memory = (instance.memory_mb or 0) * 1024 * 1024
        disk = (instance.root_gb or 0) * 1024 ** 3
        steps = max(1, self.live_migration_steps)
        with self._lock:
            self._migrating.add(instance.uuid)
            self._migration_requests.pop(instance.uuid, None)
        try:
            for step in range(1, steps + 1):
                time.sleep(self.live_migration_step)
                with self._lock:
                    request = self._migration_requests.pop(instance.uuid, None)
                if request == "abort":
                    raise exception.LiveMigrationAborted(instance_uuid=instance.uuid)
                self._copy_step(instance, step, steps)
                done = steps if request == "force_complete" else step
                monitor.progress(
                    memory_total=memory, memory_processed=memory * done // steps,
                    memory_remaining=memory - memory * done // steps,
                    disk_total=disk, disk_processed=disk * done // steps,
                    disk_remaining=disk - disk * done // steps)
                if request == "force_complete":
                    break
        finally:
            with self._lock:
                self._migrating.discard(instance.uuid)
        migrate_data["power_state"] = state
        migrate_data["console"] = self.get_console_output(context, instance).decode()

    def _copy_step(self, instance, step, steps):
        """One step of the copy (the failure variant fails here)."""

    def _request(self, instance, what):
        with self._lock:
            if instance.uuid not in self._migrating:
                raise exception.InvalidMigrationState(
                    migration_id="?", instance_uuid=instance.uuid, state="not running",
                    method=what)
            self._migration_requests[instance.uuid] = what

    def live_migration_force_complete(self, instance):
        self._request(instance, "force_complete")

    def live_migration_abort(self, instance):
        self._request(instance, "abort")

    def post_live_migration_at_destination(self, context, instance, migrate_data):
        with self._lock:
            self._guests[instance.uuid] = migrate_data.get("power_state",
                                                           power_state.RUNNING)
            self._console[instance.uuid] = (
                migrate_data.get("console", "")
                + f"fake guest {instance.uuid} live-migrated to {self._host or CONF.host}\n"
            ).encode()

    def _set_state(self, instance, state):
        with self._lock:
            if instance.uuid not in self._guests:
                raise exception.InstanceNotFound(instance_id=instance.uuid)
            self._guests[instance.uuid] = state


class FailingSpawnFakeDriver(FakeDriver):
    """Every spawn fails, as a broken hypervisor would: drives reschedule tests."""

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        raise exception.NovaException(
            f"fake spawn failure for instance {instance.uuid}")


class NoMigrateFakeDriver(FakeDriver):
    """A host that cannot take moved guests (no supports_migrate): resize reschedules."""

    capabilities = dict(FakeDriver.capabilities, supports_migrate=False)


class SmallFakeDriver(FakeDriver):
    """A host that fits only a couple of small guests: drives no-valid-host tests.

    Capacity: 2 VCPU, 2048 MiB RAM, 20 GiB disk.
    """

    vcpus = 2
    memory_mb = 2048
    local_gb = 20


class RawOnlyFakeDriver(FakeDriver):
    """A host whose hypervisor boots raw images only: drives image type tests."""

    capabilities = dict(FakeDriver.capabilities, **{
        f"supports_image_type_{disk_format}": disk_format == "raw"
        for disk_format in driver.IMAGE_TYPES})


class FailingActionsFakeDriver(FakeDriver):
    """Reboots and pauses fail, as on a hypervisor that refuses them.

    Drives the tests of an operation's failure handling: a failed reboot
    leaves the server in ERROR with a fault, a failed pause reverts it to
    ACTIVE with a fault (the server action table's ``on_error``).
    """

    def reboot(self, context, instance, reboot_type):
        raise exception.NovaException(f"fake reboot failure for instance {instance.uuid}")

    def pause(self, instance):
        raise exception.NovaException(f"fake pause failure for instance {instance.uuid}")


class FailingImagesFakeDriver(FakeDriver):
    """Rebuilds and snapshots fail: drives the image actions' failure tests.

    A failed rebuild leaves the server in ERROR with a fault; a failed
    snapshot (createImage, createBackup, shelve) reverts the server and
    deletes the image it was making.
    """

    def rebuild(self, context, instance, image_meta, injected_files, admin_password,
                allocations, preserve_ephemeral=False):
        raise exception.NovaException(f"fake rebuild failure for instance {instance.uuid}")

    def snapshot(self, context, instance, work_dir):
        raise exception.NovaException(f"fake snapshot failure for instance {instance.uuid}")


class FailingMigrateDiskFakeDriver(FakeDriver):
    """A source that cannot hand its guest over: migrate_disk_and_power_off fails."""

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info=None, block_device_info=None,
                                   timeout=0, retry_interval=0):
        raise exception.NovaException("fake migrate_disk_and_power_off failure")


class FailingMigrationFakeDriver(FakeDriver):
    """A destination that cannot take a moved guest: finish_migration fails."""

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         image_meta, resize_instance, allocations,
                         block_device_info=None, power_on=True):
        raise exception.NovaException("fake finish_migration failure")


class FailingLiveMigrationFakeDriver(FakeDriver):
    """Live migrations fail halfway, as when the destination's QEMU dies.

    Drives the rollback tests: the guest keeps running on the source, the
    migration is "error" and the instance keeps its source allocation.
    """

    def _copy_step(self, instance, step, steps):
        if step * 2 > steps:
            raise exception.LiveMigrationFailed(
                instance_uuid=instance.uuid, reason="fake copy failure")


class SlowLiveMigrationFakeDriver(FakeDriver):
    """Live migrations take about 20 s unless forced or aborted.

    Drives the tests of GET .../migrations, force_complete and abort, which
    need a migration that is still running.
    """

    live_migration_steps = 200
    live_migration_step = 0.1
