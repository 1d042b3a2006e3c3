"""Builds whose messages were lost: the conductor carries them on.

RabbitMQ hands a message to one consumer; a daemon killed while holding it
loses it. Here the loss is made directly: the API's cast to the conductor,
or the conductor's cast to the compute host, is dropped on the way (a
message that never arrives), or the steps the conductor writes are left
half done as a crash would leave them. The conductor's periodic task
(``[conductor] stale_build_timeout``) must end every such build ACTIVE, or
remove it when the user deleted it meanwhile, and a server must always be
showable and deletable in between.
"""

import datetime
import time

import pytest

from nova import context as nova_context
from nova import objects
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import task_states, vm_states
from nova.conductor import compute_task_rpcapi
from tests.fixtures import images

TIMEOUT = 1  # [conductor] stale_build_timeout of these tests, seconds


@pytest.fixture
def cloud(nova_cloud, conf_fixture):
    conf_fixture.config(stale_build_timeout=TIMEOUT, group="conductor")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    return nova_cloud


def _drop(monkeypatch, cls, method):
    """Make ``cls.method`` lose its message, as a killed receiver would."""
    dropped = []
    monkeypatch.setattr(cls, method, lambda self, *a, **kw: dropped.append(kw or a))
    return dropped


def _recover(cloud):
    """Run the conductor's periodic take-over now (as if its timer fired)."""
    time.sleep(TIMEOUT + 0.1)
    manager = cloud.plane.conductor.manager
    return manager.compute_task_mgr._recover_stale_builds(nova_context.get_admin_context())


def _cell1(cloud):
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        return cctxt


def test_a_lost_build_request_is_scheduled_again(cloud, monkeypatch):
    dropped = _drop(monkeypatch, compute_task_rpcapi.ComputeTaskAPI,
                    "schedule_and_build_instances")
    server = cloud.create_server("1", images.IMAGE_ID)
    assert dropped
    monkeypatch.undo()
    assert cloud.get_server(server["id"])["status"] == "BUILD"
    done = _recover(cloud)
    assert done == {server["id"]: "scheduled"}
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert len(cloud.allocations(server["id"])) == 1


def test_a_lost_cast_to_the_compute_host_is_sent_again(cloud, monkeypatch):
    dropped = _drop(monkeypatch, compute_rpcapi.ComputeAPI, "build_and_run_instance")
    server = cloud.create_server("1", images.IMAGE_ID)
    cloud.wait_for(lambda: dropped, message="the build cast")
    monkeypatch.undo()
    instance = objects.Instance.get_by_uuid(_cell1(cloud), server["id"])
    # Waiting for its host, which the conductor recorded.
    assert (instance.vm_state, instance.task_state, instance.host) == (
        vm_states.BUILDING, task_states.SCHEDULING, "compute1")
    assert _recover(cloud) == {server["id"]: "cast"}
    cloud.wait_for_server_status(server["id"], "ACTIVE")


def test_a_lost_cast_is_rechecked_against_quota_before_it_is_sent_again(
        cloud, monkeypatch):
    dropped = _drop(monkeypatch, compute_rpcapi.ComputeAPI, "build_and_run_instance")
    server = cloud.create_server("1", images.IMAGE_ID)
    cloud.wait_for(lambda: dropped, message="the build cast")
    monkeypatch.undo()
    # Meanwhile the administrator cut the project's quota below its usage.
    resp = cloud.admin_api.put("/v2.1/os-quota-sets/demo-project",
                               {"quota_set": {"instances": 0, "force": True}})
    assert resp.status_code == 200, resp.text
    assert _recover(cloud) == {server["id"]: "failed"}
    shown = cloud.wait_for_server_status(server["id"], "ERROR")
    assert "Quota exceeded for instances" in shown["fault"]["message"]
    assert cloud.allocations(server["id"]) == {}
    detail = cloud.api.get("/v2.1/os-quota-sets/demo-project/detail").json()
    assert detail["quota_set"]["instances"]["in_use"] == 0


def test_a_fresh_claim_is_not_taken_over(cloud, monkeypatch):
    _drop(monkeypatch, compute_task_rpcapi.ComputeTaskAPI, "schedule_and_build_instances")
    server = cloud.create_server("1", images.IMAGE_ID)
    monkeypatch.undo()
    ctxt = cloud.context()
    # Another conductor claims it now: this one must leave it alone.
    later = objects.BuildRequest.get_by_instance_uuid(ctxt, server["id"]).created_at
    assert objects.BuildRequest.claim(
        ctxt, server["id"], later.replace(tzinfo=None) + datetime.timedelta(seconds=5))
    manager = cloud.plane.conductor.manager
    assert manager.compute_task_mgr._recover_stale_builds(ctxt) == {}
    assert not objects.BuildRequest.claim(ctxt, server["id"], later.replace(tzinfo=None))


def test_a_late_copy_of_the_message_builds_nothing_twice(cloud, monkeypatch):
    sent = []

    def keep(self, context, **kwargs):
        sent.append((context, kwargs))

    monkeypatch.setattr(compute_task_rpcapi.ComputeTaskAPI,
                        "schedule_and_build_instances", keep)
    server = cloud.create_server("1", images.IMAGE_ID)
    monkeypatch.undo()
    _recover(cloud)
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    # The original message arrives after all (handled synchronously here):
    # the build request is gone, so it must change nothing.
    context, kwargs = sent[0]
    cloud.plane.conductor.manager.compute_task_mgr.schedule_and_build_instances(
        context, **kwargs)
    assert cloud.get_server(server["id"])["status"] == "ACTIVE"
    mapping = objects.InstanceMapping.get_by_instance_uuid(cloud.context(), server["id"])
    assert mapping.cell_mapping.uuid == cloud.cells.cell1.uuid
    with nova_context.target_cell(cloud.context(), cloud.cells.cell0) as cctxt:
        assert not objects.InstanceList.get_by_filters(cctxt, {"uuid": [server["id"]]})
    assert len(cloud.allocations(server["id"])) == 1


def test_half_done_steps_are_showable_deletable_and_cleaned(cloud, monkeypatch):
    # A crash after the mapping points at cell1 and the instance exists
    # there, before the build request went: showable, then deletable.
    _drop(monkeypatch, compute_task_rpcapi.ComputeTaskAPI, "schedule_and_build_instances")
    server = cloud.create_server("1", images.IMAGE_ID)
    monkeypatch.undo()
    ctxt = cloud.context()
    uuid = server["id"]
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    mapping.cell_mapping = cloud.cells.cell1
    mapping.save()
    assert cloud.get_server(uuid)["status"] == "BUILD"  # from the build request
    build_request = objects.BuildRequest.get_by_instance_uuid(ctxt, uuid)
    instance = build_request.get_new_instance(_cell1(cloud))
    instance.host = "compute1"
    instance.create()
    assert cloud.get_server(uuid)["status"] == "BUILD"  # from the cell
    listed = cloud.api.get("/v2.1/servers").json()["servers"]
    assert [s["id"] for s in listed] == [uuid]
    cloud.delete_server(uuid)
    _recover(cloud)
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        assert not objects.InstanceList.get_by_filters(cctxt, {"uuid": [uuid]})
    assert cloud.api.get("/v2.1/servers").json()["servers"] == []


def test_an_instance_made_after_the_user_deleted_is_removed(cloud, monkeypatch):
    # The user deletes while the conductor works; the conductor dies after
    # creating the instance and before noticing the build request is gone.
    _drop(monkeypatch, compute_task_rpcapi.ComputeTaskAPI, "schedule_and_build_instances")
    server = cloud.create_server("1", images.IMAGE_ID)
    monkeypatch.undo()
    ctxt = cloud.context()
    uuid = server["id"]
    build_request = objects.BuildRequest.get_by_instance_uuid(ctxt, uuid)
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    mapping.cell_mapping = cloud.cells.cell1
    mapping.save()
    assert cloud.api.delete(f"/v2.1/servers/{uuid}").status_code == 204
    instance = build_request.get_new_instance(_cell1(cloud))
    instance.host = "compute1"
    instance.create()
    assert _recover(cloud) == {uuid: "deleted"}
    cloud.wait_for_server_deleted(uuid)
    assert cloud.allocations(uuid) == {}
