"""GET /servers/{server_id}/diagnostics through the REST API, fake driver.

What ``openstack server show --diagnostics`` relies on: an administrator
gets the driver's flat dictionary up to 2.47 and the standard shape from
2.48 (checked against tempest's response schema); others get 403, an
unknown server 404, a server not on a host yet 409.
"""

import jsonschema
import pytest
from tempest.lib.api_schema.response.compute.v2_48 import servers as schema_v248

from tests.fixtures import images, services

PATH = "/v2.1/servers/{}/diagnostics"


@pytest.fixture
def server(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128, vcpus=2)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def test_standard_shape_from_2_48(nova_cloud, server):
    resp = nova_cloud.admin_api.with_version("2.48").get(PATH.format(server))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jsonschema.validate(body, schema_v248.show_server_diagnostics["response_body"])
    assert body["state"] == "running"
    assert body["num_cpus"] == 2
    assert body["memory_details"]["maximum"] == 128
    assert [cpu["id"] for cpu in body["cpu_details"]] == [0, 1]


def test_flat_dictionary_before_2_48(nova_cloud, server):
    resp = nova_cloud.admin_api.with_version("2.47").get(PATH.format(server))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["memory"] == 128 * 1024
    assert {"cpu0_time", "cpu1_time", "vda_read", "vda_write_req", "tap0_rx",
            "tap0_tx_drop"} <= set(body)


def test_a_stopped_guest_has_no_counters(nova_cloud, server):
    resp = nova_cloud.api.post(f"/v2.1/servers/{server}/action", {"os-stop": None})
    assert resp.status_code == 202, resp.text
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    body = nova_cloud.admin_api.with_version("2.48").get(PATH.format(server)).json()
    assert body["state"] == "shutdown"
    assert body["cpu_details"] == [] and body["nic_details"] == []


def test_for_administrators_only(nova_cloud, server):
    resp = nova_cloud.api.get(PATH.format(server))
    assert resp.status_code == 403, resp.text
    stranger = services.RestClient(nova_cloud.url, "eve:other-project")
    assert stranger.get(PATH.format(server)).status_code in (403, 404)


def test_unknown_server_is_404(nova_cloud):
    resp = nova_cloud.admin_api.get(PATH.format("4c2b4c8e-0b8a-4f0e-9f6e-0c6b2b1d7a11"))
    assert resp.status_code == 404
