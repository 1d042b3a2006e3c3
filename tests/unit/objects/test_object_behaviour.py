"""Object behaviour that needs no database: serialisation, sorting rules, helpers."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import vm_states
from nova.objects import base, image_meta, instance, instance_fault

objects.register_all()


def _flavor():
    return objects.Flavor(id=1, flavorid="1", name="m1", memory_mb=512, vcpus=1, root_gb=1,
                          ephemeral_gb=0, swap=0, rxtx_factor=1.0, vcpu_weight=None,
                          disabled=False, is_public=True, extra_specs={"a": "b"}, projects=[],
                          description=None, deleted=False)


def test_instance_survives_rpc_serialisation():
    serializer = base.NovaObjectSerializer()
    inst = objects.Instance(uuid=uuidutils.generate_uuid(), vm_state=vm_states.ACTIVE,
                            task_state=None, metadata={"k": "v"}, flavor=_flavor())
    prim = serializer.serialize_entity(None, inst)
    back = serializer.deserialize_entity(None, prim)
    assert isinstance(back, objects.Instance)
    assert (back.uuid, back.vm_state, back.metadata) == (inst.uuid, "active", {"k": "v"})
    assert back.flavor.extra_specs == {"a": "b"}


def test_request_spec_survives_rpc_serialisation():
    serializer = base.NovaObjectSerializer()
    spec = objects.RequestSpec.from_components(
        None, uuidutils.generate_uuid(), {"id": uuidutils.generate_uuid(), "min_disk": 1},
        _flavor(), filter_properties={"scheduler_hints": {"group": "g"}},
        project_id="p", user_id="u")
    back = serializer.deserialize_entity(None, serializer.serialize_entity(None, spec))
    assert back.get_scheduler_hint("group") == "g"
    assert back.image.min_disk == 1 and back.flavor.flavorid == "1"


@pytest.mark.parametrize("keys, dirs, expected", [
    (None, None, (["created_at", "id"], ["desc", "desc"])),
    (["display_name"], ["asc"], (["display_name", "created_at", "id"], ["asc"] * 3)),
    (["a", "b"], ["desc"], (["a", "b", "created_at", "id"], ["desc"] * 4)),
    (["id"], None, (["id", "created_at"], ["desc", "desc"])),
])
def test_process_sort_params(keys, dirs, expected):
    assert instance.process_sort_params(keys, dirs) == expected


def test_process_sort_params_rejects_bad_input():
    with pytest.raises(exception.InvalidInput):
        instance.process_sort_params(["a"], ["asc", "desc"])
    with pytest.raises(exception.InvalidInput):
        instance.process_sort_params(["a"], ["sideways"])


def test_fault_values_from_exceptions():
    code, message, details = instance_fault.fault_values_from_exception(
        exception.FlavorNotFound(flavor_id="x"))
    assert (code, message) == (404, "Flavor x could not be found.")
    code, message, _ = instance_fault.fault_values_from_exception(ValueError())
    assert (code, message) == (500, "ValueError")
    _, message, _ = instance_fault.fault_values_from_exception(RuntimeError("x" * 300))
    assert len(message) == 255


def test_image_meta_from_glance_v2_dict_and_instance():
    meta = image_meta.ImageMeta.from_dict({
        "id": uuidutils.generate_uuid(), "name": "cirros", "size": "1024",
        "disk_format": "qcow2", "hw_disk_bus": "scsi", "os_distro": None,
        "file": "/v2/images/x/file", "tags": ["a"]})
    assert meta.size == 1024 and meta.disk_format == "qcow2" and meta.tags == ["a"]
    assert meta.properties == {"hw_disk_bus": "scsi"}
    assert meta.get("checksum", "none") == "none"
    inst = objects.Instance(image_ref=meta.id, system_metadata={
        "image_disk_format": "raw", "image_hw_video_model": "virtio", "other": "x"})
    rebuilt = image_meta.ImageMeta.from_instance(inst)
    assert rebuilt.id == meta.id and rebuilt.disk_format == "raw"
    assert rebuilt.get_property("hw_video_model") == "virtio"


def test_flavor_notices_in_place_extra_spec_edits():
    flavor = _flavor()
    flavor.obj_reset_changes()
    assert not flavor.obj_what_changed()
    flavor.extra_specs["new"] = "1"
    assert "extra_specs" in flavor.obj_what_changed()


def test_console_token_access_url_formats():
    token = objects.ConsoleAuthToken(console_type="spice-html5", token="t",
                                     access_url_base="http://p/spice_auto.html")
    assert token.access_url == "http://p/spice_auto.html?token=t"
