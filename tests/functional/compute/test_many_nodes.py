"""One fake nova-compute serving several nodes, and the scheduler's host cache.

[fake_driver] node_count lets one nova-compute stand for many hypervisors
(the scale benchmark runs 1,000); each node must be a compute node and a
resource provider of its own that servers land on. The scheduler caches
node and service records and reads only what changed since its last
request.
"""

import datetime

import pytest

from nova import context as nova_context
from nova import objects
from nova.db.main import api as main_db_api
from nova.db.main import models
from nova.virt import fake
from tests.fixtures import images

NODES = 5


@pytest.fixture
def cloud(bare_nova_cloud, conf_fixture):
    """compute1 serving NODES fake nodes, and a small flavor "1"."""
    conf_fixture.config(node_count=NODES, group="fake_driver")
    bare_nova_cloud.start_compute("compute1")
    bare_nova_cloud.create_flavor(name="m1.tiny", ram=128, vcpus=1, disk=1, flavor_id="1")
    return bare_nova_cloud


def _names():
    return fake.FakeDriver.node_names("compute1", NODES)


def _cell_nodes(cloud):
    ctxt = cloud.context()
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        return {n.hypervisor_hostname: n for n in objects.ComputeNodeList.get_all(cctxt)}


def _generations(cloud, uuids):
    return {uuid: cloud._placement_get(f"/resource_providers/{uuid}")["generation"]
            for uuid in uuids}


def test_each_node_is_a_compute_node_and_a_provider(cloud):
    nodes = _cell_nodes(cloud)
    assert sorted(nodes) == sorted(_names())
    assert {n.host for n in nodes.values()} == {"compute1"}
    assert len({n.uuid for n in nodes.values()}) == NODES
    for name, node in nodes.items():
        assert cloud.provider_uuid(name) == node.uuid
        inventory = cloud._placement_get(
            f"/resource_providers/{node.uuid}/inventories")["inventories"]
        assert inventory["VCPU"]["total"] == fake.FakeDriver.vcpus


def test_servers_spread_over_the_nodes(cloud):
    nodes = _cell_nodes(cloud)
    landed = []
    for index in range(NODES):
        server = cloud.create_server("1", image_id=images.IMAGE_ID, name=f"vm{index}")
        server = cloud.wait_for_server_status(server["id"], "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == "compute1"
        node = server["OS-EXT-SRV-ATTR:hypervisor_hostname"]
        # The allocation is on the provider of the node the server runs on.
        assert list(cloud.allocations(server["id"])) == [nodes[node].uuid]
        landed.append(node)
    # The weighers spread equal nodes: every node got one server.
    assert sorted(landed) == sorted(_names())


def test_periodic_update_writes_only_what_changed(cloud):
    compute = cloud.plane.computes["compute1"].manager
    nodes = _cell_nodes(cloud)
    before = _generations(cloud, [n.uuid for n in nodes.values()])
    server = cloud.create_server("1", image_id=images.IMAGE_ID)
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    used_node = server["OS-EXT-SRV-ATTR:hypervisor_hostname"]

    compute.update_available_resource(cloud.context())

    after_nodes = _cell_nodes(cloud)
    # The record of the node with the server counts it; the others are untouched.
    assert after_nodes[used_node].vcpus_used == 1
    for name, node in after_nodes.items():
        if name != used_node:
            assert node.vcpus_used == 0
            assert node.updated_at == nodes[name].updated_at
    # Same inventory: no provider was written (its generation would grow);
    # the allocation of the server moved only the used node's generation.
    after = _generations(cloud, [n.uuid for n in nodes.values()])
    for name, node in nodes.items():
        if name != used_node:
            assert after[node.uuid] == before[node.uuid]


@main_db_api.pick_context_manager_writer
def _backdate(context, seconds):
    old = datetime.datetime.utcnow() - datetime.timedelta(seconds=seconds)
    for model in (models.ComputeNode, models.Service):
        context.session.query(model).update(
            {"created_at": old, "updated_at": old}, synchronize_session=False)


def test_host_states_refresh_reads_only_changed_records(cloud):
    host_manager = cloud.plane.scheduler.manager.driver.host_manager
    ctxt = cloud.context()
    nodes = _cell_nodes(cloud)
    summaries = {n.uuid: {"resources": {}} for n in nodes.values()}

    states = host_manager.get_host_states(ctxt, summaries, {})
    assert sorted(s.nodename for s in states) == sorted(_names())
    # Every record changed long ago: the next requests read none again.
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        _backdate(cctxt, 3600)
    host_manager.get_host_states(ctxt, summaries, {})
    loaded = host_manager.rows_loaded["nodes"]
    host_manager.get_host_states(ctxt, summaries, {})
    assert host_manager.rows_loaded["nodes"] == loaded

    # One node changes: the next request sees it, reading that row alone.
    changed = nodes[_names()[2]]
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        node = objects.ComputeNode.get_by_uuid(cctxt, changed.uuid)
        node.hypervisor_version = 4242
        node.save()
    states = {s.uuid: s for s in host_manager.get_host_states(ctxt, summaries, {})}
    assert host_manager.rows_loaded["nodes"] == loaded + 1
    assert states[changed.uuid].hypervisor_version == 4242
    assert all(s.hypervisor_version != 4242 for u, s in states.items() if u != changed.uuid)

    # A deleted node is no candidate any more.
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        objects.ComputeNode.get_by_uuid(cctxt, changed.uuid).destroy()
    states = host_manager.get_host_states(ctxt, summaries, {})
    assert changed.uuid not in {s.uuid for s in states}
    assert len(states) == NODES - 1

    # A disabled service is seen on the next request too.
    resp = cloud.admin_api.put("/v2.1/os-services/disable",
                               {"host": "compute1", "binary": "nova-compute"})
    assert resp.status_code == 200, resp.text
    states = host_manager.get_host_states(ctxt, summaries, {})
    assert states and all(s.service_disabled for s in states)
