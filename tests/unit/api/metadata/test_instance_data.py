"""InstanceMetadata: the documents of both layouts for one in-memory instance."""

import base64
import json
import uuid

import pytest

from nova.api.metadata import instance_data, versions
from nova.objects import flavor as flavor_obj
from nova.objects import instance as instance_obj
from nova.objects import keypair as keypair_obj

UUID = str(uuid.UUID(int=0xABCDEF))
IMAGE = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuest test@example"


def make_instance(**overrides):
    values = dict(
        id=42, uuid=UUID, display_name="web-1", hostname="web-1", launch_index=0,
        availability_zone="az1", project_id="proj", user_id="user", host="compute1",
        image_ref=IMAGE, reservation_id="r-abc12345", key_name="mykey", key_data=KEY,
        user_data=base64.b64encode(b"#!/bin/sh\necho hi\n").decode(),
        metadata={"role": "web"}, system_metadata={}, root_device_name="/dev/vda",
        kernel_id=None, ramdisk_id=None,
        flavor=flavor_obj.Flavor(name="m1.small"),
        keypairs=keypair_obj.KeyPairList(objects=[keypair_obj.KeyPair(
            name="mykey", type="ssh", public_key=KEY)]),
    )
    values.update(overrides)
    return instance_obj.Instance(**values)


@pytest.fixture
def meta(api_conf):
    return instance_data.InstanceMetadata(make_instance(), address="10.0.0.5")


def lookup_json(meta, path):
    body, content_type = meta.lookup(path)
    assert content_type == "application/json"
    return json.loads(body)


def test_meta_data_json_latest_fields(meta):
    doc = lookup_json(meta, "/openstack/latest/meta_data.json")
    assert doc["uuid"] == UUID
    assert doc["name"] == "web-1"
    assert doc["hostname"] == "web-1.novalocal"
    assert doc["launch_index"] == 0
    assert doc["availability_zone"] == "az1"
    assert doc["project_id"] == "proj"
    assert doc["meta"] == {"role": "web"}
    assert doc["public_keys"] == {"mykey": KEY}
    assert doc["keys"] == [{"name": "mykey", "type": "ssh", "data": KEY}]
    assert doc["devices"] == []
    assert doc["dedicated_cpus"] == []
    assert len(base64.b64decode(doc["random_seed"])) == 512


def test_meta_data_json_random_seed_differs_per_request(meta):
    first = lookup_json(meta, "/openstack/latest/meta_data.json")["random_seed"]
    second = lookup_json(meta, "/openstack/latest/meta_data.json")["random_seed"]
    assert first != second


def test_meta_data_json_fields_follow_the_version(meta):
    folsom = lookup_json(meta, "/openstack/2012-08-10/meta_data.json")
    assert "random_seed" not in folsom and "project_id" not in folsom
    liberty = lookup_json(meta, "/openstack/2015-10-15/meta_data.json")
    assert liberty["project_id"] == "proj" and "devices" not in liberty
    rocky = lookup_json(meta, "/openstack/2018-08-27/meta_data.json")
    assert rocky["devices"] == [] and "dedicated_cpus" not in rocky


def test_meta_data_json_without_key_or_metadata(api_conf):
    meta = instance_data.InstanceMetadata(make_instance(
        key_name=None, key_data=None, metadata={},
        keypairs=keypair_obj.KeyPairList(objects=[])))
    doc = lookup_json(meta, "/openstack/latest/meta_data.json")
    assert "public_keys" not in doc and "keys" not in doc and "meta" not in doc


def test_hostname_without_dhcp_domain(api_conf):
    api_conf.config(dhcp_domain="", group="api")
    meta = instance_data.InstanceMetadata(make_instance())
    assert lookup_json(meta, "/openstack/latest/meta_data.json")["hostname"] == "web-1"


def test_openstack_version_list(meta):
    body, content_type = meta.lookup("/openstack")
    assert body == [*versions.OPENSTACK_VERSIONS, "latest"]
    assert instance_data.render(body).splitlines()[0] == "2012-08-10"
    assert content_type == "text/plain"


def test_openstack_document_listing_by_version(meta):
    assert meta.lookup("/openstack/2012-08-10")[0] == ["meta_data.json", "user_data"]
    assert meta.lookup("/openstack/latest/")[0] == [
        "meta_data.json", "user_data", "password", "vendor_data.json",
        "network_data.json", "vendor_data2.json"]


def test_user_data_raw_bytes(meta):
    assert meta.lookup("/openstack/latest/user_data") == (
        b"#!/bin/sh\necho hi\n", "text/plain")
    assert meta.lookup("/latest/user-data")[0] == b"#!/bin/sh\necho hi\n"


def test_no_user_data_is_not_found(api_conf):
    meta = instance_data.InstanceMetadata(make_instance(user_data=None))
    with pytest.raises(instance_data.InvalidMetadataPath):
        meta.lookup("/openstack/latest/user_data")
    with pytest.raises(instance_data.InvalidMetadataPath):
        meta.lookup("/latest/user-data")
    assert "user_data" not in meta.lookup("/openstack/latest")[0]


def test_vendor_and_network_documents(meta, tmp_path, api_conf):
    assert lookup_json(meta, "/openstack/latest/vendor_data.json") == {}
    assert lookup_json(meta, "/openstack/latest/vendor_data2.json") == {"static": {}}
    assert lookup_json(meta, "/openstack/latest/network_data.json") == {
        "links": [], "networks": [], "services": []}
    path = tmp_path / "vendor.json"
    path.write_text('{"ntp": "10.0.0.1"}')
    api_conf.config(vendordata_jsonfile_path=str(path), group="api")
    assert lookup_json(meta, "/openstack/latest/vendor_data.json") == {"ntp": "10.0.0.1"}
    assert lookup_json(meta, "/openstack/latest/vendor_data2.json") == {
        "static": {"ntp": "10.0.0.1"}}


def test_documents_newer_than_the_version_are_not_found(meta):
    for path in ("/openstack/2012-08-10/password", "/openstack/2013-04-04/vendor_data.json",
                 "/openstack/2013-10-17/network_data.json",
                 "/openstack/2016-06-30/vendor_data2.json",
                 "/openstack/2099-01-01/meta_data.json", "/openstack/latest/nope"):
        with pytest.raises(instance_data.InvalidMetadataPath):
            meta.lookup(path)


def test_ec2_versions_and_tree(meta):
    assert meta.lookup("/")[0] == [*versions.EC2_VERSIONS, "latest"]
    assert instance_data.render(meta.lookup("/latest")[0]) == "meta-data/\nuser-data"
    listing = instance_data.render(meta.lookup("/latest/meta-data/")[0]).splitlines()
    assert listing == sorted(listing)
    for leaf in ("ami-id", "ami-launch-index", "ami-manifest-path", "hostname",
                 "instance-id", "instance-type", "local-hostname", "placement/",
                 "public-keys/", "reservation-id", "security-groups"):
        assert leaf in listing


@pytest.mark.parametrize(("path", "expected"), [
    ("/latest/meta-data/ami-id", "ami-155d900f"),
    ("/latest/meta-data/ami-launch-index", "0"),
    ("/latest/meta-data/ami-manifest-path", "FIXME"),
    ("/latest/meta-data/hostname", "web-1.novalocal"),
    ("/latest/meta-data/local-hostname", "web-1.novalocal"),
    ("/latest/meta-data/instance-id", "i-0000002a"),
    ("/latest/meta-data/instance-type", "m1.small"),
    ("/latest/meta-data/local-ipv4", "10.0.0.5"),
    ("/latest/meta-data/placement", "availability-zone"),
    ("/latest/meta-data/placement/availability-zone", "az1"),
    ("/latest/meta-data/public-keys", "0=mykey"),
    ("/latest/meta-data/public-keys/0", "openssh-key"),
    ("/latest/meta-data/public-keys/0/openssh-key", KEY),
    ("/latest/meta-data/reservation-id", "r-abc12345"),
    ("/2009-04-04/meta-data/block-device-mapping/root", "/dev/vda"),
    ("/ec2/latest/meta-data/instance-id", "i-0000002a"),
])
def test_ec2_leaves(meta, path, expected):
    data, content_type = meta.lookup(path)
    assert instance_data.render(data) == expected
    assert content_type == "text/plain"


def test_ec2_keys_follow_the_version(meta):
    old = instance_data.render(meta.lookup("/1.0/meta-data")[0]).splitlines()
    assert "local-hostname" not in old and "instance-type" not in old
    assert "placement/" not in old
    with pytest.raises(instance_data.InvalidMetadataPath):
        meta.lookup("/2007-01-19/meta-data/instance-type")
    with pytest.raises(instance_data.InvalidMetadataPath):
        meta.lookup("/1999-01-01/meta-data/")


def test_password_document_is_marked(meta):
    assert meta.lookup("/openstack/latest/password")[0] is instance_data.PASSWORD
