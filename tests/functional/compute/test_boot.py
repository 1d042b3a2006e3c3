"""Boot and delete servers through the REST API on the whole in-process cloud.

Each test is a user's story: create -> ACTIVE -> delete, and what must be
left behind (nothing) or shown (a fault) when it goes wrong.
"""

from tests.fixtures import images, services

FLAVOR = {"flavor": {"name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}}


def _flavor(cloud, body=FLAVOR):
    resp = cloud.admin_api.post("/v2.1/flavors", body)
    assert resp.status_code == 200, resp.text
    return resp.json()["flavor"]["id"]


def _boot(cloud, name="vm1", flavor="1", image=images.IMAGE_ID, **extra):
    body = {"server": {"name": name, "flavorRef": flavor, "imageRef": image, **extra}}
    resp = cloud.api.post("/v2.1/servers", body)
    assert resp.status_code == 202, resp.text
    return resp


def _allocations(cloud, server_id):
    resp = cloud.placement.adapter.get(f"/allocations/{server_id}",
                                       microversion="1.28")
    return resp.json()["allocations"]


def test_boot_to_active_then_delete_leaves_nothing(nova_cloud):
    _flavor(nova_cloud)
    resp = _boot(nova_cloud)
    server_id = resp.json()["server"]["id"]
    assert resp.headers["Location"].endswith(f"/v2.1/servers/{server_id}")
    assert resp.json()["server"]["adminPass"]

    server = nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert server["OS-EXT-STS:vm_state"] == "active"
    assert server["OS-EXT-STS:task_state"] is None
    assert server["OS-EXT-STS:power_state"] == 1
    assert server["flavor"]["id"] == "1"
    assert server["image"]["id"] == images.IMAGE_ID
    assert server["hostId"]
    allocations = _allocations(nova_cloud, server_id)
    assert [a["resources"] for a in allocations.values()] == [
        {"VCPU": 1, "MEMORY_MB": 128, "DISK_GB": 1}]

    resp = nova_cloud.api.delete(f"/v2.1/servers/{server_id}")
    assert resp.status_code == 204, resp.text
    nova_cloud.wait_for_server_deleted(server_id)
    assert _allocations(nova_cloud, server_id) == {}
    assert nova_cloud.api.get(f"/v2.1/servers/{server_id}").status_code == 404


def test_console_output_of_an_active_server(nova_cloud):
    _flavor(nova_cloud)
    server_id = _boot(nova_cloud).json()["server"]["id"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action",
                               {"os-getConsoleOutput": {"length": 5}})
    assert resp.status_code == 200, resp.text
    assert server_id in resp.json()["output"]


def test_no_valid_host_buries_the_server_in_cell0_with_a_fault(nova_cloud):
    # More disk than the fake host has (600000 GiB); disk has no quota.
    _flavor(nova_cloud, {"flavor": {"name": "huge", "ram": 128, "vcpus": 1,
                                    "disk": 10 ** 6, "id": "huge"}})
    server_id = _boot(nova_cloud, flavor="huge").json()["server"]["id"]
    server = nova_cloud.wait_for_server_status(server_id, "ERROR")
    assert server["fault"]["code"] == 500
    assert "No valid host was found" in server["fault"]["message"]
    assert _allocations(nova_cloud, server_id) == {}
    assert nova_cloud.api.delete(f"/v2.1/servers/{server_id}").status_code == 204
    nova_cloud.wait_for_server_deleted(server_id)


def test_list_shows_the_users_servers_only(nova_cloud):
    _flavor(nova_cloud)
    mine = _boot(nova_cloud, name="mine").json()["server"]["id"]
    nova_cloud.wait_for_server_status(mine, "ACTIVE")
    resp = nova_cloud.api.get("/v2.1/servers/detail")
    assert resp.status_code == 200, resp.text
    assert [s["id"] for s in resp.json()["servers"]] == [mine]
    other = nova_cloud.admin_api.get(f"/v2.1/servers/{mine}")
    assert other.status_code == 200
    # Another project's user sees neither the list entry nor the server.
    stranger = services.RestClient(nova_cloud.url, "eve:other-project")
    try:
        assert stranger.get("/v2.1/servers").json()["servers"] == []
        assert stranger.get(f"/v2.1/servers/{mine}").status_code == 404
    finally:
        stranger.close()


def test_unknown_flavor_and_malformed_body_are_400(nova_cloud):
    resp = nova_cloud.api.post("/v2.1/servers", {"server": {
        "name": "x", "flavorRef": "nope", "imageRef": images.IMAGE_ID}})
    assert resp.status_code == 400
    assert "badRequest" in resp.json()
    resp = nova_cloud.api.post("/v2.1/servers", {"server": {"flavorRef": "1"}})
    assert resp.status_code == 400
    assert nova_cloud.api.get("/v2.1/servers").json()["servers"] == []


def test_networks_at_2_37(nova_cloud):
    _flavor(nova_cloud)
    api = nova_cloud.api.with_version("2.37")
    server = {"name": "vm", "flavorRef": "1", "imageRef": images.IMAGE_ID}
    # 2.37 requires networks; a list needs a network service this cloud lacks.
    assert api.post("/v2.1/servers", {"server": server}).status_code == 400
    bad = api.post("/v2.1/servers", {"server": dict(server, networks=[{"uuid": "x"}])})
    assert bad.status_code == 400
    assert api.get("/v2.1/servers").json()["servers"] == []
    resp = api.post("/v2.1/servers", {"server": dict(server, networks="none")})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    body = nova_cloud.wait_for_server_status(server_id, "ACTIVE", api=api)
    assert body["locked"] is False and body["description"] is None
    assert body["tags"] == []
