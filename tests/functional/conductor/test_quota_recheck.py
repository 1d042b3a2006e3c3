"""Quota holds when requests race: the conductor's recheck (issue 14 item 4).

The API counts usage and then writes build requests; two requests can both
pass that count. The conductor counts again once each instance exists in
its cell and buries the build that went over the limit in ERROR, with a
quota fault and without counting it. At most the limit of servers are ever
built, on every database backend.
"""

import concurrent.futures

import pytest

from nova import quota
from tests.fixtures import services

LIMIT = 10
REQUESTS = 30


@pytest.fixture
def cloud(nova_cloud, conf_fixture):
    conf_fixture.config(instances=LIMIT, cores=-1, ram=-1, group="quota")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    return nova_cloud


def _servers(cloud):
    resp = cloud.api.get("/v2.1/servers/detail")
    assert resp.status_code == 200, resp.text
    return resp.json()["servers"]


def _settled(cloud, count):
    servers = _servers(cloud)
    if len(servers) == count and all(s["status"] in ("ACTIVE", "ERROR") for s in servers):
        return servers
    return None


def _instances_in_use(cloud):
    resp = cloud.api.get(f"/v2.1/os-quota-sets/{services.PROJECT_ID}/detail")
    assert resp.status_code == 200, resp.text
    return resp.json()["quota_set"]["instances"]["in_use"]


def _assert_refused_builds(servers):
    for server in servers:
        if server["status"] == "ERROR":
            assert "Quota exceeded for instances" in server["fault"]["message"], server
            assert server["fault"]["code"] == 403


def test_concurrent_creates_never_exceed_the_instances_quota(db_backend, cloud):
    def post(index):
        client = services.RestClient(cloud.api.base_url, services.USER_TOKEN)
        try:
            return client.post("/v2.1/servers", {"server": {
                "name": f"race-{index}", "imageRef": services.IMAGE_ID,
                "flavorRef": "1"}}).status_code
        finally:
            client.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        codes = list(pool.map(post, range(REQUESTS)))
    assert set(codes) <= {202, 403}, codes
    accepted = codes.count(202)
    assert accepted >= 1

    servers = cloud.wait_for(lambda: _settled(cloud, accepted), timeout=120,
                             message=f"{accepted} servers ACTIVE or ERROR")
    active = [s for s in servers if s["status"] == "ACTIVE"]
    assert 1 <= len(active) <= LIMIT
    _assert_refused_builds(servers)
    assert _instances_in_use(cloud) == len(active)


def test_recheck_refuses_the_build_that_goes_over(cloud, monkeypatch):
    # The API's count lost a race: it let three servers through a limit of two.
    resp = cloud.admin_api.put(f"/v2.1/os-quota-sets/{services.PROJECT_ID}",
                               {"quota_set": {"instances": 2}})
    assert resp.status_code == 200, resp.text
    monkeypatch.setattr(quota, "allowed_instances",
                        lambda context, project_id, flavor, min_count, max_count,
                        user_id=None: max_count)
    cloud.create_server("1", min_count=3, max_count=3)

    servers = cloud.wait_for(lambda: _settled(cloud, 3), timeout=60,
                             message="3 servers ACTIVE or ERROR")
    statuses = sorted(s["status"] for s in servers)
    assert statuses == ["ACTIVE", "ACTIVE", "ERROR"]
    _assert_refused_builds(servers)
    refused = next(s for s in servers if s["status"] == "ERROR")
    # Not counted, not holding a host or an allocation.
    assert _instances_in_use(cloud) == 2
    assert cloud.allocations(refused["id"]) == {}
    # Its owner can delete it; usage stays the same.
    cloud.delete_server(refused["id"])
    cloud.wait_for_server_deleted(refused["id"])
    assert _instances_in_use(cloud) == 2


def test_one_request_cannot_write_thousands_of_servers(cloud, conf_fixture):
    conf_fixture.config(instances=-1, group="quota")
    conf_fixture.config(max_instances_per_request=3, group="api")
    resp = cloud.api.post("/v2.1/servers", {"server": {
        "name": "many", "imageRef": services.IMAGE_ID, "flavorRef": "1",
        "min_count": 5000}})
    assert resp.status_code == 400, resp.text
    assert "more than the 3 servers one request may create" in \
        resp.json()["badRequest"]["message"]
    assert _servers(cloud) == []

    # max_count is cut down to what one request may create, as quota cuts it.
    cloud.create_server("1", name="some", min_count=1, max_count=5000)
    servers = cloud.wait_for(lambda: _settled(cloud, 3), timeout=60,
                             message="3 servers ACTIVE")
    assert {s["status"] for s in servers} == {"ACTIVE"}


def test_min_count_over_the_quota_is_403_before_anything_is_written(cloud):
    resp = cloud.api.post("/v2.1/servers", {"server": {
        "name": "many", "imageRef": services.IMAGE_ID, "flavorRef": "1",
        "min_count": LIMIT + 1}})
    assert resp.status_code == 403, resp.text
    assert "Quota exceeded for instances" in resp.json()["forbidden"]["message"]
    assert _servers(cloud) == []
    assert _instances_in_use(cloud) == 0
