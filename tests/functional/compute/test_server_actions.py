"""Server actions through the REST API on the in-process cloud (fake driver).

Each test is what a user does with a running server: the action is
accepted (202), the server reaches the state upstream documents, the
action history shows it; and the refusals are upstream's (409 for a state
that forbids the action or a locked server, 403 for policy, 404 outside
the action's microversions).
"""

import pytest

from nova import context as nova_context
from nova import objects
from nova.compute import task_states
from tests.fixtures import images

ACTION = "/v2.1/servers/{}/action"


@pytest.fixture
def server(nova_cloud):
    """An ACTIVE server of the ordinary user; returns its id."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def act(cloud, server_id, body, api=None, version=None):
    kwargs = {"version": version} if version else {}
    return (api or cloud.api).post(ACTION.format(server_id), body, **kwargs)


def accepted(cloud, server_id, body, api=None, version=None):
    resp = act(cloud, server_id, body, api, version)
    assert resp.status_code == 202, resp.text
    assert resp.content == b""
    return resp


def conflict(resp):
    assert resp.status_code == 409, resp.text
    return resp.json()["conflictingRequest"]["message"]


def guest_state(cloud, server_id, host="compute1"):
    driver = cloud.plane.computes[host].manager.driver
    return driver._guests.get(server_id)


def test_stop_then_start(nova_cloud, server):
    accepted(nova_cloud, server, {"os-stop": None})
    stopped = nova_cloud.wait_for_server_status(server, "SHUTOFF")
    assert stopped["OS-EXT-STS:vm_state"] == "stopped"
    assert stopped["OS-EXT-STS:power_state"] == 4
    assert stopped["OS-EXT-STS:task_state"] is None
    assert guest_state(nova_cloud, server) == 4

    accepted(nova_cloud, server, {"os-start": None})
    started = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert started["OS-EXT-STS:power_state"] == 1


def test_stop_a_stopped_server_is_a_conflict(nova_cloud, server):
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    message = conflict(act(nova_cloud, server, {"os-stop": None}))
    assert message == f"Cannot 'os-stop' instance {server} while it is in vm_state stopped"
    message = conflict(act(nova_cloud, server, {"pause": None}))
    assert "vm_state stopped" in message


def test_start_an_active_server_is_a_conflict(nova_cloud, server):
    assert "vm_state active" in conflict(act(nova_cloud, server, {"os-start": None}))


@pytest.mark.parametrize("reboot_type", ["SOFT", "HARD", "soft"])
def test_reboot(nova_cloud, server, reboot_type):
    accepted(nova_cloud, server, {"reboot": {"type": reboot_type}})
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    output = act(nova_cloud, server, {"os-getConsoleOutput": {}}).json()["output"]
    assert f"rebooted ({reboot_type.upper()})" in output


def test_reboot_type_is_required_and_checked(nova_cloud, server):
    assert act(nova_cloud, server, {"reboot": {}}).status_code == 400
    assert act(nova_cloud, server, {"reboot": {"type": "GENTLE"}}).status_code == 400


def test_hard_reboot_starts_a_stopped_server_soft_does_not(nova_cloud, server):
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    assert "vm_state stopped" in conflict(
        act(nova_cloud, server, {"reboot": {"type": "SOFT"}}))
    accepted(nova_cloud, server, {"reboot": {"type": "HARD"}})
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert guest_state(nova_cloud, server) == 1


def test_pause_and_unpause(nova_cloud, server):
    accepted(nova_cloud, server, {"pause": None})
    paused = nova_cloud.wait_for_server_status(server, "PAUSED")
    assert paused["OS-EXT-STS:power_state"] == 3
    assert "vm_state paused" in conflict(act(nova_cloud, server, {"suspend": None}))
    accepted(nova_cloud, server, {"unpause": None})
    nova_cloud.wait_for_server_status(server, "ACTIVE")


def test_suspend_and_resume(nova_cloud, server):
    accepted(nova_cloud, server, {"suspend": None})
    suspended = nova_cloud.wait_for_server_status(server, "SUSPENDED")
    assert suspended["OS-EXT-STS:power_state"] == 7
    accepted(nova_cloud, server, {"resume": None})
    nova_cloud.wait_for_server_status(server, "ACTIVE")


def test_an_unknown_action_is_a_bad_request(nova_cloud, server):
    resp = act(nova_cloud, server, {"fly": None})
    assert resp.status_code == 400
    assert "There is no such action: fly" in resp.text


def test_another_projects_server_is_not_found(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, api=nova_cloud.admin_api)
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    assert act(nova_cloud, created["id"], {"os-stop": None}).status_code == 404
    assert nova_cloud.get_server(created["id"])["status"] == "ACTIVE"


def test_trigger_crash_dump_from_2_17(nova_cloud, server):
    assert act(nova_cloud, server, {"trigger_crash_dump": None}).status_code == 404
    accepted(nova_cloud, server, {"trigger_crash_dump": None}, version="2.17")
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    resp = act(nova_cloud, server, {"trigger_crash_dump": None}, version="2.17")
    assert resp.status_code == 409


def test_a_locked_server_refuses_its_users_actions(nova_cloud, server):
    accepted(nova_cloud, server, {"lock": None})
    assert nova_cloud.get_server(server, api=nova_cloud.api.with_version("2.9"))["locked"]
    message = conflict(act(nova_cloud, server, {"os-stop": None}))
    assert "is locked" in message
    resp = nova_cloud.api.delete(f"/v2.1/servers/{server}")
    assert resp.status_code == 409, resp.text
    # An administrator may act on it.
    accepted(nova_cloud, server, {"os-stop": None}, api=nova_cloud.admin_api)
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    accepted(nova_cloud, server, {"unlock": None})
    accepted(nova_cloud, server, {"os-start": None})
    nova_cloud.wait_for_server_status(server, "ACTIVE")


def test_only_an_admin_unlocks_an_admins_lock(nova_cloud, server):
    accepted(nova_cloud, server, {"lock": None}, api=nova_cloud.admin_api)
    instance = objects.Instance.get_by_uuid(_cell1(nova_cloud), server)
    assert instance.locked_by == "admin"
    assert act(nova_cloud, server, {"unlock": None}).status_code == 403
    accepted(nova_cloud, server, {"unlock": None}, api=nova_cloud.admin_api)
    assert not nova_cloud.get_server(server, api=nova_cloud.admin_api.with_version("2.9"))[
        "locked"]


def test_reset_state_is_for_admins(nova_cloud, server):
    body = {"os-resetState": {"state": "error"}}
    assert act(nova_cloud, server, body).status_code == 403
    accepted(nova_cloud, server, body, api=nova_cloud.admin_api)
    assert nova_cloud.get_server(server)["status"] == "ERROR"
    accepted(nova_cloud, server, {"os-resetState": {"state": "active"}},
             api=nova_cloud.admin_api)
    assert nova_cloud.get_server(server)["status"] == "ACTIVE"
    resp = act(nova_cloud, server, {"os-resetState": {"state": "paused"}},
               api=nova_cloud.admin_api)
    assert resp.status_code == 400


def test_concurrent_actions_one_wins(nova_cloud, server):
    # The task_state swap: while a stop holds powering-off, a pause is refused.
    instance = objects.Instance.get_by_uuid(_cell1(nova_cloud), server)
    instance.task_state = task_states.POWERING_OFF
    instance.save()
    message = conflict(act(nova_cloud, server, {"pause": None}))
    assert "task_state powering-off" in message


def test_update_name_and_description(nova_cloud, server):
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}", {"server": {"name": "renamed"}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["server"]["name"] == "renamed"
    assert nova_cloud.get_server(server)["name"] == "renamed"
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"description": "mine"}}, version="2.19")
    assert resp.status_code == 200, resp.text
    assert resp.json()["server"]["description"] == "mine"
    # No description before 2.19; no empty name ever.
    assert nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"description": "x"}}).status_code == 400
    assert nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"name": ""}}).status_code == 400


def test_action_history(nova_cloud, server):
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    resp = nova_cloud.api.get(f"/v2.1/servers/{server}/os-instance-actions")
    assert resp.status_code == 200, resp.text
    actions = resp.json()["instanceActions"]
    assert [a["action"] for a in actions] == ["stop", "create"]
    stop = actions[0]
    assert set(stop) == {"action", "instance_uuid", "message", "project_id",
                         "request_id", "start_time", "user_id"}
    # A user sees no events before 2.51; an admin sees them with the traceback.
    shown = nova_cloud.api.get(
        f"/v2.1/servers/{server}/os-instance-actions/{stop['request_id']}").json()
    assert "events" not in shown["instanceAction"]
    shown = nova_cloud.admin_api.get(
        f"/v2.1/servers/{server}/os-instance-actions/{stop['request_id']}").json()
    [event] = shown["instanceAction"]["events"]
    assert event["event"] == "compute_stop_instance"
    assert event["result"] == "Success"
    assert "traceback" in event
    missing = nova_cloud.api.get(f"/v2.1/servers/{server}/os-instance-actions/req-nope")
    assert missing.status_code == 404


def test_action_history_of_a_deleted_server_from_2_21(nova_cloud, server):
    nova_cloud.delete_server(server)
    path = f"/v2.1/servers/{server}/os-instance-actions"
    assert nova_cloud.api.get(path).status_code == 404
    resp = nova_cloud.api.get(path, version="2.21")
    assert resp.status_code == 200, resp.text
    assert [a["action"] for a in resp.json()["instanceActions"]] == ["delete", "create"]


def test_notifications_of_a_stop(nova_cloud, server, versioned_notifications):
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    nova_cloud.wait_for(
        lambda: "instance.power_off.end" in versioned_notifications.events(),
        message="instance.power_off.end")
    assert versioned_notifications.events()[:2] == [
        "instance.power_off.start", "instance.power_off.end"]
    [end] = versioned_notifications.of("instance.power_off.end")
    assert end["publisher_id"] == "nova-compute:compute1"
    assert end["payload"]["nova_object.name"] == "InstanceActionPayload"
    data = end["payload"]["nova_object.data"]
    assert data["uuid"] == server
    assert data["state"] == "stopped"
    assert data["power_state"] == "shutdown"


def test_a_failed_reboot_ends_in_error_a_failed_pause_reverts(
        nova_cloud, versioned_notifications):
    nova_cloud.start_compute("broken", driver="fake.FailingActionsFakeDriver")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, api=nova_cloud.admin_api,
                                       availability_zone="nova:broken")
    server = created["id"]
    nova_cloud.wait_for_server_status(server, "ACTIVE")

    accepted(nova_cloud, server, {"pause": None}, api=nova_cloud.admin_api)
    nova_cloud.wait_for(lambda: _fault_message(nova_cloud, server),
                        message="the pause's fault")
    reverted = nova_cloud.get_server(server)
    assert reverted["status"] == "ACTIVE"
    assert reverted["OS-EXT-STS:task_state"] is None
    assert "instance.pause.error" in versioned_notifications.events()

    accepted(nova_cloud, server, {"reboot": {"type": "HARD"}}, api=nova_cloud.admin_api)
    failed = nova_cloud.wait_for_server_status(server, "ERROR")
    assert "fake reboot failure" in failed["fault"]["message"]
    actions = nova_cloud.admin_api.get(
        f"/v2.1/servers/{server}/os-instance-actions").json()["instanceActions"]
    assert [(a["action"], a["message"]) for a in actions][:2] == [
        ("reboot", "Error"), ("pause", "Error")]


def _fault_message(cloud, server_id):
    instance = objects.Instance.get_by_uuid(_cell1(cloud), server_id,
                                            expected_attrs=["fault"])
    return instance.fault.message if instance.fault else None


def _cell1(cloud):
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        return cctxt
