"""A typed model of the libvirt domain XML nova writes.

Each class is one element of the domain document with the fields nova sets;
``to_xml()`` renders the whole guest. Keeping the model typed (rather than
string templates) means a guest's configuration can be built, inspected
and tested without libvirt.
"""

import dataclasses
import xml.etree.ElementTree as ET

NOVA_NS = "http://openstack.org/xmlns/libvirt/nova/1.1"


@dataclasses.dataclass
class GuestDisk:
    """A file-backed disk.

    :ivar source_path: absolute path of the image file on the host.
    :ivar target_dev: guest device name (vda, vdb, ...).
    :ivar driver_type: image format, "qcow2" or "raw".
    """

    source_path: str
    target_dev: str = "vda"
    driver_type: str = "qcow2"
    bus: str = "virtio"
    cache: str = "none"

    def to_element(self):
        disk = ET.Element("disk", type="file", device="disk")
        ET.SubElement(disk, "driver", name="qemu", type=self.driver_type, cache=self.cache)
        ET.SubElement(disk, "source", file=self.source_path)
        ET.SubElement(disk, "target", dev=self.target_dev, bus=self.bus)
        return disk


@dataclasses.dataclass
class GuestCDROM:
    """A read-only ISO image as a CD-ROM (the config drive).

    :ivar source_path: absolute path of the ISO file on the host.
    :ivar target_dev: guest device name on ``bus`` (hdd: the second IDE
        channel's second unit, clear of anything else nova attaches).
    """

    source_path: str
    target_dev: str = "hdd"
    bus: str = "ide"

    def to_element(self):
        disk = ET.Element("disk", type="file", device="cdrom")
        ET.SubElement(disk, "driver", name="qemu", type="raw")
        ET.SubElement(disk, "source", file=self.source_path)
        ET.SubElement(disk, "target", dev=self.target_dev, bus=self.bus)
        ET.SubElement(disk, "readonly")
        return disk


@dataclasses.dataclass
class GuestInterface:
    """A NIC plugged into a Linux bridge (libvirt makes the tap device).

    :ivar mac_address: the VIF's MAC, "fa:16:3e:..".
    :ivar bridge: name of the host bridge.
    :ivar target_dev: name of the tap device on the host (the VIF's devname).
    :ivar model: NIC model the guest sees ("virtio").
    :ivar mtu: MTU (int) of the tap device, or None for the bridge's.
    """

    mac_address: str
    bridge: str
    target_dev: str
    model: str = "virtio"
    mtu: int | None = None

    def to_element(self):
        iface = ET.Element("interface", type="bridge")
        ET.SubElement(iface, "mac", address=self.mac_address)
        ET.SubElement(iface, "source", bridge=self.bridge)
        ET.SubElement(iface, "target", dev=self.target_dev)
        ET.SubElement(iface, "model", type=self.model)
        if self.mtu:
            ET.SubElement(iface, "mtu", size=str(self.mtu))
        return iface


@dataclasses.dataclass
class GuestSerialLog:
    """The first serial port written to a file, which os-getConsoleOutput reads.

    A ``file`` serial device needs no reader attached, so a guest that
    prints before anyone looks still leaves its whole boot log on disk.
    The file is appended to, so the log of a server that was stopped,
    rebooted or rebuilt keeps every boot, as upstream's console log does.
    """

    log_path: str

    def to_elements(self):
        serial = ET.Element("serial", type="file")
        ET.SubElement(serial, "source", path=self.log_path, append="on")
        ET.SubElement(serial, "target", port="0")
        console = ET.Element("console", type="file")
        ET.SubElement(console, "source", path=self.log_path, append="on")
        ET.SubElement(console, "target", type="serial", port="0")
        return [serial, console]


@dataclasses.dataclass
class GuestSerialTCP:
    """The first serial port as a TCP server (the interactive serial console).

    QEMU listens on ``host``:``port`` without waiting for a client (libvirt's
    ``mode="bind"``), speaks raw bytes, and still copies everything the
    guest writes to ``log_path`` (libvirt's chardev ``<log>``), so
    os-getConsoleOutput keeps working while nova-serialproxy relays the
    port. ``<console>`` names the same port, as for a file serial port.
    The log is appended to across boots, as GuestSerialLog's file.
    """

    host: str
    port: int
    log_path: str

    def _chardev(self, tag, target_attrs, with_log):
        element = ET.Element(tag, type="tcp")
        ET.SubElement(element, "source", mode="bind", host=self.host, service=str(self.port))
        ET.SubElement(element, "protocol", type="raw")
        if with_log:
            ET.SubElement(element, "log", file=self.log_path, append="on")
        ET.SubElement(element, "target", target_attrs)
        return element

    def to_elements(self):
        return [self._chardev("serial", {"port": "0"}, with_log=True),
                self._chardev("console", {"type": "serial", "port": "0"}, with_log=False)]


@dataclasses.dataclass
class GuestSpice:
    """SPICE graphics listening on ``listen`` with ports libvirt picks.

    ``agent`` adds the virtio-serial channel a SPICE guest agent talks on.
    """

    listen: str = "127.0.0.1"
    agent: bool = True

    def to_elements(self):
        graphics = ET.Element("graphics", type="spice", autoport="yes", listen=self.listen)
        ET.SubElement(graphics, "listen", type="address", address=self.listen)
        elements = [graphics]
        if self.agent:
            channel = ET.Element("channel", type="spicevmc")
            ET.SubElement(channel, "target", type="virtio", name="com.redhat.spice.0")
            elements.append(channel)
        return elements


@dataclasses.dataclass
class GuestVNC:
    """VNC graphics listening on ``listen`` with a port libvirt picks."""

    listen: str = "127.0.0.1"

    def to_element(self):
        graphics = ET.Element("graphics", type="vnc", autoport="yes", listen=self.listen)
        ET.SubElement(graphics, "listen", type="address", address=self.listen)
        return graphics


@dataclasses.dataclass
class GuestOS:
    """How the guest boots: from its disk, or directly from a kernel + ramdisk.

    Direct kernel boot is used when the image names kernel_id/ramdisk_id;
    ``cmdline`` then carries console=ttyS0 so boot output reaches the log.
    """

    kernel: str | None = None
    initrd: str | None = None
    cmdline: str | None = None
    machine: str | None = None
    arch: str = "x86_64"

    def to_element(self):
        os_el = ET.Element("os")
        type_attrs = {"arch": self.arch}
        if self.machine:
            type_attrs["machine"] = self.machine
        ET.SubElement(os_el, "type", type_attrs).text = "hvm"
        if self.kernel:
            ET.SubElement(os_el, "kernel").text = self.kernel
            if self.initrd:
                ET.SubElement(os_el, "initrd").text = self.initrd
            if self.cmdline:
                ET.SubElement(os_el, "cmdline").text = self.cmdline
        else:
            ET.SubElement(os_el, "boot", dev="hd")
        return os_el


@dataclasses.dataclass
class GuestMetadata:
    """Nova's own annotations on the domain, so `virsh dumpxml` says whose it is."""

    display_name: str
    flavor_name: str
    project_id: str | None = None
    user_id: str | None = None

    def to_element(self):
        metadata = ET.Element("metadata")
        inst = ET.SubElement(metadata, f"{{{NOVA_NS}}}instance")
        ET.SubElement(inst, f"{{{NOVA_NS}}}name").text = self.display_name
        ET.SubElement(inst, f"{{{NOVA_NS}}}flavor", name=self.flavor_name)
        owner = ET.SubElement(inst, f"{{{NOVA_NS}}}owner")
        ET.SubElement(owner, f"{{{NOVA_NS}}}user", uuid=self.user_id or "")
        ET.SubElement(owner, f"{{{NOVA_NS}}}project", uuid=self.project_id or "")
        return metadata


@dataclasses.dataclass
class Guest:
    """A whole domain.

    :ivar virt_type: libvirt domain type: "qemu" (TCG emulation) or "kvm".
    :ivar memory_mib: guest RAM in MiB.
    :ivar vcpus: virtual CPU count.
    :ivar emulator: path of the QEMU binary, or None to let libvirt choose.
    """

    name: str
    uuid: str
    virt_type: str
    memory_mib: int
    vcpus: int
    os: GuestOS
    disks: list[GuestDisk] = dataclasses.field(default_factory=list)
    #: The config drive, when the instance has one.
    cdrom: GuestCDROM | None = None
    #: One NIC per VIF of network_info, eth0 first.
    interfaces: list[GuestInterface] = dataclasses.field(default_factory=list)
    #: The first serial port: a log file, or a TCP server that also logs.
    serial_log: GuestSerialLog | GuestSerialTCP | None = None
    vnc: GuestVNC | None = None
    spice: GuestSpice | None = None
    metadata: GuestMetadata | None = None
    cpu_mode: str | None = None
    emulator: str | None = None

    def to_xml(self):
        """Return the domain XML as a string."""
        ET.register_namespace("nova", NOVA_NS)
        domain = ET.Element("domain", type=self.virt_type)
        ET.SubElement(domain, "name").text = self.name
        ET.SubElement(domain, "uuid").text = self.uuid
        if self.metadata:
            domain.append(self.metadata.to_element())
        ET.SubElement(domain, "memory", unit="KiB").text = str(self.memory_mib * 1024)
        ET.SubElement(domain, "vcpu").text = str(self.vcpus)
        domain.append(self.os.to_element())
        features = ET.SubElement(domain, "features")
        ET.SubElement(features, "acpi")
        ET.SubElement(features, "apic")
        if self.cpu_mode:
            ET.SubElement(domain, "cpu", mode=self.cpu_mode)
        ET.SubElement(domain, "clock", offset="utc")
        ET.SubElement(domain, "on_poweroff").text = "destroy"
        ET.SubElement(domain, "on_reboot").text = "restart"
        ET.SubElement(domain, "on_crash").text = "destroy"
        devices = ET.SubElement(domain, "devices")
        if self.emulator:
            ET.SubElement(devices, "emulator").text = self.emulator
        # Nova attaches no USB devices; without this QEMU emulates a default
        # controller, which costs about a second of boot under TCG.
        ET.SubElement(devices, "controller", type="usb", model="none")
        for disk in self.disks:
            devices.append(disk.to_element())
        if self.cdrom:
            devices.append(self.cdrom.to_element())
        for iface in self.interfaces:
            devices.append(iface.to_element())
        if self.serial_log:
            devices.extend(self.serial_log.to_elements())
        if self.vnc:
            devices.append(self.vnc.to_element())
        if self.spice:
            devices.extend(self.spice.to_elements())
        ET.SubElement(devices, "memballoon", model="virtio")
        return ET.tostring(domain, encoding="unicode")
