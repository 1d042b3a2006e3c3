"""The config drive: what a guest finds on the config-2 volume, read back with pycdlib."""

import io
import json

import pycdlib
import pytest

from nova.virt import configdrive
from tests.unit.api.metadata.test_instance_data import KEY, UUID, make_instance
from tests.unit.network.vifs import make_vif


@pytest.fixture
def drive(conf_fixture, tmp_path):
    path = tmp_path / "disk.config"
    configdrive.make_drive(str(path), make_instance(), [make_vif(3)])
    iso = pycdlib.PyCdlib()
    iso.open(str(path))
    yield iso
    iso.close()


def read(iso, path):
    out = io.BytesIO()
    iso.get_file_from_iso_fp(out, rr_path="/" + path)
    return out.getvalue()


def test_volume_is_labelled_config_2(drive):
    assert drive.pvd.volume_identifier.decode().strip() == "config-2"


def test_latest_meta_data_json(drive):
    doc = json.loads(read(drive, "openstack/latest/meta_data.json"))
    assert doc["uuid"] == UUID
    assert doc["hostname"] == "web-1.novalocal"
    assert doc["name"] == "web-1"
    assert doc["public_keys"] == {"mykey": KEY}


def test_user_data_vendor_data_and_network_data(drive):
    assert read(drive, "openstack/latest/user_data") == b"#!/bin/sh\necho hi\n"
    assert json.loads(read(drive, "openstack/latest/vendor_data.json")) == {}
    network = json.loads(read(drive, "openstack/latest/network_data.json"))
    vif = make_vif(3)
    assert network["links"] == [{"id": vif["devname"], "vif_id": vif["id"], "type": "bridge",
                                 "ethernet_mac_address": "fa:16:3e:00:00:03", "mtu": 1400}]
    assert network["networks"] == [{"id": "network0", "link": vif["devname"],
                                    "network_id": vif["network"]["id"], "type": "ipv4_dhcp"}]
    assert network["services"] == [{"type": "dns", "address": "10.0.0.1"}]


def test_every_version_directory_with_its_own_documents(drive):
    assert read(drive, "openstack/2012-08-10/meta_data.json")
    with pytest.raises(pycdlib.pycdlibexception.PyCdlibInvalidInput):
        read(drive, "openstack/2012-08-10/vendor_data.json")  # came with HAVANA
    assert read(drive, "openstack/2015-10-15/network_data.json")
    with pytest.raises(pycdlib.pycdlibexception.PyCdlibInvalidInput):
        read(drive, "openstack/latest/password")  # written by guests: not on a drive


def test_network_data_without_dhcp_gives_the_address(conf_fixture):
    from nova.virt import netutils
    doc = netutils.get_network_metadata([make_vif(3, dhcp=False)])
    [net] = doc["networks"]
    assert net["type"] == "ipv4" and net["ip_address"] == "10.0.0.3"
    assert net["netmask"] == "255.255.255.0"
    assert net["routes"] == [{"network": "0.0.0.0", "netmask": "0.0.0.0",
                              "gateway": "10.0.0.1"}]


@pytest.mark.parametrize("value, forced, wanted", [
    ("True", False, True), ("", False, False), (None, False, False), ("", True, True)])
def test_required_by_instance_or_force_config_drive(conf_fixture, value, forced, wanted):
    conf_fixture.config(force_config_drive=forced)
    assert configdrive.required_by(make_instance(config_drive=value)) is wanted


def test_user_data_absent_means_no_file(conf_fixture, tmp_path):
    path = tmp_path / "d.iso"
    configdrive.make_drive(str(path), make_instance(user_data=None))
    iso = pycdlib.PyCdlib()
    iso.open(str(path))
    try:
        with pytest.raises(pycdlib.pycdlibexception.PyCdlibInvalidInput):
            read(iso, "openstack/latest/user_data")
        assert json.loads(read(iso, "openstack/latest/network_data.json"))["links"] == []
    finally:
        iso.close()
