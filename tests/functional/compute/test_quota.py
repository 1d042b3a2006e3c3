"""Server quotas are counted from what exists, so deletes give room back."""

from tests.fixtures import images


def test_instance_quota_counts_live_servers(nova_cloud, conf_fixture):
    conf_fixture.config(instances=2, group="quota")
    assert nova_cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}}).status_code == 200
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": images.IMAGE_ID}}
    ids = []
    for _ in range(2):
        resp = nova_cloud.api.post("/v2.1/servers", body)
        assert resp.status_code == 202, resp.text
        ids.append(resp.json()["server"]["id"])
    for server_id in ids:
        nova_cloud.wait_for_server_status(server_id, "ACTIVE")

    resp = nova_cloud.api.post("/v2.1/servers", body)
    assert resp.status_code == 403
    assert "Quota exceeded for instances: Requested 1, but already used 2 of 2" in \
        resp.json()["forbidden"]["message"]

    assert nova_cloud.api.delete(f"/v2.1/servers/{ids[0]}").status_code == 204
    nova_cloud.wait_for_server_deleted(ids[0])
    resp = nova_cloud.api.post("/v2.1/servers", body)
    assert resp.status_code == 202, resp.text
