"""SchedulerReportClient against the real Placement service, in-process.

The boot path's Placement half: a compute node reports itself and its
inventory, the scheduler asks for candidates for a flavor, claims one, and
deleting the instance gives the resources back.
"""

import uuid

import pytest
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import session as ks_session

from nova import context as nova_context
from nova import exception
from nova.scheduler.client import report

INVENTORY = {
    "VCPU": {"total": 4, "allocation_ratio": 1.0},
    "MEMORY_MB": {"total": 2048, "reserved": 0, "allocation_ratio": 1.0},
    "DISK_GB": {"total": 20, "allocation_ratio": 1.0},
}
FLAVOR = {"VCPU": 2, "MEMORY_MB": 1024, "DISK_GB": 10}


@pytest.fixture
def ctx():
    return nova_context.RequestContext(user_id="u1", project_id="p1")


@pytest.fixture
def client(placement_service):
    # No adapter given: the client builds one from CONF.placement, which the
    # fixture pointed at the service (auth_type=admin_token).
    return report.SchedulerReportClient()


@pytest.fixture
def node(client, ctx):
    rp_uuid = str(uuid.uuid4())
    client.ensure_resource_provider(ctx, rp_uuid, "compute1")
    client.set_inventory_for_provider(ctx, rp_uuid, INVENTORY)
    return rp_uuid


def _claim_flavor(client, ctx, consumer):
    reqs, _summaries, _version = client.get_allocation_candidates(ctx, FLAVOR, limit=10)
    assert reqs, "no allocation candidate for a flavor that fits"
    return client.claim_resources(ctx, consumer, reqs[0], "p1", "u1")


def test_ensure_resource_provider_creates_once(client, ctx):
    rp_uuid = str(uuid.uuid4())
    created = client.ensure_resource_provider(ctx, rp_uuid, "host-a")
    again = client.ensure_resource_provider(ctx, rp_uuid, "host-a")
    assert created["uuid"] == again["uuid"] == rp_uuid
    assert again["name"] == "host-a"
    assert again["generation"] == created["generation"] == 0
    assert again["root_provider_uuid"] == rp_uuid


def test_ensure_resource_provider_name_taken_fails(client, ctx):
    client.ensure_resource_provider(ctx, str(uuid.uuid4()), "same-name")
    with pytest.raises(exception.ResourceProviderCreationFailed):
        client.ensure_resource_provider(ctx, str(uuid.uuid4()), "same-name")


def test_set_inventory_round_trip_and_noop(client, ctx, node):
    generation, inventory = client.get_provider_inventory(ctx, node)
    assert inventory["VCPU"]["total"] == 4
    assert inventory["MEMORY_MB"]["total"] == 2048
    assert inventory["DISK_GB"]["total"] == 20
    # Same values again: nothing is written, the generation stays.
    assert client.set_inventory_for_provider(ctx, node, INVENTORY) == generation
    bigger = dict(INVENTORY, VCPU={"total": 8, "allocation_ratio": 1.0})
    assert client.set_inventory_for_provider(ctx, node, bigger) == generation + 1
    assert client.get_provider_inventory(ctx, node)[1]["VCPU"]["total"] == 8
    # Leaving "reserved" out means 0 again, which is a change to write.
    reserved = dict(bigger, MEMORY_MB={"total": 2048, "reserved": 256})
    assert client.set_inventory_for_provider(ctx, node, reserved) == generation + 2
    assert client.set_inventory_for_provider(ctx, node, bigger) == generation + 3
    assert client.get_provider_inventory(ctx, node)[1]["MEMORY_MB"]["reserved"] == 0


def test_set_inventory_retries_after_generation_race(client, ctx, node, placement_service):
    # Another writer bumps the generation between our read and our write.
    real_get = client.get_provider_inventory
    raced = []

    def get_then_race(context, rp_uuid):
        result = real_get(context, rp_uuid)
        if not raced:
            raced.append(True)
            gen, inv = result
            other = report.SchedulerReportClient(placement_service.adapter)
            resp = other.put(context, f"/resource_providers/{rp_uuid}/inventories",
                             {"resource_provider_generation": gen, "inventories": inv},
                             report.INVENTORY_VERSION)
            assert resp.status_code == 200
        return result

    client.get_provider_inventory = get_then_race
    new = dict(INVENTORY, DISK_GB={"total": 40, "allocation_ratio": 1.0})
    generation = client.set_inventory_for_provider(ctx, node, new)
    assert raced
    assert real_get(ctx, node) == (generation, real_get(ctx, node)[1])
    assert real_get(ctx, node)[1]["DISK_GB"]["total"] == 40


def test_candidates_claim_usage_and_delete(client, ctx, node):
    reqs, summaries, version = client.get_allocation_candidates(
        ctx, FLAVOR, limit=5)
    assert version == report.CANDIDATES_VERSION
    assert len(reqs) == 1
    assert reqs[0]["allocations"] == {node: {"resources": FLAVOR}}
    assert summaries[node]["resources"]["VCPU"] == {"capacity": 4, "used": 0}

    instance = str(uuid.uuid4())
    assert client.claim_resources(ctx, instance, reqs[0], "p1", "u1") is True
    assert client.get_provider_usages(ctx, node) == FLAVOR
    allocs = client.get_allocs_for_consumer(ctx, instance)
    assert allocs["allocations"][node]["resources"] == FLAVOR
    assert allocs["project_id"] == "p1"
    assert allocs["user_id"] == "u1"
    assert allocs["consumer_generation"] == 1
    assert client.get_allocations_for_consumer(ctx, instance) == allocs["allocations"]

    assert client.delete_allocation_for_instance(ctx, instance) is True
    assert client.get_provider_usages(ctx, node) == {"VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}
    assert client.get_allocations_for_consumer(ctx, instance) == {}
    assert client.delete_allocation_for_instance(ctx, instance) is False


def test_claim_beyond_capacity_fails(client, ctx, node):
    assert _claim_flavor(client, ctx, str(uuid.uuid4())) is True
    assert _claim_flavor(client, ctx, str(uuid.uuid4())) is True
    # Two flavors used all 4 VCPUs: no candidate is left ...
    reqs, _summaries, _version = client.get_allocation_candidates(ctx, FLAVOR)
    assert reqs == []
    # ... and a claim made from a stale candidate is refused by Placement.
    stale = {"allocations": {node: {"resources": FLAVOR}}}
    third = str(uuid.uuid4())
    assert client.claim_resources(ctx, third, stale, "p1", "u1") is False
    assert client.get_allocations_for_consumer(ctx, third) == {}
    assert client.get_provider_usages(ctx, node)["VCPU"] == 4


def test_claim_with_wrong_consumer_generation_raises(client, ctx, node):
    instance = str(uuid.uuid4())
    assert _claim_flavor(client, ctx, instance) is True
    smaller = {"allocations": {node: {"resources": {"VCPU": 1, "MEMORY_MB": 512}}}}
    # None claims the consumer is new, but it already has allocations.
    with pytest.raises(exception.AllocationUpdateFailed):
        client.claim_resources(ctx, instance, smaller, "p1", "u1")
    generation = client.get_allocs_for_consumer(ctx, instance)["consumer_generation"]
    assert client.claim_resources(ctx, instance, smaller, "p1", "u1",
                                  consumer_generation=generation) is True
    assert client.get_provider_usages(ctx, node) == {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 0}


def test_required_and_forbidden_traits_filter_candidates(client, ctx, node):
    resp = client.put(ctx, f"/resource_providers/{node}/traits",
                      {"resource_provider_generation":
                       client.get_resource_provider(ctx, node)["generation"],
                       "traits": ["HW_CPU_X86_AVX2"]}, "1.6")
    assert resp.status_code == 200
    with_trait = client.get_allocation_candidates(ctx, FLAVOR, required_traits=["HW_CPU_X86_AVX2"])
    assert [list(r["allocations"]) for r in with_trait[0]] == [[node]]
    without = client.get_allocation_candidates(ctx, FLAVOR, forbidden_traits=["HW_CPU_X86_AVX2"])
    assert without[0] == []
    missing = client.get_allocation_candidates(ctx, FLAVOR, required_traits=["HW_CPU_X86_SSE42"])
    assert missing[0] == []


def test_candidates_error_returns_none_triple(client, ctx, node):
    assert client.get_allocation_candidates(ctx, {"NO_SUCH_CLASS": 1}) == (None, None, None)


def test_remove_provider_from_allocations(client, ctx, node):
    other = str(uuid.uuid4())
    client.ensure_resource_provider(ctx, other, "shared-storage")
    client.set_inventory_for_provider(ctx, other, {"DISK_GB": {"total": 100}})
    instance = str(uuid.uuid4())
    two_providers = {"allocations": {
        node: {"resources": {"VCPU": 1, "MEMORY_MB": 256}},
        other: {"resources": {"DISK_GB": 5}},
    }}
    assert client.claim_resources(ctx, instance, two_providers, "p1", "u1") is True
    assert client.remove_provider_from_allocations(ctx, instance, other) is True
    assert set(client.get_allocations_for_consumer(ctx, instance)) == {node}
    assert client.get_provider_usages(ctx, other) == {"DISK_GB": 0}
    assert client.remove_provider_from_allocations(ctx, instance, other) is False


def test_delete_resource_provider(client, ctx, node):
    instance = str(uuid.uuid4())
    assert _claim_flavor(client, ctx, instance) is True
    with pytest.raises(exception.ResourceProviderInUse):
        client.delete_resource_provider(ctx, node)
    with pytest.raises(exception.InventoryInUse):
        client.set_inventory_for_provider(ctx, node, {})
    client.delete_resource_provider(ctx, node, cascade=True)
    assert client.get_resource_provider(ctx, node) is None
    assert client.get_allocations_for_consumer(ctx, instance) == {}
    # Already gone: not an error.
    client.delete_resource_provider(ctx, node)


def test_injected_adapter_is_used(placement_service, ctx):
    client = report.SchedulerReportClient(placement_service.adapter)
    rp_uuid = str(uuid.uuid4())
    client.ensure_resource_provider(ctx, rp_uuid, "via-adapter")
    # The provider is visible through a client built from CONF: same service.
    seen = report.SchedulerReportClient().get_resource_provider(ctx, rp_uuid)
    assert seen["name"] == "via-adapter"


def test_unreachable_placement_raises_connect_failure(ctx):
    session = ks_session.Session(additional_headers={"X-Auth-Token": "admin"})
    dead = ks_adapter.Adapter(session, service_type="placement",
                              endpoint_override="http://127.0.0.1:9", raise_exc=False,
                              connect_retries=0)
    client = report.SchedulerReportClient(dead)
    with pytest.raises(exception.PlacementAPIConnectFailure):
        client.get_resource_provider(ctx, str(uuid.uuid4()))


def test_provider_aggregates_add_and_remove_keep_others(client, ctx, node):
    agg_a, agg_b = str(uuid.uuid4()), str(uuid.uuid4())
    assert client.get_provider_aggregates(ctx, node)[1] == set()
    assert client.add_provider_to_aggregate(ctx, node, agg_a) == {agg_a}
    assert client.add_provider_to_aggregate(ctx, node, agg_b) == {agg_a, agg_b}
    generation, _ = client.get_provider_aggregates(ctx, node)
    # Adding again writes nothing: the generation stays.
    client.add_provider_to_aggregate(ctx, node, agg_b)
    assert client.get_provider_aggregates(ctx, node) == (generation, {agg_a, agg_b})
    assert client.remove_provider_from_aggregate(ctx, node, agg_a) == {agg_b}
    assert client.remove_provider_from_aggregate(ctx, node, agg_a) == {agg_b}


def test_provider_aggregates_retry_after_generation_race(client, ctx, node, placement_service):
    # The compute host's inventory update bumps the generation between our
    # read and our write: the aggregate is still added, nothing is lost.
    real_get = client.get_provider_aggregates
    raced = []
    agg = str(uuid.uuid4())

    def get_then_race(context, rp_uuid):
        result = real_get(context, rp_uuid)
        if not raced:
            raced.append(True)
            other = report.SchedulerReportClient(placement_service.adapter)
            other.set_inventory_for_provider(
                context, rp_uuid, dict(INVENTORY, DISK_GB={"total": 30}))
        return result

    client.get_provider_aggregates = get_then_race
    assert client.add_provider_to_aggregate(ctx, node, agg) == {agg}
    assert raced
    assert real_get(ctx, node)[1] == {agg}


def test_provider_aggregates_of_unknown_provider_fail(client, ctx):
    with pytest.raises(exception.ResourceProviderRetrievalFailed):
        client.add_provider_to_aggregate(ctx, str(uuid.uuid4()), str(uuid.uuid4()))


def test_move_allocations_swaps_consumers_and_back(client, ctx, node):
    instance, migration = str(uuid.uuid4()), str(uuid.uuid4())
    assert _claim_flavor(client, ctx, instance) is True
    # The move's start: the migration holds what the instance held.
    assert client.move_allocations(ctx, instance, migration) is True
    assert client.get_allocations_for_consumer(ctx, instance) == {}
    assert client.get_allocations_for_consumer(ctx, migration)[node]["resources"] == FLAVOR
    assert client.get_provider_usages(ctx, node) == FLAVOR
    # A claim for the instance elsewhere (here a smaller one), then the
    # rollback: the instance's claim is replaced by what the migration held.
    smaller = {"allocations": {node: {"resources": {"VCPU": 1, "MEMORY_MB": 256}}}}
    assert client.claim_resources(ctx, instance, smaller, "p1", "u1") is True
    assert client.move_allocations(ctx, migration, instance) is True
    assert client.get_allocations_for_consumer(ctx, instance)[node]["resources"] == FLAVOR
    assert client.get_allocations_for_consumer(ctx, migration) == {}
    assert client.get_provider_usages(ctx, node) == FLAVOR
    # Nothing to move: nothing changes.
    assert client.move_allocations(ctx, migration, instance) is False
    assert client.get_allocations_for_consumer(ctx, instance)[node]["resources"] == FLAVOR
