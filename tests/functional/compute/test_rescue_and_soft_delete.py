"""Rescue, changePassword and soft delete through the REST API (fake driver).

Rescue boots a rescue image with the server's disk second and the server
is RESCUE until unrescued; changePassword answers once the guest has the
password; with [DEFAULT] reclaim_instance_interval a delete is a soft
delete that restore undoes, forceDelete finishes, and the periodic reclaim
completes.
"""

import pytest

from nova import context as nova_context
from nova import objects
from tests.fixtures import images

ACTION = "/v2.1/servers/{}/action"


@pytest.fixture
def server(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def act(cloud, server_id, body, api=None):
    return (api or cloud.api).post(ACTION.format(server_id), body)


def console(cloud, server_id):
    return act(cloud, server_id, {"os-getConsoleOutput": {}}).json()["output"]


def test_rescue_with_the_servers_image_then_unrescue(nova_cloud, server):
    resp = act(nova_cloud, server, {"rescue": None})
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["adminPass"]) == 12
    rescued = nova_cloud.wait_for_server_status(server, "RESCUE")
    assert rescued["OS-EXT-STS:vm_state"] == "rescued"
    assert f"rescued with image {images.IMAGE_ID}" in console(nova_cloud, server)
    assert "vm_state rescued" in act(nova_cloud, server, {"os-stop": None}).text
    resp = act(nova_cloud, server, {"unrescue": None})
    assert resp.status_code == 202, resp.text
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert "unrescued" in console(nova_cloud, server)


def test_rescue_with_another_image_and_a_password(nova_cloud, server):
    other = images.LARGE_IMAGE_ID
    resp = act(nova_cloud, server, {"rescue": {"adminPass": "s3cret",
                                                "rescue_image_ref": other}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"adminPass": "s3cret"}
    nova_cloud.wait_for_server_status(server, "RESCUE")


def test_rescue_with_an_unknown_image_is_a_bad_request(nova_cloud, server):
    resp = act(nova_cloud, server, {"rescue": {
        "rescue_image_ref": "9b8e5cba-5b6f-4f7d-8f8e-000000000000"}})
    assert resp.status_code == 400, resp.text
    assert nova_cloud.get_server(server)["status"] == "ACTIVE"


def test_unrescue_a_server_not_rescued_is_a_conflict(nova_cloud, server):
    resp = act(nova_cloud, server, {"unrescue": None})
    assert resp.status_code == 409
    assert "vm_state active" in resp.json()["conflictingRequest"]["message"]


def test_change_password(nova_cloud, server):
    resp = act(nova_cloud, server, {"changePassword": {"adminPass": "n3w-pass"}})
    assert resp.status_code == 202, resp.text
    driver = nova_cloud.plane.computes["compute1"].manager.driver
    assert driver.passwords[server] == "n3w-pass"
    assert nova_cloud.get_server(server)["OS-EXT-STS:task_state"] is None
    assert act(nova_cloud, server, {"changePassword": {}}).status_code == 400


@pytest.fixture
def soft_deleting(conf_fixture):
    conf_fixture.config(reclaim_instance_interval=3600)


def test_soft_delete_then_restore(nova_cloud, soft_deleting, server):
    assert nova_cloud.api.delete(f"/v2.1/servers/{server}").status_code == 204
    deleted = nova_cloud.wait_for_server_status(server, "SOFT_DELETED")
    assert deleted["OS-EXT-STS:power_state"] == 4
    # Not listed, still counted as the user's server and restorable.
    assert nova_cloud.api.get("/v2.1/servers").json()["servers"] == []
    assert len(nova_cloud.allocations(server)) == 1
    resp = act(nova_cloud, server, {"restore": None})
    assert resp.status_code == 202, resp.text
    nova_cloud.wait_for_server_status(server, "ACTIVE")


def test_force_delete_of_a_soft_deleted_server(nova_cloud, soft_deleting, server):
    nova_cloud.api.delete(f"/v2.1/servers/{server}")
    nova_cloud.wait_for_server_status(server, "SOFT_DELETED")
    assert act(nova_cloud, server, {"forceDelete": None}).status_code == 202
    nova_cloud.wait_for_server_deleted(server)
    assert nova_cloud.allocations(server) == {}


def test_the_periodic_reclaim_deletes_old_soft_deleted_servers(
        nova_cloud, conf_fixture, server):
    conf_fixture.config(reclaim_instance_interval=1)
    nova_cloud.api.delete(f"/v2.1/servers/{server}")
    nova_cloud.wait_for_server_status(server, "SOFT_DELETED")
    manager = nova_cloud.plane.computes["compute1"].manager
    with nova_context.target_cell(nova_cloud.context(), nova_cloud.cells.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, server)
        # An hour ago, as far as the reclaim is concerned.
        instance.terminated_at = instance.terminated_at.replace(year=2000)
        instance.save()
    manager._reclaim_queued_deletes(nova_context.get_admin_context())
    nova_cloud.wait_for_server_deleted(server)
    assert nova_cloud.allocations(server) == {}


def test_restore_a_server_not_soft_deleted_is_a_conflict(nova_cloud, server):
    assert act(nova_cloud, server, {"restore": None}).status_code == 409
