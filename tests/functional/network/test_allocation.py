"""Fixed IP allocation in the database: no address ever goes to two servers.

Runs on SQLite in the default suite and on MariaDB/PostgreSQL with the
``mysql``/``postgresql`` markers (the ``db_backend`` fixture).
"""

import concurrent.futures
import threading

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.embedded import sqlite
from nova.network import api as network_api


@pytest.fixture
def ctx(db_backend, databases):
    # Threads share one SQLite file as the services do: writers wait.
    sqlite.install()
    try:
        yield nova_context.get_admin_context()
    finally:
        sqlite.uninstall()


def _network(ctx, cidr="10.0.0.0/28", label="private", **kwargs):
    return network_api.API().create(ctx, label=label, cidr=cidr, **kwargs)


def _instance(ctx):
    flavorid = uuidutils.generate_uuid()[:8]
    flavor = objects.Flavor(ctx, flavorid=flavorid, name=flavorid,
                            memory_mb=64, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            is_public=True, disabled=False)
    flavor.create()
    instance = objects.Instance(ctx, flavor=flavor, project_id="p", vm_state="building",
                                task_state=None)
    instance.create()
    return instance


def test_network_create_derives_gateway_range_and_reserves(ctx):
    net = _network(ctx, dns1="192.0.2.53")
    assert (net.gateway, net.dhcp_start, net.netmask, net.broadcast, net.bridge) == (
        "10.0.0.1", "10.0.0.2", "255.255.255.240", "10.0.0.15", "br100")
    rows = objects.FixedIPList.get_by_network_id(ctx, net.id)
    assert len(rows) == 16
    assert {r.address for r in rows if r.reserved} == {"10.0.0.0", "10.0.0.1", "10.0.0.15"}
    with pytest.raises(exception.NetworkDuplicated):
        _network(ctx, cidr="10.1.0.0/24")
    assert _network(ctx, cidr="10.1.0.0/24", label="other").bridge == "br101"


def test_concurrent_allocations_never_share_an_address(ctx):
    """More racers than free addresses: each address once, the rest NoMoreFixedIps."""
    net = _network(ctx)
    free = 13  # 16 minus network, gateway and broadcast
    racers = free + 3
    barrier = threading.Barrier(racers)

    def allocate(index):
        mine = nova_context.get_admin_context()
        barrier.wait()
        try:
            return objects.FixedIP.associate_pool(
                mine, net.id, uuidutils.generate_uuid(), host="h").address
        except exception.NoMoreFixedIps:
            return None

    with concurrent.futures.ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(allocate, range(racers)))
    got = [r for r in results if r is not None]
    assert len(got) == free
    assert len(set(got)) == free
    held = {r.address: r.instance_uuid for r in objects.FixedIPList.get_by_network_id(
        ctx, net.id) if r.instance_uuid}
    assert sorted(held) == sorted(got)


def test_allocate_for_instance_builds_network_info_and_deallocate_frees(ctx):
    net = _network(ctx, dns1="192.0.2.53")
    api = network_api.API()
    instance = _instance(ctx)
    info = api.allocate_for_instance(ctx, instance, host="h")
    assert len(info) == 1
    vif = info[0]
    assert vif["address"].startswith("fa:16:3e:")
    assert vif["devname"] == "tap" + vif["id"][:11]
    assert vif["network"]["label"] == "private" and vif["network"]["bridge"] == "br100"
    subnet = vif["network"]["subnets"][0]
    assert subnet["gateway"] == {"address": "10.0.0.1"}
    assert subnet["dns"] == [{"address": "192.0.2.53"}]
    address = subnet["ips"][0]["address"]
    assert api.get_instance_uuid_by_fixed_ip(ctx, address) == instance.uuid
    # Allocating again (a retried build) keeps what the server has.
    assert api.allocate_for_instance(ctx, instance, host="h") == info
    with pytest.raises(exception.NetworkInUse):
        api.delete(ctx, net.uuid)

    api.deallocate_for_instance(ctx, instance)
    with pytest.raises(exception.FixedIpNotFoundForAddress):
        api.get_instance_uuid_by_fixed_ip(ctx, address)
    assert objects.VirtualInterfaceList.get_by_instance_uuid(ctx, instance.uuid).objects == []
    api.delete(ctx, net.uuid)
    assert objects.NetworkList.get_all(ctx).objects == []


def test_failed_allocation_leaves_nothing(ctx):
    net = _network(ctx)
    api = network_api.API()
    first = _instance(ctx)
    api.allocate_for_instance(ctx, first, network_api.build_requested_networks(
        [{"uuid": net.uuid, "fixed_ip": "10.0.0.5"}]))
    second = _instance(ctx)
    with pytest.raises(exception.FixedIpAlreadyInUse):
        api.allocate_for_instance(ctx, second, network_api.build_requested_networks(
            [{"uuid": net.uuid}, {"uuid": net.uuid, "fixed_ip": "10.0.0.5"}]))
    assert objects.FixedIPList.get_by_instance_uuid(ctx, second.uuid).objects == []
    assert objects.VirtualInterfaceList.get_by_instance_uuid(ctx, second.uuid).objects == []
