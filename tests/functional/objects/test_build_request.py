"""BuildRequest round trips through a real API database."""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import task_states, vm_states


@pytest.fixture
def flavor(admin_ctx):
    flavor = objects.Flavor(admin_ctx, name="m1", flavorid="1", memory_mb=512, vcpus=2,
                            root_gb=1, ephemeral_gb=0, swap=0, is_public=True, disabled=False)
    flavor.create()
    return flavor


def _pending(ctx, flavor, name, project_id="project1", **kw):
    instance = objects.Instance(
        uuid=uuidutils.generate_uuid(), project_id=project_id, user_id="user1",
        display_name=name, vm_state=vm_states.BUILDING, task_state=task_states.SCHEDULING,
        image_ref="image1", metadata={"m": "1"}, system_metadata={}, **kw)
    instance.flavor = flavor
    request = objects.BuildRequest(ctx, instance=instance, instance_uuid=instance.uuid,
                                   project_id=project_id)
    request.create()
    return request


def test_round_trip_and_new_instance(admin_ctx, flavor):
    bdms = objects.BlockDeviceMappingList(objects=[objects.BlockDeviceMapping(
        source_type="image", destination_type="local", boot_index=0, image_id="image1")])
    instance = objects.Instance(uuid=uuidutils.generate_uuid(), project_id="project1",
                                display_name="vm", vm_state=vm_states.BUILDING,
                                metadata={}, system_metadata={})
    instance.flavor = flavor
    request = objects.BuildRequest(admin_ctx, instance=instance, block_device_mappings=bdms,
                                   tags=objects.TagList(objects=[objects.Tag(tag="t")]))
    request.create()
    assert request.instance_uuid == instance.uuid and request.project_id == "project1"
    got = objects.BuildRequest.get_by_instance_uuid(admin_ctx, instance.uuid)
    assert got.instance.display_name == "vm"
    assert got.instance.flavor.vcpus == 2
    assert got.instance.created_at is not None and got.instance.deleted is False
    assert [t.tag for t in got.instance.tags] == ["t"]
    assert got.block_device_mappings[0].boot_index == 0
    with pytest.raises(exception.ObjectActionError):
        objects.BuildRequest(admin_ctx, instance=instance).create()

    # The conductor builds the real instance in a cell from it.
    new = got.get_new_instance(admin_ctx)
    new.create()
    created = objects.Instance.get_by_uuid(admin_ctx, instance.uuid,
                                           expected_attrs=["flavor", "tags"])
    assert created.flavor.flavorid == "1"
    assert [t.tag for t in created.tags] == ["t"]
    assert created.info_cache.network_info == []
    assert new.name.startswith("instance-") and got.instance.name == ""
    got.destroy()
    with pytest.raises(exception.BuildRequestNotFound):
        got.destroy()
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(admin_ctx, instance.uuid)


def test_list_filters_sort_and_project_scope(admin_ctx, flavor):
    a = _pending(admin_ctx, flavor, "web-a")
    b = _pending(admin_ctx, flavor, "web-b")
    c = _pending(admin_ctx, flavor, "db", project_id="project2")
    user = nova_context.RequestContext(user_id="user1", project_id="project1")
    assert sorted(r.instance_uuid for r in objects.BuildRequestList.get_all(user)) == sorted(
        [a.instance_uuid, b.instance_uuid])
    assert [r.instance_uuid for r in objects.BuildRequestList.get_by_project_id(
        admin_ctx, "project2")] == [c.instance_uuid]

    def names(filters, **kw):
        return [r.instance.display_name
                for r in objects.BuildRequestList.get_by_filters(admin_ctx, filters, **kw)]

    assert names({"name": "web"}, sort_keys=["display_name"], sort_dirs=["asc"]) == [
        "web-a", "web-b"]
    assert names({}, sort_keys=["display_name"], sort_dirs=["desc"], limit=2) == [
        "web-b", "web-a"]
    assert names({}, sort_keys=["display_name"], sort_dirs=["asc"],
                 marker=a.instance_uuid) == ["web-b"]
    assert names({"project_id": "project2"}) == ["db"]
    assert names({"name": "^WEB-"}, sort_keys=["display_name"], sort_dirs=["asc"]) == [
        "web-a", "web-b"]
    assert names({"name": "-b$"}) == ["web-b"]
    assert names({"deleted": True}) == []
    assert names({"flavor": "1", "vm_state": [vm_states.BUILDING]}, sort_keys=["display_name"],
                 sort_dirs=["asc"]) == ["db", "web-a", "web-b"]
    with pytest.raises(exception.MarkerNotFound):
        names({}, marker=uuidutils.generate_uuid())
