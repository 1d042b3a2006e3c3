"""RequestSpec round trips through a real API database."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects


@pytest.fixture
def flavor(admin_ctx):
    flavor = objects.Flavor(admin_ctx, name="m1", flavorid="1", memory_mb=512, vcpus=1,
                            root_gb=1, ephemeral_gb=0, swap=0, is_public=True, disabled=False,
                            extra_specs={"hw:cpu_policy": "shared"})
    flavor.create()
    return flavor


def test_from_components_and_round_trip(admin_ctx, user_ctx, flavor):
    group = objects.InstanceGroup(user_ctx, name="g", project_id="project1",
                                  policy="affinity", members=["x"])
    group.create()
    instance_uuid = uuidutils.generate_uuid()
    spec = objects.RequestSpec.from_components(
        user_ctx, instance_uuid, {"id": uuidutils.generate_uuid(), "min_ram": 64,
                                  "properties": {"hw_disk_bus": "virtio"}},
        flavor, filter_properties={"scheduler_hints": {"group": group.uuid, "x": ["1", "2"]},
                                   "force_hosts": "h1", "ignore_hosts": ["h9"]},
        instance_group=group, availability_zone="az1", security_groups=["default"])
    assert spec.project_id == "project1" and spec.user_id == "user1"
    assert spec.get_scheduler_hint("group") == group.uuid
    assert spec.get_scheduler_hint("x") == ["1", "2"]
    assert spec.get_scheduler_hint("missing", "d") == "d"
    spec.retry = objects.SchedulerRetries(num_attempts=1, hosts=objects.ComputeNodeList(
        objects=[objects.ComputeNode(host="h1", hypervisor_hostname="n1")]))
    spec.create()

    got = objects.RequestSpec.get_by_instance_uuid(admin_ctx, instance_uuid)
    assert got.id == spec.id
    assert got.flavor.extra_specs == {"hw:cpu_policy": "shared"}
    assert got.image.min_ram == 64 and got.image.get_property("hw_disk_bus") == "virtio"
    assert got.force_hosts == ["h1"] and got.availability_zone == "az1"
    assert got.instance_group.uuid == group.uuid
    assert not got.instance_group.obj_attr_is_set("members")
    assert got.security_groups == ["default"]
    # Per-attempt data is not stored.
    assert got.retry is None and got.ignore_hosts is None

    got.reset_forced_destinations()
    got.requested_destination = objects.Destination(host="h2", node="n2")
    got.save()
    again = objects.RequestSpec.get_by_instance_uuid(admin_ctx, instance_uuid)
    assert again.force_hosts is None
    assert (again.requested_destination.host, again.requested_destination.node) == ("h2", "n2")
    again.destroy()
    with pytest.raises(exception.RequestSpecNotFound):
        objects.RequestSpec.get_by_instance_uuid(admin_ctx, instance_uuid)
    objects.RequestSpec.destroy_by_instance_uuid(admin_ctx, instance_uuid)


def test_duplicate_spec_refused(admin_ctx, flavor):
    instance_uuid = uuidutils.generate_uuid()
    objects.RequestSpec.from_components(admin_ctx, instance_uuid, None, flavor).create()
    with pytest.raises(exception.ObjectActionError):
        objects.RequestSpec.from_components(admin_ctx, instance_uuid, None, flavor).create()
