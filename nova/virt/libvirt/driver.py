"""The libvirt driver: guests under QEMU (TCG or KVM) on this host.

A spawn fetches the Glance image once into the host's cache, gives the
instance its own qcow2 overlay in ``<instances_path>/<uuid>/``, boots the
kernel directly when the image names kernel_id/ramdisk_id, writes the
first serial port to ``console.log`` (read by os-getConsoleOutput; with
[serial_console] enabled the port is also a TCP server for
nova-serialproxy), gives the guest a virtio NIC on its network's bridge per
VIF of network_info, attaches a config drive (``disk.config``, a CD-ROM)
when the instance asks for one or [DEFAULT] force_config_drive is set, and
offers VNC on [vnc] server_listen and SPICE on [spice]
server_listen when those are enabled. [libvirt] virt_type is honoured as set:
the driver never upgrades qemu to kvm because the host advertises kvm.
"""

import contextlib
import logging
import os
import shutil
import threading
import time
import xml.etree.ElementTree as ET

import libvirt
from oslo_concurrency import processutils
from oslo_utils import units

from nova import conf as nova_conf
from nova import exception
from nova.compute import power_state
from nova.console import serial as serial_ports
from nova.network import host as network_host
from nova.virt import configdrive, driver, hardware, node
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import diagnostics, imagebackend, imagecache, vif
from nova.virt.libvirt import host as libvirt_host

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: How much of the console log os-getConsoleOutput may return (bytes), as upstream.
MAX_CONSOLE_BYTES = 100 * units.Ki

_POWER_STATES = {
    libvirt.VIR_DOMAIN_NOSTATE: power_state.NOSTATE,
    libvirt.VIR_DOMAIN_RUNNING: power_state.RUNNING,
    libvirt.VIR_DOMAIN_BLOCKED: power_state.RUNNING,
    libvirt.VIR_DOMAIN_PAUSED: power_state.PAUSED,
    libvirt.VIR_DOMAIN_SHUTDOWN: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_SHUTOFF: power_state.SHUTDOWN,
    libvirt.VIR_DOMAIN_CRASHED: power_state.CRASHED,
    libvirt.VIR_DOMAIN_PMSUSPENDED: power_state.SUSPENDED,
}


def domain_name(instance):
    """Return the libvirt domain name: [DEFAULT] instance_name_template of the instance.

    Instance.name applies the template; plain stand-ins in tests fall back
    to instance-<uuid>.
    """
    name = getattr(instance, "name", None)
    return name if name else f"instance-{instance.uuid}"


def _cpu_mode():
    """Return the guest CPU mode for the domain XML: [libvirt] cpu_mode.

    :returns: "host-model" or "host-passthrough", or None for no ``<cpu>``
        element (cpu_mode ``none``, or unset under a virt_type other than
        kvm: a host CPU model needs hardware acceleration).
    """
    mode = CONF.libvirt.cpu_mode
    if mode is None:
        return "host-model" if CONF.libvirt.virt_type == "kvm" else None
    return None if mode == "none" else mode


class LibvirtDriver(driver.ComputeDriver):
    """ComputeDriver on libvirt; see the module docstring for the disk layout.

    :param image_api: the Glance client (nova.image.glance.API or anything
        with ``download(context, image_id, dst_path)``); tests pass their own.
    """

    capabilities = dict(
        driver.ComputeDriver.capabilities,
        has_imagecache=True,
        supports_vnc_console=True,
        supports_pause=True,
        supports_suspend=True,
        supports_trigger_crash_dump=True,
        supports_rescue=True,
        supports_spice_console=True,
        supports_serial_console=True,
        supports_migrate=True,
        # Block migration only: hosts share no instance storage.
        supports_live_migration=True,
        # Instance disks are qcow2 overlays on the cached image, which
        # qemu reads as raw or qcow2.
        supports_image_type_raw=True,
        supports_image_type_qcow2=True,
    )

    def __init__(self, virtapi=None, image_api=None):
        super().__init__(virtapi)
        uri = CONF.libvirt.connection_uri or libvirt_host.DEFAULT_URIS[CONF.libvirt.virt_type]
        self._host = libvirt_host.Host(uri)
        self._image_api = image_api
        self._cache = None
        self._nodename = None
        #: instance uuid -> {"dom", "abort", "paused"} of the live
        #: migrations running from this host.
        self._migrations = {}
        self._migrations_lock = threading.Lock()

    # -- host ----------------------------------------------------------------

    def set_image_api(self, image_api):
        """Give the driver its Glance client (the compute manager owns it)."""
        self._image_api = image_api
        self._cache = None

    @property
    def image_cache(self):
        if self._cache is None:
            base_dir = os.path.join(CONF.instances_path, CONF.image_cache.subdirectory_name)
            self._cache = imagecache.ImageCache(base_dir, self._image_api)
        return self._cache

    def init_host(self, host):
        conn = self._host.get_connection()
        self._nodename = conn.getHostname()
        os.makedirs(CONF.instances_path, exist_ok=True)
        # Guests defined before a restart keep their serial ports: do not
        # hand those out again, even while the guest is stopped.
        for dom in conn.listAllDomains():
            for host, port in _serial_tcp_ports(dom):
                serial_ports.reserve_port(host, port)
        LOG.info("libvirt driver on %s (virt_type=%s, libvirt %s)",
                 self._host.uri, CONF.libvirt.virt_type, conn.getLibVersion())

    def cleanup_host(self, host):
        self._host.close()

    def get_available_nodes(self, refresh=False):
        if self._nodename is None or refresh:
            self._nodename = self._host.get_connection().getHostname()
        return [self._nodename]

    def get_node_uuid(self, nodename):
        return node.read_or_create_node_uuid(CONF.state_path)

    def get_available_resource(self, nodename):
        conn = self._host.get_connection()
        arch, memory_mib, cpus, *_rest = conn.getInfo()
        disk = os.statvfs(CONF.instances_path)
        total_gb = disk.f_frsize * disk.f_blocks // units.Gi
        free_gb = disk.f_frsize * disk.f_bavail // units.Gi
        vcpus_used = 0
        memory_used_mib = memory_mib - conn.getFreeMemory() // units.Mi
        for dom in conn.listAllDomains(libvirt.VIR_CONNECT_LIST_DOMAINS_ACTIVE):
            try:
                vcpus_used += dom.info()[3]
            except libvirt.libvirtError as exc:
                # A transient guest (another deployment's, or one being
                # deleted) may vanish between the listing and this call.
                if exc.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                    raise
        return hardware.HostResources(
            hypervisor_hostname=nodename,
            vcpus=cpus,
            memory_mb=memory_mib,
            local_gb=total_gb,
            vcpus_used=vcpus_used,
            memory_mb_used=memory_used_mib,
            local_gb_used=total_gb - free_gb,
            hypervisor_type="QEMU",
            hypervisor_version=conn.getVersion(),
            disk_available_least=free_gb,
            host_ip=CONF.my_ip,
            supported_instances=((arch, CONF.libvirt.virt_type, "hvm"),),
        )

    def get_host_ip_addr(self):
        return CONF.my_ip

    # -- guests --------------------------------------------------------------

    def list_instance_uuids(self):
        return [dom.UUIDString() for dom in self._host.get_connection().listAllDomains()]

    def instance_exists(self, instance):
        return self._host.lookup_domain(instance.uuid) is not None

    def _instance_dir(self, instance):
        return os.path.join(CONF.instances_path, instance.uuid)

    def _console_log(self, instance):
        return os.path.join(self._instance_dir(instance), "console.log")

    def _boot_files(self, context, image_meta):
        """Return (kernel, initrd, cmdline) for direct kernel boot, or Nones."""
        props = image_meta.get("properties") or {}
        kernel_id = props.get("kernel_id") or image_meta.get("kernel_id")
        if not kernel_id:
            return None, None, None
        kernel = self.image_cache.fetch(context, kernel_id)
        ramdisk_id = props.get("ramdisk_id") or image_meta.get("ramdisk_id")
        initrd = self.image_cache.fetch(context, ramdisk_id) if ramdisk_id else None
        cmdline = props.get("os_command_line") or "root=/dev/vda console=tty0 console=ttyS0"
        return kernel, initrd, cmdline

    def build_guest_config(self, instance, disk_path, kernel=None, initrd=None,
                           cmdline=None, serial_port=None, network_info=None,
                           config_drive_path=None):
        """Return the vconfig.Guest for ``instance`` (no side effects).

        :param serial_port: TCP port (int) the first serial port listens on
            at [serial_console] proxyclient_address, or None for a serial
            port that only writes the console log.
        :param network_info: list of VIF dicts: one virtio NIC each, in order.
        :param config_drive_path: the instance's config drive ISO, attached
            as a CD-ROM, or None.
        """
        flavor = instance.flavor
        if serial_port is None:
            serial = vconfig.GuestSerialLog(self._console_log(instance))
        else:
            serial = vconfig.GuestSerialTCP(
                CONF.serial_console.proxyclient_address, serial_port,
                self._console_log(instance))
        spice = None
        if CONF.spice.enabled:
            spice = vconfig.GuestSpice(CONF.spice.server_listen, CONF.spice.agent_enabled)
        return vconfig.Guest(
            name=domain_name(instance),
            uuid=instance.uuid,
            virt_type=CONF.libvirt.virt_type,
            memory_mib=flavor.memory_mb,
            vcpus=flavor.vcpus,
            os=vconfig.GuestOS(kernel=kernel, initrd=initrd, cmdline=cmdline),
            disks=[vconfig.GuestDisk(source_path=disk_path)],
            cdrom=vconfig.GuestCDROM(config_drive_path) if config_drive_path else None,
            interfaces=vif.get_configs(network_info),
            serial_log=serial,
            vnc=vconfig.GuestVNC(CONF.vnc.server_listen) if CONF.vnc.enabled else None,
            spice=spice,
            metadata=vconfig.GuestMetadata(
                display_name=instance.display_name or "",
                flavor_name=flavor.name,
                project_id=instance.project_id,
                user_id=instance.user_id,
            ),
            cpu_mode=_cpu_mode(),
        )

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        inst_dir = self._instance_dir(instance)
        os.makedirs(inst_dir, exist_ok=True)
        serial_port = None
        try:
            base = self.image_cache.fetch(context, image_meta["id"])
            disk = imagebackend.create_overlay(
                base, os.path.join(inst_dir, "disk"), size_gb=instance.flavor.root_gb)
            kernel, initrd, cmdline = self._boot_files(context, image_meta)
            if CONF.serial_console.enabled:
                serial_port = serial_ports.acquire_port(CONF.serial_console.proxyclient_address)
            config_drive = None
            if configdrive.required_by(instance):
                config_drive = os.path.join(inst_dir, "disk.config")
                configdrive.make_drive(config_drive, instance, network_info)
            guest = self.build_guest_config(instance, disk, kernel, initrd, cmdline,
                                            serial_port=serial_port,
                                            network_info=network_info,
                                            config_drive_path=config_drive)
            conn = self._host.get_connection()
            dom = conn.defineXML(guest.to_xml())
            dom.create()
        except Exception:
            # Leave nothing behind for a reschedule or a delete to trip over.
            self._remove_domain(instance)
            if serial_port is not None:
                serial_ports.release_port(CONF.serial_console.proxyclient_address,
                                          serial_port)
            shutil.rmtree(inst_dir, ignore_errors=True)
            raise
        LOG.info("Instance %s spawned as domain %s", instance.uuid, guest.name)

    def _remove_domain(self, instance):
        dom = self._host.lookup_domain(instance.uuid)
        if dom is None:
            return
        ports = _serial_tcp_ports(dom)
        try:
            if dom.isActive():
                dom.destroy()
        except libvirt.libvirtError as exc:
            if exc.get_error_code() != libvirt.VIR_ERR_OPERATION_INVALID:
                raise
        try:
            # A suspended guest has a managed save image: it goes too.
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM
                              | libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() != libvirt.VIR_ERR_NO_DOMAIN:
                raise
        for host, port in ports:
            serial_ports.release_port(host, port)

    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        self._remove_domain(instance)
        if destroy_disks:
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def get_info(self, instance):
        dom = self._host.lookup_domain(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        state, reason = dom.state()
        nova_state = _POWER_STATES.get(state, power_state.NOSTATE)
        if state == libvirt.VIR_DOMAIN_SHUTOFF and reason == libvirt.VIR_DOMAIN_SHUTOFF_SAVED:
            # Suspended through managed save: off, with its memory on disk.
            nova_state = power_state.SUSPENDED
        return hardware.InstanceInfo(state=nova_state, internal_id=dom.name())

    def get_console_output(self, context, instance):
        path = self._console_log(instance)
        if not self.instance_exists(instance):
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        try:
            with open(path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - MAX_CONSOLE_BYTES))
                return handle.read()
        except FileNotFoundError:
            return b""

    def plug_vifs(self, instance, network_info):
        # The bridge, DHCP lease, NAT and firewall live in this host's
        # network namespace (nova.network.host).
        network_host.plug_vifs(instance, network_info)

    def unplug_vifs(self, instance, network_info):
        network_host.unplug_vifs(instance, network_info)

    def get_instance_diagnostics(self, instance):
        dom = self._domain(instance)
        state = _POWER_STATES.get(dom.info()[0], power_state.NOSTATE)
        return diagnostics.read(dom, state, hypervisor=CONF.libvirt.virt_type,
                                config_drive=bool(getattr(instance, "config_drive", None)))

    def power_off(self, instance, timeout=0, retry_interval=0):
        dom = self._domain(instance)
        if not dom.isActive():
            return
        # A paused guest cannot see the ACPI button: waiting would only delay.
        if timeout and dom.state()[0] != libvirt.VIR_DOMAIN_PAUSED:
            dom.shutdown()
            if self._wait_until_off(dom, timeout, max(retry_interval, 0.5)):
                LOG.info("Instance %s shut down cleanly", instance.uuid)
                return
            LOG.warning("Instance %s did not shut down within %d s; powering it off",
                        instance.uuid, timeout)
        try:
            dom.destroy()
        except libvirt.libvirtError as exc:
            # It may have finished shutting down between the check and now.
            if exc.get_error_code() != libvirt.VIR_ERR_OPERATION_INVALID:
                raise

    def power_on(self, context, instance, network_info=None, block_device_info=None):
        dom = self._host.lookup_domain(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        if not dom.isActive():
            dom.create()

    def _domain(self, instance):
        dom = self._host.lookup_domain(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom

    @staticmethod
    def _wait_until_off(dom, timeout, interval=0.5):
        """Poll until ``dom`` is off; True if it is within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if not dom.isActive():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def reboot(self, context, instance, reboot_type):
        dom = self._domain(instance)
        if reboot_type == "SOFT" and dom.isActive() and \
                dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING:
            # QEMU's own reboot would keep the running definition; a real
            # shutdown and start picks up the domain's current definition.
            dom.shutdown()
            if self._wait_until_off(dom, CONF.libvirt.wait_soft_reboot_seconds):
                dom.create()
                LOG.info("Instance %s soft rebooted", instance.uuid)
                return
            LOG.warning("Instance %s did not shut down within %d s of the ACPI "
                        "button; rebooting it hard", instance.uuid,
                        CONF.libvirt.wait_soft_reboot_seconds)
        self._hard_reboot(dom, instance)

    def _hard_reboot(self, dom, instance):
        if dom.isActive():
            dom.destroy()
        if dom.hasManagedSaveImage(0):
            # A hard reboot boots afresh: the suspended memory is dropped.
            dom.managedSaveRemove(0)
        dom.create()
        LOG.info("Instance %s hard rebooted", instance.uuid)

    def pause(self, instance):
        self._domain(instance).suspend()

    def unpause(self, instance):
        self._domain(instance).resume()

    def suspend(self, context, instance):
        # libvirt's managed save: memory to a file libvirt owns; the next
        # create() restores from it.
        self._domain(instance).managedSave(0)

    def resume(self, context, instance, network_info=None, block_device_info=None):
        dom = self._domain(instance)
        if not dom.isActive():
            dom.create()

    def trigger_crash_dump(self, instance):
        dom = self._domain(instance)
        if dom.state()[0] != libvirt.VIR_DOMAIN_RUNNING:
            raise exception.InstanceNotRunning(instance_id=instance.uuid)
        dom.injectNMI(0)

    def _rescue_files(self, instance):
        inst_dir = self._instance_dir(instance)
        return (os.path.join(inst_dir, "unrescue.xml"),
                os.path.join(inst_dir, "disk.rescue"))

    def rescue(self, context, instance, image_meta, rescue_password, timeout=0):
        dom = self._domain(instance)
        unrescue_xml, rescue_path = self._rescue_files(instance)
        # The server's own definition, to come back to at unrescue.
        with open(unrescue_xml, "w") as handle:
            handle.write(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self.power_off(instance, timeout, retry_interval=1)
        base = self.image_cache.fetch(context, image_meta["id"])
        rescue_disk = imagebackend.create_overlay(
            base, rescue_path, size_gb=instance.flavor.root_gb)
        kernel, initrd, cmdline = self._boot_files(context, image_meta)
        guest = self.build_guest_config(instance, rescue_disk, kernel, initrd, cmdline)
        # The server's disk second: the rescue guest sees it as vdb.
        guest.disks.append(vconfig.GuestDisk(
            source_path=os.path.join(self._instance_dir(instance), "disk"),
            target_dev="vdb"))
        conn = self._host.get_connection()
        conn.defineXML(guest.to_xml()).create()
        LOG.info("Instance %s rescued with image %s", instance.uuid, image_meta["id"])

    def unrescue(self, context, instance):
        dom = self._domain(instance)
        unrescue_xml, rescue_path = self._rescue_files(instance)
        if dom.isActive():
            dom.destroy()
        with open(unrescue_xml) as handle:
            definition = handle.read()
        self._host.get_connection().defineXML(definition).create()
        for path in (rescue_path, unrescue_xml):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        LOG.info("Instance %s unrescued", instance.uuid)

    def set_admin_password(self, instance, new_pass):
        sysmeta = instance.system_metadata if instance.obj_attr_is_set(
            "system_metadata") else {}
        if sysmeta.get("image_hw_qemu_guest_agent", "").lower() not in ("yes", "true", "1"):
            # Only a guest agent can change a running guest's password.
            raise exception.InstanceAgentNotEnabled()
        try:
            self._domain(instance).setUserPassword("root", new_pass, 0)
        except libvirt.libvirtError as exc:
            raise exception.InstancePasswordSetFailed(
                instance=instance.uuid, reason=exc.get_error_message()) from exc

    def snapshot(self, context, instance, work_dir):
        """Flatten the instance's qcow2 overlay and its base into one image file.

        A running guest is paused while ``qemu-img convert`` reads its disk
        (QEMU flushes its writes when it pauses) and resumed afterwards; a
        paused, stopped or suspended one is read as it is. The format is
        [libvirt] snapshot_image_format, qcow2 when unset (the format of
        the instance's disk).
        """
        dom = self._domain(instance)
        disk_format = CONF.libvirt.snapshot_image_format or "qcow2"
        target = os.path.join(work_dir, f"snapshot.{disk_format}")
        paused = dom.state()[0] in (libvirt.VIR_DOMAIN_RUNNING, libvirt.VIR_DOMAIN_BLOCKED)
        if paused:
            dom.suspend()
        try:
            # --force-share: QEMU keeps its lock on the disk while paused.
            processutils.execute(
                "qemu-img", "convert", "--force-share", "-O", disk_format,
                os.path.join(self._instance_dir(instance), "disk"), target)
        finally:
            if paused:
                dom.resume()
        LOG.info("Instance %s: root disk copied for a snapshot (%s)", instance.uuid,
                 disk_format)
        return target, disk_format

    # -- resize and cold migration ----------------------------------------------
    # The source keeps the instance's directory as "<dir>_resize" until the
    # move is confirmed (removed) or reverted (renamed back). The disk, a
    # qcow2 overlay whose backing file is the cached image at the same path
    # on every host, is copied to the destination through its libvirtd
    # (a storage volume upload over qemu+tcp://<dest>/system): hosts share
    # no storage and need no ssh between them.

    def _resize_dir(self, instance):
        return self._instance_dir(instance) + "_resize"

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info=None, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Power off, keep the directory as <dir>_resize, copy the disk to ``dest``.

        :param dest: the destination's address (``[DEFAULT] my_ip`` there);
            this host's own address for a resize to the same host.
        :raises InstanceFaultRollback-like errors as libvirtError or
            ProcessExecutionError; the guest is then left powered off here
            with its directory in place.
        """
        self.power_off(instance, timeout, retry_interval)
        inst_dir = self._instance_dir(instance)
        resize_dir = self._resize_dir(instance)
        shutil.rmtree(resize_dir, ignore_errors=True)
        os.rename(inst_dir, resize_dir)
        disk = os.path.join(resize_dir, "disk")
        try:
            if dest in (self.get_host_ip_addr(), CONF.host):
                os.makedirs(inst_dir, exist_ok=True)
                shutil.copyfile(disk, os.path.join(inst_dir, "disk"))
            else:
                self._upload_disk(dest, disk, inst_dir)
        except Exception:
            shutil.rmtree(inst_dir, ignore_errors=True)
            os.rename(resize_dir, inst_dir)
            raise
        LOG.info("Instance %s: disk handed to %s", instance.uuid, dest)
        return {"disk_format": "qcow2"}

    @staticmethod
    def _upload_disk(dest, path, inst_dir):
        """Copy the file ``path`` to ``inst_dir``/disk on ``dest``'s libvirtd."""
        conn = libvirt.open(f"qemu+tcp://{dest}/system")
        try:
            name = "nova-move-" + os.path.basename(inst_dir)
            pool = conn.storagePoolCreateXML(
                f"<pool type='dir'><name>{name}</name><target><path>{inst_dir}</path>"
                f"</target></pool>", libvirt.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
            try:
                size = os.path.getsize(path)
                # A raw volume of the file's size: the upload writes the
                # qcow2 file's bytes into it as they are.
                vol = pool.createXML(
                    f"<volume><name>disk</name><capacity>{size}</capacity>"
                    f"<allocation>0</allocation><target><format type='raw'/>"
                    f"<permissions><mode>0644</mode></permissions></target></volume>", 0)
                stream = conn.newStream(0)
                vol.upload(stream, 0, size, 0)
                with open(path, "rb") as handle:
                    stream.sendAll(lambda _st, nbytes, fh: fh.read(nbytes), handle)
                stream.finish()
            finally:
                pool.destroy()
        finally:
            conn.close()

    def _define_moved(self, context, instance, image_meta, power_on):
        """Define the instance's domain on its disk here and start it if asked."""
        disk = os.path.join(self._instance_dir(instance), "disk")
        kernel, initrd, cmdline = self._boot_files(context, image_meta)
        serial_port = None
        if CONF.serial_console.enabled:
            serial_port = serial_ports.acquire_port(CONF.serial_console.proxyclient_address)
        guest = self.build_guest_config(instance, disk, kernel, initrd, cmdline,
                                        serial_port=serial_port)
        dom = self._host.get_connection().defineXML(guest.to_xml())
        if power_on:
            dom.create()

    def _image_meta(self, context, instance, image_meta):
        """The image's Glance metadata (kernel and ramdisk ids), or ``image_meta``."""
        if self._image_api is not None and instance.image_ref:
            try:
                return self._image_api.show(context, instance.image_ref)
            except Exception:
                LOG.warning("Could not read image %s of instance %s; booting with "
                            "what the instance recorded", instance.image_ref,
                            instance.uuid)
        return image_meta or {}

    def finish_migration(self, context, migration, instance, disk_info, network_info,
                         image_meta, resize_instance, allocations,
                         block_device_info=None, power_on=True):
        """Grow the disk to the new flavor's root_gb, define the guest, start it."""
        disk = os.path.join(self._instance_dir(instance), "disk")
        if instance.image_ref:
            # The overlay's backing file: the cached image, fetched here if new.
            self.image_cache.fetch(context, instance.image_ref)
        root_gb = instance.flavor.root_gb
        if resize_instance and root_gb and \
                root_gb * units.Gi > imagebackend.image_info(disk)["virtual-size"]:
            processutils.execute("qemu-img", "resize", disk, f"{root_gb}G")
        self._define_moved(context, instance,
                           self._image_meta(context, instance, image_meta), power_on)
        LOG.info("Instance %s: moved here with flavor %s", instance.uuid,
                 instance.flavor.name)

    def confirm_migration(self, context, migration, instance, network_info=None):
        """Remove what the move left on the source: its domain (other host) and disk."""
        if migration.source_compute != migration.dest_compute:
            self._remove_domain(instance)
        shutil.rmtree(self._resize_dir(instance), ignore_errors=True)

    def finish_revert_migration(self, context, instance, network_info=None,
                                migration=None, block_device_info=None,
                                power_on=True):
        """Take the kept directory back and boot the guest with the old flavor."""
        resize_dir = self._resize_dir(instance)
        if os.path.exists(resize_dir):
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)
            os.rename(resize_dir, self._instance_dir(instance))
        self._define_moved(context, instance, self._image_meta(context, instance, None),
                           power_on)

    def _live_xml(self, instance):
        dom = self._host.lookup_domain(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return ET.fromstring(dom.XMLDesc(0))

    def get_vnc_console(self, context, instance):
        graphics = self._live_xml(instance).find("./devices/graphics[@type='vnc']")
        port = _graphics_port(graphics, "port")
        if port is None:
            raise exception.ConsoleTypeUnavailable(console_type="novnc")
        return hardware.ConsoleVNC(host=CONF.vnc.server_proxyclient_address, port=port)

    def get_spice_console(self, context, instance):
        graphics = self._live_xml(instance).find("./devices/graphics[@type='spice']")
        port = _graphics_port(graphics, "port")
        if port is None:
            raise exception.ConsoleTypeUnavailable(console_type="spice-html5")
        return hardware.ConsoleSpice(host=CONF.spice.server_proxyclient_address, port=port,
                                     tls_port=_graphics_port(graphics, "tlsPort"))

    def get_serial_console(self, context, instance):
        for source in self._live_xml(instance).findall(
                "./devices/serial[@type='tcp']/source[@mode='bind']"):
            return hardware.ConsoleSerial(host=source.get("host"),
                                          port=int(source.get("service")))
        raise exception.ConsoleTypeUnavailable(console_type="serial")

    # -- live migration: peer to peer, the disks copied (no shared storage) ------

    def check_can_live_migrate_destination(self, context, instance, block_migration):
        """Block migration only: each host has its own instances directory.

        :raises MigrationPreCheckError: block_migration False was asked for.
        """
        if block_migration is False:
            raise exception.MigrationPreCheckError(
                reason="the hosts share no instance storage: only a block migration "
                       "(block_migration true or \"auto\") can move the server")
        return {"block_migration": True}

    def pre_live_migration(self, context, instance, migrate_data):
        """Make the instance directory here: the disk overlay on the cached image
        (the copy fills its top layer) and the kernel and ramdisk in the cache."""
        inst_dir = self._instance_dir(instance)
        os.makedirs(inst_dir, exist_ok=True)
        image_meta = self._image_api.show(context, instance.image_ref)
        base = self.image_cache.fetch(context, image_meta["id"])
        disk = os.path.join(inst_dir, "disk")
        if not os.path.exists(disk):
            imagebackend.create_overlay(base, disk, size_gb=instance.flavor.root_gb)
        self._boot_files(context, image_meta)
        return dict(migrate_data)

    def live_migration(self, context, instance, dest, migrate_data, monitor):
        """migrateToURI3 to ``dest``'s libvirtd (LIVE_MIGRATION_URI), peer to peer.

        The call blocks until the guest runs there; meanwhile the job's
        counters go to ``monitor`` every LIVE_MIGRATION_POLL seconds.
        """
        dom = self._domain(instance)
        ports = _serial_tcp_ports(dom)
        flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER
                 | libvirt.VIR_MIGRATE_NON_SHARED_INC | libvirt.VIR_MIGRATE_PERSIST_DEST
                 | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
        job = {"dom": dom, "abort": False, "paused": False, "done": threading.Event()}
        with self._migrations_lock:
            self._migrations[instance.uuid] = job
        watcher = threading.Thread(target=_watch_job, args=(job, monitor), daemon=True,
                                   name=f"live-migration-{instance.uuid}")
        watcher.start()
        try:
            dom.migrateToURI3(LIVE_MIGRATION_URI % dest, {}, flags)
        except libvirt.libvirtError as exc:
            if job["abort"]:
                raise exception.LiveMigrationAborted(instance_uuid=instance.uuid) from exc
            if job["paused"]:
                # Paused to force completion, then failed: running again here.
                _resume_quietly(dom)
            raise exception.LiveMigrationFailed(instance_uuid=instance.uuid,
                                                reason=str(exc)) from exc
        finally:
            job["done"].set()
            watcher.join(timeout=5)
            with self._migrations_lock:
                self._migrations.pop(instance.uuid, None)
        migrate_data["paused_to_complete"] = job["paused"]
        # The guest's serial ports are the destination's now.
        for host, port in ports:
            serial_ports.release_port(host, port)
        LOG.info("Instance %s migrated to %s", instance.uuid, dest)

    def _job(self, instance, what):
        with self._migrations_lock:
            job = self._migrations.get(instance.uuid)
        if job is None:
            raise exception.InvalidMigrationState(
                migration_id="?", instance_uuid=instance.uuid, state="not running",
                method=what)
        return job

    def live_migration_force_complete(self, instance):
        """Pause the guest: a paused guest's memory stops changing, so the copy ends.

        The destination resumes it (post_live_migration_at_destination).
        """
        job = self._job(instance, "force complete")
        if job["dom"].state()[0] != libvirt.VIR_DOMAIN_PAUSED:
            job["paused"] = True
            job["dom"].suspend()

    def live_migration_abort(self, instance):
        job = self._job(instance, "abort")
        job["abort"] = True
        job["dom"].abortJob()

    def post_live_migration(self, context, instance, migrate_data):
        """The domain left with UNDEFINE_SOURCE; its directory here goes."""
        self.destroy(context, instance, destroy_disks=True)

    def post_live_migration_at_destination(self, context, instance, migrate_data):
        """Keep the guest's serial ports from other guests of this host; resume
        a guest the source paused only to finish the copy."""
        dom = self._domain(instance)
        for host, port in _serial_tcp_ports(dom):
            serial_ports.reserve_port(host, port)
        if migrate_data.get("paused_to_complete") and \
                dom.state()[0] == libvirt.VIR_DOMAIN_PAUSED:
            dom.resume()

    def rollback_live_migration(self, context, instance, migrate_data):
        """Resume a guest the source paused to force completion."""
        dom = self._host.lookup_domain(instance.uuid)
        if dom is not None and migrate_data.get("paused_to_complete"):
            _resume_quietly(dom)


#: The destination libvirtd a live migration connects to, peer to peer
#: (doc/source/multihost.rst: each host's libvirtd listens on TCP).
LIVE_MIGRATION_URI = "qemu+tcp://%s/system"
#: Seconds between two reads of a live migration's job counters.
LIVE_MIGRATION_POLL = 0.5


def _watch_job(job, monitor):
    """Report a migration job's byte counters until it is done."""
    while not job["done"].wait(LIVE_MIGRATION_POLL):
        try:
            stats = job["dom"].jobStats()
        except libvirt.libvirtError:
            continue
        counters = {name: stats[name] for name in (
            "memory_total", "memory_processed", "memory_remaining",
            "disk_total", "disk_processed", "disk_remaining") if name in stats}
        if counters:
            monitor.progress(**counters)


def _resume_quietly(dom):
    try:
        if dom.state()[0] == libvirt.VIR_DOMAIN_PAUSED:
            dom.resume()
    except libvirt.libvirtError:
        LOG.exception("Could not resume domain %s", dom.name())


def _graphics_port(graphics, attribute):
    """Return a graphics element's port attribute as int; None when absent or unset (-1)."""
    if graphics is None or graphics.get(attribute) in (None, "-1"):
        return None
    return int(graphics.get(attribute))


def _serial_tcp_ports(dom):
    """Return [(host, port)] of the TCP serial ports a domain's definition holds."""
    try:
        root = ET.fromstring(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return []
        raise
    return [(source.get("host"), int(source.get("service")))
            for source in root.findall("./devices/serial[@type='tcp']/source[@mode='bind']")
            if source.get("service", "").isdigit()]
