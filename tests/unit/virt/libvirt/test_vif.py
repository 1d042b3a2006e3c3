"""Guest NICs and the config drive CD-ROM in the domain XML."""

import types
import xml.etree.ElementTree as ET

import pytest

from nova import conf as nova_conf
from nova import exception
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import vif as libvirt_vif
from tests.unit.network.vifs import make_vif

CONF = nova_conf.CONF


@pytest.fixture
def instance():
    return types.SimpleNamespace(
        id=42, name="instance-0000002a", uuid="0b5d3a0e-2f1c-4f7e-9d7a-6c1d2b3e4f50",
        display_name="vm1", project_id="p1", user_id="u1",
        flavor=types.SimpleNamespace(name="m1.tiny", memory_mb=128, vcpus=1, root_gb=1))


@pytest.fixture
def qemu_conf(conf_fixture, tmp_path):
    conf_fixture.config(virt_type="qemu", group="libvirt")
    conf_fixture.config(instances_path=str(tmp_path))


def _devices(instance, **kwargs):
    drv = libvirt_driver.LibvirtDriver.__new__(libvirt_driver.LibvirtDriver)
    guest = drv.build_guest_config(instance, "/var/lib/nova/instances/x/disk", **kwargs)
    return ET.fromstring(guest.to_xml()).find("devices")


def test_one_bridge_interface_per_vif_with_mac_bridge_tap_and_virtio(instance, qemu_conf):
    first, second = make_vif(3), make_vif(4, bridge="br101")
    devices = _devices(instance, network_info=[first, second])
    interfaces = devices.findall("interface")
    assert [i.get("type") for i in interfaces] == ["bridge", "bridge"]
    assert interfaces[0].find("mac").get("address") == "fa:16:3e:00:00:03"
    assert interfaces[0].find("source").get("bridge") == "br100"
    assert interfaces[0].find("target").get("dev") == first["devname"]
    assert interfaces[0].find("model").get("type") == "virtio"
    assert interfaces[0].find("mtu").get("size") == "1400"
    assert interfaces[1].find("source").get("bridge") == "br101"


def test_no_network_info_no_interface(instance, qemu_conf):
    assert _devices(instance).findall("interface") == []


def test_config_drive_is_a_readonly_cdrom(instance, qemu_conf):
    devices = _devices(instance, config_drive_path="/i/disk.config")
    [cdrom] = devices.findall("disk[@device='cdrom']")
    assert cdrom.find("source").get("file") == "/i/disk.config"
    assert cdrom.find("driver").get("type") == "raw"
    assert cdrom.find("target").get("bus") == "ide"
    assert cdrom.find("readonly") is not None
    # The root disk stays the first disk.
    assert devices.findall("disk")[0].get("device") == "disk"


def test_only_bridge_vifs_are_supported():
    vif = make_vif(3)
    vif["type"] = "ovs"
    with pytest.raises(exception.NovaException):
        libvirt_vif.get_config(vif)
