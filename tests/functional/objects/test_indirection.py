"""Remotable methods work when every call goes through the conductor.

nova-compute sets ``NovaObject.indirection_api`` to the conductor, so each
remotable method's arguments, the object itself and the result cross RPC as
primitives. A loopback stands in for the conductor here: it serialises
everything both ways exactly as oslo.messaging would and runs the method
with indirection off, like nova-conductor's object_action /
object_class_action_versions.
"""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import task_states, vm_states
from nova.objects import base


class LoopbackConductor:
    """An indirection API that runs object methods locally after an RPC-like round trip."""

    def __init__(self):
        self.serializer = base.NovaObjectSerializer()
        self.calls = []

    def _wire(self, context, value):
        context = nova_context.RequestContext.from_dict(context.to_dict())
        return context, self.serializer.deserialize_entity(
            context, self.serializer.serialize_entity(context, value))

    def _run(self, fn, *args, **kwargs):
        saved = base.NovaObject.indirection_api
        base.NovaObject.indirection_api = None
        try:
            return fn(*args, **kwargs)
        finally:
            base.NovaObject.indirection_api = saved

    def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                     args, kwargs):
        self.calls.append(f"{objname}.{objmethod}")
        ctx, (args, kwargs) = self._wire(context, (list(args), kwargs))
        cls = base.NovaObjectRegistry.obj_classes()[objname][0]
        result = self._run(getattr(cls, objmethod), ctx, *args, **kwargs)
        return self._wire(ctx, result)[1]

    def object_action(self, context, objinst, objmethod, args, kwargs):
        self.calls.append(f"{objinst.obj_name()}.{objmethod}")
        ctx, (remote, args, kwargs) = self._wire(context, (objinst, list(args), kwargs))
        before = remote.obj_clone()
        result = self._run(getattr(remote, objmethod), *args, **kwargs)
        updates = {}
        for name, field in remote.fields.items():
            if not remote.obj_attr_is_set(name):
                continue
            if not before.obj_attr_is_set(name) or getattr(before, name) != getattr(
                    remote, name):
                updates[name] = field.to_primitive(remote, name, getattr(remote, name))
        updates["obj_what_changed"] = remote.obj_what_changed()
        return updates, self._wire(ctx, result)[1]


@pytest.fixture
def conductor(admin_ctx):
    loopback = LoopbackConductor()
    base.NovaObject.indirection_api = loopback
    yield loopback
    base.NovaObject.indirection_api = None


def test_compute_side_service_and_node_through_conductor(admin_ctx, conductor):
    service = objects.Service(admin_ctx, host="c1", binary="nova-compute", topic="compute")
    service.create()
    assert service.id and uuidutils.is_uuid_like(service.uuid)
    service.report_count += 1
    service.save()
    assert service.last_seen_up is not None
    assert objects.Service.get_minimum_version(admin_ctx, "nova-compute") == service.version
    node = objects.ComputeNode(admin_ctx, host="c1", hypervisor_hostname="c1", vcpus=4,
                               memory_mb=2048, local_gb=10, vcpus_used=0, memory_mb_used=0,
                               local_gb_used=0, hypervisor_type="QEMU",
                               hypervisor_version=1, cpu_info="{}", service_id=service.id)
    node.create()
    node.vcpus_used = 2
    node.save()
    assert objects.ComputeNode.get_by_host_and_nodename(admin_ctx, "c1", "c1").vcpus_used == 2
    assert "Service.create" in conductor.calls and "ComputeNode.save" in conductor.calls


def test_instance_lifecycle_through_conductor(admin_ctx, conductor):
    base.NovaObject.indirection_api = None  # the API side writes the flavor directly
    flavor = objects.Flavor(admin_ctx, name="m1", flavorid="1", memory_mb=64, vcpus=1,
                            root_gb=1, ephemeral_gb=0, swap=0, is_public=True,
                            disabled=False)
    flavor.create()
    base.NovaObject.indirection_api = conductor

    inst = objects.Instance(admin_ctx, flavor=flavor, project_id="p", host="c1",
                            vm_state=vm_states.BUILDING, task_state=task_states.SCHEDULING,
                            metadata={"a": "1"})
    inst.create()
    inst.task_state = task_states.SPAWNING
    inst.metadata["b"] = "2"
    inst.save(expected_task_state=[task_states.SCHEDULING])
    assert not inst.obj_what_changed()

    stale = objects.Instance.get_by_uuid(admin_ctx, inst.uuid, expected_attrs=[])
    calls = len(conductor.calls)
    # Lazy loads on the compute side go through the conductor too.
    assert stale.metadata == {"a": "1", "b": "2"}
    assert stale.flavor.flavorid == "1"
    assert conductor.calls[calls:] == ["Instance.get_by_uuid", "Instance.get_by_uuid"]
    stale.task_state = task_states.DELETING
    with pytest.raises(exception.UnexpectedTaskStateError):
        stale.save(expected_task_state=task_states.SCHEDULING)

    objects.InstanceAction.action_start(admin_ctx, inst.uuid, "create", want_result=False)
    objects.InstanceActionEvent.event_start(admin_ctx, inst.uuid, "compute_build", host="c1")
    objects.InstanceActionEvent.event_finish_with_failure(
        admin_ctx, inst.uuid, "compute_build", exc_val=None, exc_tb=None)
    assert objects.Tag.exists(admin_ctx, inst.uuid, "x") is False
    found = objects.InstanceList.get_by_host(admin_ctx, "c1", expected_attrs=["flavor"])
    assert [i.uuid for i in found] == [inst.uuid] and found[0].flavor.name == "m1"

    token = objects.ConsoleAuthToken(admin_ctx, console_type="novnc", host="c1", port=5900,
                                     instance_uuid=inst.uuid)
    secret = token.authorize(60)
    assert objects.ConsoleAuthToken.validate(admin_ctx, secret).port == 5900
    inst.destroy()
    assert inst.deleted
    assert "Instance.save" in conductor.calls and "InstanceList.get_by_host" in conductor.calls
