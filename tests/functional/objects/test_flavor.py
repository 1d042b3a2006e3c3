"""Flavor round trips through a real API database, visibility and paging."""

import pytest

from nova import exception, objects


def _flavor(ctx, name, flavorid, memory_mb=512, **kw):
    values = dict(vcpus=1, root_gb=1, ephemeral_gb=0, swap=0, is_public=True,
                  disabled=False)
    values.update(kw)
    flavor = objects.Flavor(ctx, name=name, flavorid=flavorid, memory_mb=memory_mb, **values)
    flavor.create()
    return flavor


def test_create_and_get(admin_ctx):
    flavor = _flavor(admin_ctx, "m1.tiny", "1", extra_specs={"hw:cpu_policy": "shared"})
    got = objects.Flavor.get_by_flavor_id(admin_ctx, "1")
    assert got.id == flavor.id
    assert got.extra_specs == {"hw:cpu_policy": "shared"}
    assert got.rxtx_factor == 1.0 and got.projects == []
    assert objects.Flavor.get_by_name(admin_ctx, "m1.tiny").flavorid == "1"
    assert objects.Flavor.get_by_id(admin_ctx, flavor.id).name == "m1.tiny"
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor.get_by_flavor_id(admin_ctx, "nope")
    with pytest.raises(exception.FlavorNotFoundByName):
        objects.Flavor.get_by_name(admin_ctx, "nope")


def test_duplicate_name_and_flavorid(admin_ctx):
    _flavor(admin_ctx, "m1.tiny", "1")
    with pytest.raises(exception.FlavorIdExists):
        _flavor(admin_ctx, "other", "1")
    with pytest.raises(exception.FlavorExists):
        _flavor(admin_ctx, "m1.tiny", "2")


def test_extra_specs_and_description_save(admin_ctx):
    flavor = _flavor(admin_ctx, "f", "f", extra_specs={"a": "1", "b": "2"})
    flavor.extra_specs["a"] = "10"
    del flavor.extra_specs["b"]
    flavor.extra_specs["c"] = "3"
    flavor.description = "small"
    flavor.save()
    got = objects.Flavor.get_by_flavor_id(admin_ctx, "f")
    assert got.extra_specs == {"a": "10", "c": "3"}
    assert got.description == "small"
    got.save_extra_specs(to_delete=["c"])
    assert objects.Flavor.get_by_flavor_id(admin_ctx, "f").extra_specs == {"a": "10"}
    with pytest.raises(exception.FlavorExtraSpecsNotFound):
        got.save_extra_specs(to_delete=["missing"])
    got.vcpus = 4
    with pytest.raises(exception.ObjectActionError):
        got.save()


def test_private_flavor_visibility(admin_ctx, user_ctx):
    _flavor(admin_ctx, "public", "pub")
    private = _flavor(admin_ctx, "private", "priv", is_public=False)
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor.get_by_flavor_id(user_ctx, "priv")
    assert [f.flavorid for f in objects.FlavorList.get_all(user_ctx)] == ["pub"]

    private.add_access("project1")
    assert private.projects == ["project1"]
    with pytest.raises(exception.FlavorAccessExists):
        private.add_access("project1")
    assert objects.Flavor.get_by_flavor_id(user_ctx, "priv").name == "private"
    # Default listing (is_public=True) shows the project's private flavors too.
    assert [f.flavorid for f in objects.FlavorList.get_all(
        user_ctx, filters={"is_public": True})] == ["priv", "pub"]
    assert [f.flavorid for f in objects.FlavorList.get_all(
        admin_ctx, filters={"is_public": False})] == ["priv"]

    private.remove_access("project1")
    with pytest.raises(exception.FlavorAccessNotFound):
        private.remove_access("project1")
    assert [f.flavorid for f in objects.FlavorList.get_all(user_ctx)] == ["pub"]


def test_list_filters_sort_and_marker(admin_ctx):
    for i, mem in enumerate([2048, 512, 1024, 4096]):
        _flavor(admin_ctx, f"f{i}", f"id{i}", memory_mb=mem, root_gb=i)
    by_mem = objects.FlavorList.get_all(admin_ctx, sort_key="memory_mb", sort_dir="desc")
    assert [f.memory_mb for f in by_mem] == [4096, 2048, 1024, 512]
    page = objects.FlavorList.get_all(admin_ctx, sort_key="memory_mb", limit=2, marker="id2")
    assert [f.memory_mb for f in page] == [2048, 4096]
    big = objects.FlavorList.get_all(admin_ctx, filters={"min_memory_mb": 1024,
                                                         "min_root_gb": 2})
    assert [f.flavorid for f in big] == ["id2", "id3"]
    with pytest.raises(exception.MarkerNotFound):
        objects.FlavorList.get_all(admin_ctx, marker="unknown")


def test_destroy(admin_ctx):
    flavor = _flavor(admin_ctx, "gone", "gone", extra_specs={"a": "b"})
    flavor.destroy()
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor.get_by_flavor_id(admin_ctx, "gone")
    # The name and id can be used again.
    _flavor(admin_ctx, "gone", "gone")
