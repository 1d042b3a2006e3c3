"""Aggregate and InstanceGroup round trips through a real API database."""

import pytest

from nova import exception, objects
from nova.compute import vm_states


def _aggregate(ctx, name, **metadata):
    aggregate = objects.Aggregate(ctx, name=name, metadata=metadata)
    aggregate.create()
    return aggregate


def test_aggregate_hosts_metadata_and_zone(admin_ctx):
    agg = _aggregate(admin_ctx, "agg1", availability_zone="az1")
    assert agg.availability_zone == "az1" and agg.hosts == []
    agg.add_host("h1")
    agg.add_host("h2")
    with pytest.raises(exception.AggregateHostExists):
        agg.add_host("h1")
    agg.update_metadata({"ssd": "true", "availability_zone": None})
    got = objects.Aggregate.get_by_uuid(admin_ctx, agg.uuid)
    assert sorted(got.hosts) == ["h1", "h2"]
    assert got.metadata == {"ssd": "true"} and got.availability_zone is None
    with pytest.raises(exception.AggregateMetadataNotFound):
        got.update_metadata({"missing": None})
    got.delete_host("h1")
    with pytest.raises(exception.AggregateHostNotFound):
        got.delete_host("h1")
    with pytest.raises(exception.AggregateNameExists):
        _aggregate(admin_ctx, "agg1")
    got.name = "renamed"
    got.save()
    assert objects.Aggregate.get_by_id(admin_ctx, agg.id).name == "renamed"
    got.destroy()
    with pytest.raises(exception.AggregateNotFound):
        objects.Aggregate.get_by_id(admin_ctx, agg.id)


def test_aggregate_lists_and_service_zones(admin_ctx):
    a = _aggregate(admin_ctx, "a", availability_zone="az1")
    b = _aggregate(admin_ctx, "b", ssd="true")
    a.add_host("h1")
    b.add_host("h1")
    b.add_host("h2")
    assert [x.name for x in objects.AggregateList.get_by_host(admin_ctx, "h1")] == ["a", "b"]
    assert [x.name for x in objects.AggregateList.get_by_host(
        admin_ctx, "h1", key="availability_zone")] == ["a"]
    assert [x.name for x in objects.AggregateList.get_by_metadata_key(
        admin_ctx, "ssd", hosts=["h2"])] == ["b"]
    assert [x.name for x in objects.AggregateList.get_by_metadata(
        admin_ctx, value="az1")] == ["a"]
    # Services report the zone of their host's aggregate.
    for host in ("h1", "h2"):
        objects.Service(admin_ctx, host=host, binary="nova-compute", topic="compute").create()
    zones = {s.host: s.availability_zone
             for s in objects.ServiceList.get_all(admin_ctx, set_zones=True)}
    assert zones == {"h1": "az1", "h2": "nova"}


def test_instance_group_round_trip(admin_ctx, user_ctx):
    group = objects.InstanceGroup(user_ctx, name="g1", user_id="user1",
                                  project_id="project1", policy="anti-affinity",
                                  rules={"max_server_per_host": "2"}, members=["m1"])
    group.create()
    got = objects.InstanceGroup.get_by_uuid(user_ctx, group.uuid)
    assert (got.policy, got.policies, got.rules) == (
        "anti-affinity", ["anti-affinity"], {"max_server_per_host": "2"})
    assert got.members == ["m1"]
    assert objects.InstanceGroup.add_members(user_ctx, group.uuid, ["m1", "m2"]) == ["m2"]
    assert objects.InstanceGroup.get_by_instance_uuid(user_ctx, "m2").uuid == group.uuid
    assert objects.InstanceGroup.get_by_hint(user_ctx, "g1").uuid == group.uuid
    assert objects.InstanceGroup.get_by_hint(user_ctx, group.uuid).name == "g1"
    got = objects.InstanceGroup.get_by_uuid(user_ctx, group.uuid)
    got.remove_members(["m1"])
    assert objects.InstanceGroup.get_by_uuid(user_ctx, group.uuid).members == ["m2"]
    assert [g.name for g in objects.InstanceGroupList.get_by_project_id(
        user_ctx, "project1")] == ["g1"]
    assert objects.InstanceGroupList.get_counts(user_ctx, "project1", "user1") == {
        "project": {"server_groups": 1}, "user": {"server_groups": 1}}
    got.destroy()
    with pytest.raises(exception.InstanceGroupNotFound):
        objects.InstanceGroup.get_by_uuid(user_ctx, group.uuid)


def test_instance_group_hosts_from_members(admin_ctx):
    flavor = objects.Flavor(admin_ctx, name="f", flavorid="f", memory_mb=1, vcpus=1,
                            root_gb=0, ephemeral_gb=0, swap=0, is_public=True,
                            disabled=False)
    flavor.create()
    uuids = []
    for host in ("h1", "h1", "h2", None):
        inst = objects.Instance(admin_ctx, flavor=flavor, host=host, project_id="p",
                                vm_state=vm_states.ACTIVE)
        inst.create()
        uuids.append(inst.uuid)
    group = objects.InstanceGroup(admin_ctx, name="g", project_id="p", policy="affinity",
                                  members=uuids)
    group.create()
    assert group.hosts == ["h1", "h2"]
    assert group.get_hosts(exclude=[uuids[2]]) == ["h1"]
