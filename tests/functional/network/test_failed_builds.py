"""A failed build never keeps an address: rescheduled or in ERROR."""

from nova import context as nova_context
from nova import objects
from tests.fixtures import images


def _setup(cloud):
    assert cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}}).status_code == 200
    net = cloud.admin_api.post("/v2.1/os-networks", {"network": {
        "label": "private", "cidr": "10.0.0.0/24"}}).json()["network"]
    return net["id"]


def _held(net_uuid):
    ctx = nova_context.get_admin_context()
    network = objects.Network.get_by_uuid(ctx, net_uuid)
    return {f.address: f.instance_uuid
            for f in objects.FixedIPList.get_by_network_id(ctx, network.id)
            if f.instance_uuid}


def test_rescheduled_build_keeps_one_address(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    cloud.start_compute("small", driver="fake.SmallFakeDriver")
    net_uuid = _setup(cloud)
    server_id = cloud.create_server("1", images.IMAGE_ID, name="vm")["id"]
    server = cloud.wait_for_server_status(server_id, "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "small"
    (address,) = [a["addr"] for a in server["addresses"]["private"]]
    assert _held(net_uuid) == {address: server_id}
    ctx = nova_context.get_admin_context()
    assert len(objects.VirtualInterfaceList.get_by_instance_uuid(ctx, server_id)) == 1


def test_build_in_error_holds_no_address(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    net_uuid = _setup(cloud)
    server_id = cloud.create_server("1", images.IMAGE_ID, name="vm")["id"]
    server = cloud.wait_for_server_status(server_id, "ERROR")
    assert server["addresses"] == {}
    assert _held(net_uuid) == {}
