"""POST /os-server-external-events through the REST API, fake driver.

What the Network and Block Storage services rely on: each event answered
with its own code (200 passed on, 404 no such server), 207 for a mixed
batch, 404 when no event names a server, names gated by microversion; and
a power-update (2.76) makes the host re-read the guest's power state at
once.
"""

import pytest

from nova.compute import power_state
from tests.fixtures import images

PATH = "/v2.1/os-server-external-events"
MISSING = "4c2b4c8e-0b8a-4f0e-9f6e-0c6b2b1d7a11"


@pytest.fixture
def server(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def test_accepted_events_answer_200_each(nova_cloud, server):
    resp = nova_cloud.admin_api.post(PATH, {"events": [
        {"name": "network-vif-plugged", "server_uuid": server, "tag": "port-1"},
        {"name": "network-changed", "server_uuid": server, "status": "failed"}]})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"events": [
        {"name": "network-vif-plugged", "server_uuid": server, "tag": "port-1",
         "status": "completed", "code": 200},
        {"name": "network-changed", "server_uuid": server, "status": "failed",
         "code": 200}]}


def test_a_mixed_batch_is_207_and_an_unknown_batch_404(nova_cloud, server):
    resp = nova_cloud.admin_api.post(PATH, {"events": [
        {"name": "network-changed", "server_uuid": server},
        {"name": "network-changed", "server_uuid": MISSING}]})
    assert resp.status_code == 207, resp.text
    assert [e["code"] for e in resp.json()["events"]] == [200, 404]
    assert resp.json()["events"][1]["status"] == "failed"
    resp = nova_cloud.admin_api.post(PATH, {"events": [
        {"name": "network-changed", "server_uuid": MISSING}]})
    assert resp.status_code == 404, resp.text


@pytest.mark.parametrize("version, name", [("2.50", "volume-extended"),
                                           ("2.75", "power-update"),
                                           ("2.81", "accelerator-request-bound"),
                                           ("2.92", "volume-reimaged")])
def test_names_before_their_microversion_are_400(nova_cloud, server, version, name):
    resp = nova_cloud.admin_api.with_version(version).post(
        PATH, {"events": [{"name": name, "server_uuid": server}]})
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize("body", [{}, {"events": []}, {"events": [{"name": "x"}]},
                                  {"events": [{"name": "network-changed",
                                               "server_uuid": "not-a-uuid"}]}])
def test_malformed_bodies_are_400(nova_cloud, body):
    assert nova_cloud.admin_api.post(PATH, body).status_code == 400


def test_a_project_member_may_not_send_events(nova_cloud, server):
    resp = nova_cloud.api.post(PATH, {"events": [
        {"name": "network-changed", "server_uuid": server}]})
    assert resp.status_code == 403, resp.text


def test_power_update_reads_the_guest_power_state_at_once(nova_cloud, server):
    driver = nova_cloud.plane.computes["compute1"].manager.driver
    with driver._lock:
        driver._guests[server] = power_state.SHUTDOWN  # powered off behind nova's back
    resp = nova_cloud.admin_api.with_version("2.76").post(PATH, {"events": [
        {"name": "power-update", "server_uuid": server, "tag": "POWER_OFF"}]})
    assert resp.status_code == 200, resp.text
    shown = nova_cloud.wait_for_server_status(server, "SHUTOFF")
    assert shown["OS-EXT-STS:power_state"] == power_state.SHUTDOWN
