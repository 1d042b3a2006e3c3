"""Domain XML the libvirt driver writes: what QEMU will actually be told."""

import types
import xml.etree.ElementTree as ET

import pytest

from nova import conf as nova_conf
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import driver as libvirt_driver

CONF = nova_conf.CONF


@pytest.fixture
def instance():
    return types.SimpleNamespace(
        id=42, name="instance-0000002a", uuid="0b5d3a0e-2f1c-4f7e-9d7a-6c1d2b3e4f50",
        display_name="vm1",
        project_id="p1", user_id="u1",
        flavor=types.SimpleNamespace(name="m1.tiny", memory_mb=128, vcpus=1, root_gb=1))


@pytest.fixture
def qemu_conf(tmp_path):
    CONF.set_override("virt_type", "qemu", group="libvirt")
    CONF.set_override("instances_path", str(tmp_path))
    CONF.set_override("server_listen", "127.0.0.1", group="vnc")
    yield
    CONF.clear_override("virt_type", group="libvirt")
    CONF.clear_override("instances_path")
    CONF.clear_override("server_listen", group="vnc")


def _build(instance, **kwargs):
    drv = libvirt_driver.LibvirtDriver.__new__(libvirt_driver.LibvirtDriver)
    guest = drv.build_guest_config(instance, "/var/lib/nova/instances/x/disk", **kwargs)
    return ET.fromstring(guest.to_xml())


def test_virt_type_qemu_is_kept(qemu_conf, instance):
    dom = _build(instance)
    assert dom.get("type") == "qemu"
    assert dom.find("cpu") is None  # host-model only makes sense under kvm
    assert dom.findtext("name") == "instance-0000002a"
    assert dom.findtext("memory") == str(128 * 1024)
    assert dom.findtext("vcpu") == "1"
    assert dom.find("devices/controller[@type='usb']").get("model") == "none"


@pytest.mark.parametrize(
    ("virt_type", "cpu_mode", "expected"),
    [
        ("kvm", None, "host-model"),
        ("kvm", "host-passthrough", "host-passthrough"),
        ("kvm", "none", None),
        ("qemu", None, None),
        ("qemu", "host-model", "host-model"),
    ],
)
def test_cpu_mode_follows_the_option(qemu_conf, instance, virt_type, cpu_mode, expected):
    CONF.set_override("virt_type", virt_type, group="libvirt")
    CONF.set_override("cpu_mode", cpu_mode, group="libvirt")
    try:
        cpu = _build(instance).find("cpu")
    finally:
        CONF.clear_override("cpu_mode", group="libvirt")
    assert (cpu.get("mode") if cpu is not None else None) == expected


def test_direct_kernel_boot(qemu_conf, instance):
    dom = _build(instance, kernel="/b/k", initrd="/b/i", cmdline="console=ttyS0")
    assert dom.findtext("os/kernel") == "/b/k"
    assert dom.findtext("os/initrd") == "/b/i"
    assert dom.findtext("os/cmdline") == "console=ttyS0"
    assert dom.find("os/boot") is None


def test_disk_boot_without_kernel(qemu_conf, instance):
    dom = _build(instance)
    assert dom.find("os/kernel") is None
    assert dom.find("os/boot").get("dev") == "hd"


def test_serial_console_goes_to_instance_log(qemu_conf, instance, tmp_path):
    dom = _build(instance)
    serial = dom.find("devices/serial")
    assert serial.get("type") == "file"
    assert serial.find("source").get("path") == str(
        tmp_path / instance.uuid / "console.log")
    disk = dom.find("devices/disk")
    assert disk.find("driver").get("type") == "qcow2"
    assert disk.find("target").get("dev") == "vda"


def test_vnc_listens_on_server_listen(qemu_conf, instance):
    graphics = _build(instance).find("devices/graphics")
    assert graphics.get("type") == "vnc"
    assert graphics.get("listen") == "127.0.0.1"


def test_nova_metadata_names_the_owner(qemu_conf, instance):
    xml = vconfig.Guest(
        name="n", uuid=instance.uuid, virt_type="qemu", memory_mib=96, vcpus=1,
        os=vconfig.GuestOS(),
        metadata=vconfig.GuestMetadata("vm1", "m1.tiny", "p1", "u1")).to_xml()
    assert "m1.tiny" in xml and vconfig.NOVA_NS in xml


def test_serial_tcp_port_still_writes_the_console_log(qemu_conf, instance, tmp_path):
    CONF.set_override("proxyclient_address", "127.0.0.2", group="serial_console")
    try:
        dom = _build(instance, serial_port=10123)
    finally:
        CONF.clear_override("proxyclient_address", group="serial_console")
    serial = dom.find("devices/serial")
    assert serial.get("type") == "tcp"
    assert serial.find("source").attrib == {
        "mode": "bind", "host": "127.0.0.2", "service": "10123"}
    assert serial.find("protocol").get("type") == "raw"
    # os-getConsoleOutput reads this file while the port is a TCP server.
    assert serial.find("log").get("file") == str(tmp_path / instance.uuid / "console.log")
    console = dom.find("devices/console")
    assert console.get("type") == "tcp"
    assert console.find("target").attrib == {"type": "serial", "port": "0"}
    assert console.find("source").get("service") == "10123"


def test_spice_graphics_and_agent_channel_when_enabled(qemu_conf, instance):
    assert _build(instance).find("devices/graphics[@type='spice']") is None
    CONF.set_override("enabled", True, group="spice")
    CONF.set_override("server_listen", "127.0.0.3", group="spice")
    try:
        dom = _build(instance)
        CONF.set_override("agent_enabled", False, group="spice")
        without_agent = _build(instance)
    finally:
        for name in ("enabled", "server_listen", "agent_enabled"):
            CONF.clear_override(name, group="spice")
    spice = dom.find("devices/graphics[@type='spice']")
    assert spice.get("listen") == "127.0.0.3" and spice.get("autoport") == "yes"
    # VNC stays: a guest may offer both.
    assert dom.find("devices/graphics[@type='vnc']") is not None
    channel = dom.find("devices/channel[@type='spicevmc']/target")
    assert channel.attrib == {"type": "virtio", "name": "com.redhat.spice.0"}
    assert without_agent.find("devices/channel") is None
