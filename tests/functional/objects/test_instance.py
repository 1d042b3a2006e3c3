"""Instance round trips through a real cell database.

Covers the compare-and-swap save, soft delete visibility, lazy loading and
get_by_filters' filters, sorting and marker paging.
"""

import datetime

import pytest
from oslo_utils import timeutils, uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import power_state, task_states, vm_states


def _flavor(ctx, flavorid="1", **kw):
    values = dict(name=f"m1.{flavorid}", memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0,
                  swap=0, is_public=True, disabled=False, extra_specs={"k": "v"})
    values.update(kw)
    flavor = objects.Flavor(ctx, flavorid=flavorid, **values)
    flavor.create()
    return flavor


@pytest.fixture
def flavor(admin_ctx):
    return _flavor(admin_ctx)


def _instance(ctx, flavor, **kw):
    values = dict(project_id="project1", user_id="user1", display_name="vm",
                  vm_state=vm_states.BUILDING, task_state=task_states.SCHEDULING,
                  power_state=power_state.NOSTATE, image_ref="image1", host=None)
    values.update(kw)
    instance = objects.Instance(ctx, flavor=flavor, **values)
    instance.create()
    return instance


def test_create_and_get_round_trip(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor, metadata={"role": "web"},
                     system_metadata={"image_os": "cirros"}, access_ip_v4="192.0.2.1",
                     tags=objects.TagList(objects=[objects.Tag(tag="blue")]))
    assert inst.id and uuidutils.is_uuid_like(inst.uuid)
    assert inst.name == "instance-%08x" % inst.id
    got = objects.Instance.get_by_uuid(
        admin_ctx, inst.uuid,
        expected_attrs=["metadata", "system_metadata", "flavor", "tags", "info_cache"])
    assert got.display_name == "vm"
    assert got.metadata == {"role": "web"}
    assert got.system_metadata == {"image_os": "cirros"}
    assert got.flavor.flavorid == "1" and got.flavor.extra_specs == {"k": "v"}
    # Size fields and instance_type_id default to the flavor's.
    assert (got.memory_mb, got.vcpus, got.instance_type_id) == (512, 1, flavor.id)
    assert [t.tag for t in got.tags] == ["blue"]
    assert got.info_cache.network_info == []
    assert str(got.access_ip_v4) == "192.0.2.1"
    with pytest.raises(exception.InstanceExists):
        objects.Instance(admin_ctx, uuid=inst.uuid, flavor=flavor).create()


def test_lazy_load_optional_fields(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor, metadata={"a": "1"})
    got = objects.Instance.get_by_uuid(admin_ctx, inst.uuid, expected_attrs=[])
    assert not got.obj_attr_is_set("metadata")
    assert got.metadata == {"a": "1"}
    assert got.flavor.name == flavor.name
    assert got.fault is None
    objects.InstanceFault.create_from_exception(
        admin_ctx, inst.uuid, exception.InstanceNotFound(instance_id="x"), host="h1")
    got = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    assert got.fault.code == 404
    assert "could not be found" in got.fault.message
    orphan = objects.Instance(uuid=inst.uuid)
    with pytest.raises(exception.OrphanedObjectError):
        orphan.metadata  # noqa: B018


def test_save_compare_and_swap(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor)
    first = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    second = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)

    first.task_state = task_states.SPAWNING
    first.save(expected_task_state=task_states.SCHEDULING)

    second.task_state = task_states.DELETING
    with pytest.raises(exception.UnexpectedTaskStateError) as err:
        second.save(expected_task_state=task_states.SCHEDULING)
    assert err.value.kwargs["actual"] == task_states.SPAWNING
    stored = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    assert stored.task_state == task_states.SPAWNING

    # A list of expected states, including None for "no task".
    first.task_state = None
    first.vm_state = vm_states.ACTIVE
    first.save(expected_task_state=[task_states.SPAWNING, None])
    first.task_state = task_states.POWERING_OFF
    first.save(expected_task_state=[None])
    with pytest.raises(exception.UnexpectedTaskStateError):
        first.task_state = task_states.REBOOTING
        first.save(expected_task_state=[None])


def test_save_reports_deleting_and_vm_state(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor, task_state=task_states.DELETING)
    inst.task_state = task_states.SPAWNING
    with pytest.raises(exception.UnexpectedDeletingTaskStateError):
        inst.save(expected_task_state=task_states.SCHEDULING)
    other = _instance(admin_ctx, flavor)
    other.vm_state = vm_states.ACTIVE
    with pytest.raises(exception.UnexpectedVMStateError):
        other.save(expected_vm_state=vm_states.STOPPED)


def test_save_metadata_and_flavor_changes(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor, metadata={"a": "1", "b": "2"})
    new = _flavor(admin_ctx, flavorid="2", memory_mb=1024)
    inst.metadata["a"] = "10"
    del inst.metadata["b"]
    inst.new_flavor = new
    inst.old_flavor = flavor
    inst.save()
    got = objects.Instance.get_by_uuid(
        admin_ctx, inst.uuid, expected_attrs=["metadata", "new_flavor", "old_flavor"])
    assert got.metadata == {"a": "10"}
    assert got.new_flavor.memory_mb == 1024 and got.old_flavor.flavorid == "1"
    got.info_cache.network_info = [{"id": "port1", "address": "fa:16:3e:00:00:01"}]
    got.save()
    assert objects.Instance.get_by_uuid(admin_ctx, inst.uuid).info_cache.network_info[0][
        "id"] == "port1"


def test_destroy_soft_deletes(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor, metadata={"a": "1"})
    inst.destroy()
    assert inst.deleted
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    deleted_ctx = nova_context.get_admin_context(read_deleted="yes")
    got = objects.Instance.get_by_uuid(deleted_ctx, inst.uuid)
    assert got.deleted and got.deleted_at is not None
    assert objects.InstanceList.get_by_filters(admin_ctx, {}).objects == []
    assert [i.uuid for i in objects.InstanceList.get_by_filters(
        admin_ctx, {"deleted": True})] == [inst.uuid]
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(admin_ctx, inst.uuid).destroy()


def test_destroy_refuses_when_a_host_claimed_it(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor)
    claimed = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    claimed.host = "compute1"
    claimed.save()
    with pytest.raises(exception.ObjectActionError):
        inst.destroy()
    claimed.destroy(hard_delete=True)
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(nova_context.get_admin_context(read_deleted="yes"),
                                     inst.uuid)


def test_get_by_filters_filters(admin_ctx, flavor):
    other_flavor = _flavor(admin_ctx, flavorid="big", memory_mb=4096)
    a = _instance(admin_ctx, flavor, display_name="web-1", host="h1", node="n1",
                  vm_state=vm_states.ACTIVE, task_state=None)
    b = _instance(admin_ctx, flavor, display_name="web-2", host="h2", node="n2",
                  project_id="project2", task_state=task_states.SPAWNING)
    c = _instance(admin_ctx, other_flavor, display_name="db_1", host="h1", node="n3",
                  image_ref="image2", vm_state=vm_states.SOFT_DELETED, task_state=None)

    def uuids(filters, ctx=admin_ctx):
        return sorted(i.uuid for i in objects.InstanceList.get_by_filters(ctx, filters))

    assert uuids({"name": "web"}) == sorted([a.uuid, b.uuid])
    assert uuids({"display_name": "_"}) == [c.uuid]  # LIKE wildcards are literal
    assert uuids({"host": "h1"}) == sorted([a.uuid, c.uuid])
    assert uuids({"host": "h1", "node": "n1"}) == [a.uuid]
    assert uuids({"project_id": "project2"}) == [b.uuid]
    assert uuids({"vm_state": [vm_states.ACTIVE, vm_states.BUILDING]}) == sorted(
        [a.uuid, b.uuid])
    assert uuids({"task_state": None}) == sorted([a.uuid, c.uuid])
    assert uuids({"image_ref": "image2"}) == [c.uuid]
    assert uuids({"flavor": other_flavor.id}) == [c.uuid]
    assert uuids({"uuid": [a.uuid, b.uuid, "nope"]}) == sorted([a.uuid, b.uuid])
    # deleted=False hides soft-deleted (vm_state soft-delete) instances too.
    assert uuids({"deleted": False}) == sorted([a.uuid, b.uuid])
    # A user sees only their project.
    user_ctx = nova_context.RequestContext(user_id="user1", project_id="project2")
    assert uuids({}, user_ctx) == [b.uuid]
    assert [i.uuid for i in objects.InstanceList.get_by_host_and_node(
        admin_ctx, "h1", "n3")] == [c.uuid]
    assert objects.InstanceList.get_uuids_by_host(admin_ctx, "h2") == [b.uuid]


def test_get_by_filters_changes_since(admin_ctx, flavor):
    old = _instance(admin_ctx, flavor)
    cutoff = timeutils.utcnow()
    new = _instance(admin_ctx, flavor)
    later = cutoff + datetime.timedelta(hours=1)
    found = objects.InstanceList.get_by_filters(admin_ctx, {"changes-since": cutoff})
    assert [i.uuid for i in found] == [new.uuid]
    old.display_name = "renamed"
    old.save()
    found = objects.InstanceList.get_by_filters(admin_ctx, {"changes-since": cutoff})
    assert sorted(i.uuid for i in found) == sorted([old.uuid, new.uuid])
    assert objects.InstanceList.get_by_filters(
        admin_ctx, {"changes-since": later.isoformat() + "Z"}).objects == []


def test_get_by_filters_sorting_and_paging(admin_ctx, flavor):
    names = ["c", "a", "d", "b", "e"]
    made = {n: _instance(admin_ctx, flavor, display_name=n) for n in names}
    ordered = objects.InstanceList.get_by_filters(
        admin_ctx, {}, sort_keys=["display_name"], sort_dirs=["asc"])
    assert [i.display_name for i in ordered] == sorted(names)
    page1 = objects.InstanceList.get_by_filters(
        admin_ctx, {}, sort_keys=["display_name"], sort_dirs=["asc"], limit=2)
    assert [i.display_name for i in page1] == ["a", "b"]
    page2 = objects.InstanceList.get_by_filters(
        admin_ctx, {}, sort_keys=["display_name"], sort_dirs=["asc"], limit=2,
        marker=page1[-1].uuid)
    assert [i.display_name for i in page2] == ["c", "d"]
    # Default order is newest first (created_at desc, id desc).
    default = objects.InstanceList.get_by_filters(admin_ctx, {})
    assert [i.display_name for i in default] == list(reversed(names))
    # Several keys: vm_state then display_name descending.
    made["a"].vm_state = vm_states.ACTIVE
    made["a"].save()
    multi = objects.InstanceList.get_by_filters(
        admin_ctx, {}, sort_keys=["vm_state", "display_name"], sort_dirs=["asc", "desc"])
    assert [i.display_name for i in multi] == ["a", "e", "d", "c", "b"]
    with pytest.raises(exception.MarkerNotFound):
        objects.InstanceList.get_by_filters(admin_ctx, {}, marker=uuidutils.generate_uuid())


def test_tags_filter_and_tag_objects(admin_ctx, flavor):
    a = _instance(admin_ctx, flavor)
    b = _instance(admin_ctx, flavor)
    objects.TagList.create(admin_ctx, a.uuid, ["x", "y"])
    objects.Tag(admin_ctx, resource_id=b.uuid, tag="x").create()
    assert objects.Tag.exists(admin_ctx, b.uuid, "x")
    found = objects.InstanceList.get_by_filters(admin_ctx, {"tags": ["x", "y"]})
    assert [i.uuid for i in found] == [a.uuid]
    found = objects.InstanceList.get_by_filters(admin_ctx, {"not-tags-any": "y"})
    assert [i.uuid for i in found] == [b.uuid]
    objects.Tag.destroy(admin_ctx, a.uuid, "y")
    with pytest.raises(exception.InstanceTagNotFound):
        objects.Tag.destroy(admin_ctx, a.uuid, "y")
    assert [t.tag for t in objects.TagList.get_by_resource_id(admin_ctx, a.uuid)] == ["x"]
    with pytest.raises(exception.TooManyInstanceTags):
        objects.TagList.create(admin_ctx, a.uuid, [f"t{i}" for i in range(51)])


def test_refresh_and_keypairs(admin_ctx, flavor):
    keypairs = objects.KeyPairList(objects=[objects.KeyPair(
        name="k", user_id="user1", public_key="ssh-rsa AAA", type="ssh", fingerprint="f")])
    inst = _instance(admin_ctx, flavor, keypairs=keypairs, key_name="k")
    other = objects.Instance.get_by_uuid(admin_ctx, inst.uuid)
    other.vm_state = vm_states.ERROR
    other.save()
    inst.refresh()
    assert inst.vm_state == vm_states.ERROR
    got = objects.Instance.get_by_uuid(admin_ctx, inst.uuid, expected_attrs=["keypairs"])
    assert [k.name for k in got.keypairs] == ["k"]


def test_list_loads_faults_in_bulk(admin_ctx, flavor):
    failed = _instance(admin_ctx, flavor, vm_state=vm_states.ERROR)
    fine = _instance(admin_ctx, flavor)
    objects.InstanceFault.create_from_exception(admin_ctx, failed.uuid, ValueError("old"))
    objects.InstanceFault.create_from_exception(admin_ctx, failed.uuid, ValueError("boom"))
    found = {i.uuid: i for i in objects.InstanceList.get_by_filters(
        admin_ctx, {}, expected_attrs=["fault"])}
    assert found[failed.uuid].fault.message == "boom"
    assert found[fine.uuid].fault is None
    assert len(objects.InstanceFaultList.get_by_instance_uuids(admin_ctx, [failed.uuid])) == 2


def test_name_regex_and_ip_filters(admin_ctx, flavor):
    web = _instance(admin_ctx, flavor, display_name="Web-1")
    db = _instance(admin_ctx, flavor, display_name="db-web")
    web.info_cache.network_info = [{"id": "p1", "network": {"subnets": [{"ips": [
        {"address": "10.0.0.5", "floating_ips": [{"address": "172.24.4.9"}]},
        {"address": "fd00::5"}]}]}}]
    web.info_cache.save()

    def names(filters):
        return sorted(i.display_name for i in objects.InstanceList.get_by_filters(
            admin_ctx, filters))

    assert names({"name": "web"}) == ["Web-1", "db-web"]  # substring, any case
    assert names({"name": "^web"}) == ["Web-1"]  # a regular expression
    assert names({"name": "web$"}) == ["db-web"]
    assert names({"ip": "10.0.0.5"}) == ["Web-1"]
    assert names({"ip": "172.24"}) == ["Web-1"]
    assert names({"ip": "10.0.0.6"}) == []
    assert names({"ip6": "fd00::"}) == ["Web-1"]
    page = objects.InstanceList.get_by_filters(admin_ctx, {"name": "b.*"}, limit=1,
                                               sort_keys=["display_name"], sort_dirs=["asc"])
    assert [i.display_name for i in page] == ["Web-1"]
    with pytest.raises(exception.InvalidInput):
        names({"name": "web("})
    assert db.display_name == "db-web"


def test_info_cache_object(admin_ctx, flavor):
    inst = _instance(admin_ctx, flavor)
    cache = objects.InstanceInfoCache.get_by_instance_uuid(admin_ctx, inst.uuid)
    assert cache.network_info == []
    cache.network_info = [{"id": "port1"}]
    cache.save()
    other = objects.InstanceInfoCache.get_by_instance_uuid(admin_ctx, inst.uuid)
    other.network_info = [{"id": "port2"}]
    other.save()
    cache.refresh()
    assert cache.network_info == [{"id": "port2"}]
    inst.destroy()
    with pytest.raises(exception.InstanceInfoCacheNotFound):
        objects.InstanceInfoCache.get_by_instance_uuid(admin_ctx, inst.uuid)


def test_load_by_node_counts_instances_and_io_ops(admin_ctx, flavor):
    active = dict(vm_state=vm_states.ACTIVE, task_state=None)
    _instance(admin_ctx, flavor, host="h1", node="n1", **active)
    _instance(admin_ctx, flavor, host="h1", node="n1", vm_state=vm_states.BUILDING,
              task_state=task_states.SPAWNING)
    _instance(admin_ctx, flavor, host="h1", node="n1", vm_state=vm_states.ACTIVE,
              task_state=task_states.IMAGE_SNAPSHOT)
    _instance(admin_ctx, flavor, host="h1", node="n1", vm_state=vm_states.ACTIVE,
              task_state=task_states.POWERING_OFF)
    _instance(admin_ctx, flavor, host="h2", node="n2", vm_state=vm_states.ACTIVE,
              task_state=task_states.RESIZE_MIGRATING)
    _instance(admin_ctx, flavor, host="h2", node="n2", **active).destroy()
    _instance(admin_ctx, flavor)  # not on a host yet
    assert objects.InstanceList.get_load_by_node(admin_ctx) == {
        ("h1", "n1"): (4, 2), ("h2", "n2"): (1, 1)}
