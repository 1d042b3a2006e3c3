"""os-aggregates and os-availability-zone on the whole stack, two compute hosts.

What ``openstack aggregate create --zone z1 agg1``, ``aggregate add host``,
``aggregate set``, ``availability zone list [--long]`` and ``server create
--availability-zone`` send, with upstream's codes and shapes; each
aggregate's hosts mirrored into Placement as provider aggregates.
"""

import pytest

from nova import objects
from tests.fixtures.images import IMAGE_ID

AGG_KEYS = {"id", "name", "availability_zone", "created_at", "updated_at",
            "deleted_at", "deleted", "hosts", "metadata"}


@pytest.fixture
def cloud(nova_cloud):
    nova_cloud.start_compute("compute2")
    return nova_cloud


def _create(cloud, name, zone=None, expect=200):
    body = {"name": name}
    if zone is not None:
        body["availability_zone"] = zone
    resp = cloud.admin_api.post("/v2.1/os-aggregates", {"aggregate": body})
    assert resp.status_code == expect, resp.text
    return resp.json()["aggregate"] if expect == 200 else resp.json()


def _action(cloud, agg_id, action, value):
    return cloud.admin_api.post(f"/v2.1/os-aggregates/{agg_id}/action", {action: value})


def _add_host(cloud, agg_id, host, expect=200):
    resp = _action(cloud, agg_id, "add_host", {"host": host})
    assert resp.status_code == expect, resp.text
    return resp.json()


def _provider_aggregates(cloud, host):
    rp = cloud.provider_uuid(host)
    return set(cloud._placement_get(f"/resource_providers/{rp}/aggregates",
                                    microversion="1.19")["aggregates"])


def _zones(cloud, api=None, path="/v2.1/os-availability-zone"):
    resp = (api or cloud.api).get(path)
    assert resp.status_code == 200, resp.text
    return resp.json()["availabilityZoneInfo"]


def test_create_show_list_update_delete(cloud):
    created = _create(cloud, "agg1", "z1")
    # Create answers without hosts and metadata (upstream's shape).
    assert set(created) == AGG_KEYS - {"hosts", "metadata"}
    assert (created["name"], created["availability_zone"], created["deleted"],
            created["deleted_at"], created["updated_at"]) == ("agg1", "z1", False, None, None)
    agg_id = created["id"]

    shown = cloud.admin_api.get(f"/v2.1/os-aggregates/{agg_id}").json()["aggregate"]
    assert set(shown) == AGG_KEYS
    assert (shown["hosts"], shown["metadata"]) == ([], {"availability_zone": "z1"})

    plain = _create(cloud, "agg2")
    assert plain["availability_zone"] is None
    listed = cloud.admin_api.get("/v2.1/os-aggregates").json()["aggregates"]
    assert [(a["name"], a["availability_zone"]) for a in listed] == [
        ("agg1", "z1"), ("agg2", None)]
    assert all(set(a) == AGG_KEYS for a in listed)

    resp = cloud.admin_api.put(f"/v2.1/os-aggregates/{agg_id}",
                               {"aggregate": {"name": "agg1b", "availability_zone": "z9"}})
    assert resp.status_code == 200, resp.text
    updated = resp.json()["aggregate"]
    assert (updated["name"], updated["availability_zone"], updated["metadata"]) == \
        ("agg1b", "z9", {"availability_zone": "z9"})
    assert updated["updated_at"] is not None

    resp = cloud.admin_api.delete(f"/v2.1/os-aggregates/{agg_id}")
    assert resp.status_code == 200, resp.text
    assert resp.text == ""
    assert cloud.admin_api.get(f"/v2.1/os-aggregates/{agg_id}").status_code == 404


def test_errors(cloud):
    agg = _create(cloud, "agg1")
    # Same name: 409; bad bodies: 400; zone names with ":" or the internal zone: 400.
    assert "conflictingRequest" in _create(cloud, "agg1", expect=409)
    _create(cloud, "", expect=400)
    _create(cloud, " padded ", expect=400)
    _create(cloud, "agg3", "z:1", expect=400)
    body = _create(cloud, "agg3", "internal", expect=400)
    assert "internal" in body["badRequest"]["message"]
    resp = cloud.admin_api.post("/v2.1/os-aggregates", {"aggregate": {"name": "x", "y": 1}})
    assert resp.status_code == 400
    assert cloud.admin_api.put(f"/v2.1/os-aggregates/{agg['id']}",
                               {"aggregate": {}}).status_code == 400
    _create(cloud, "other")
    resp = cloud.admin_api.put(f"/v2.1/os-aggregates/{agg['id']}",
                               {"aggregate": {"name": "other"}})
    assert resp.status_code == 409
    # Unknown or malformed ids.
    assert cloud.admin_api.get("/v2.1/os-aggregates/999").status_code == 404
    assert cloud.admin_api.get("/v2.1/os-aggregates/abc").status_code == 400
    assert cloud.admin_api.delete("/v2.1/os-aggregates/999").status_code == 404
    assert cloud.admin_api.put("/v2.1/os-aggregates/999",
                               {"aggregate": {"name": "n"}}).status_code == 404
    assert _action(cloud, 999, "add_host", {"host": "compute1"}).status_code == 404
    # Integers no aggregate can have: 404, not a database error (500).
    for huge in ("9" * 30, str(2**31), "-1"):
        resp = cloud.admin_api.get(f"/v2.1/os-aggregates/{huge}")
        assert resp.status_code == 404, resp.text
        assert "itemNotFound" in resp.json()
        assert cloud.admin_api.delete(f"/v2.1/os-aggregates/{huge}").status_code == 404
        assert _action(cloud, huge, "add_host", {"host": "compute1"}).status_code == 404
    assert _action(cloud, agg["id"], "no_such", {}).status_code == 400
    # Unknown hosts.
    assert _action(cloud, agg["id"], "add_host", {"host": "nohost"}).status_code == 404
    assert _action(cloud, agg["id"], "remove_host", {"host": "nohost"}).status_code == 404
    # A host that is not a member.
    assert _action(cloud, agg["id"], "remove_host", {"host": "compute1"}).status_code == 404
    # Not an admin: 403 for every call.
    assert cloud.api.get("/v2.1/os-aggregates").status_code == 403
    assert cloud.api.get(f"/v2.1/os-aggregates/{agg['id']}").status_code == 403
    assert cloud.api.post("/v2.1/os-aggregates",
                          {"aggregate": {"name": "u"}}).status_code == 403
    assert cloud.api.put(f"/v2.1/os-aggregates/{agg['id']}",
                         {"aggregate": {"name": "u"}}).status_code == 403
    assert cloud.api.delete(f"/v2.1/os-aggregates/{agg['id']}").status_code == 403
    for action, value in (("add_host", {"host": "compute1"}),
                          ("remove_host", {"host": "compute1"}),
                          ("set_metadata", {"metadata": {"a": "b"}})):
        resp = cloud.api.post(f"/v2.1/os-aggregates/{agg['id']}/action", {action: value})
        assert resp.status_code == 403, action
    # Nothing changed by the refused calls.
    shown = cloud.admin_api.get(f"/v2.1/os-aggregates/{agg['id']}").json()["aggregate"]
    assert (shown["name"], shown["hosts"], shown["metadata"]) == ("agg1", [], {})


def test_add_and_remove_host_mirrored_in_placement(cloud):
    agg = _create(cloud, "agg1", "z1")
    other = _create(cloud, "agg2")
    body = _add_host(cloud, agg["id"], "compute1")["aggregate"]
    assert body["hosts"] == ["compute1"]
    assert set(body) == AGG_KEYS
    _add_host(cloud, other["id"], "compute1")
    assert _provider_aggregates(cloud, "compute1") == {
        objects.Aggregate.get_by_id(cloud.context(), agg["id"]).uuid,
        objects.Aggregate.get_by_id(cloud.context(), other["id"]).uuid}
    assert _provider_aggregates(cloud, "compute2") == set()
    # Adding twice: 409.
    _add_host(cloud, agg["id"], "compute1", expect=409)
    # A non-empty aggregate is not deleted (400, the API reference's code).
    resp = cloud.admin_api.delete(f"/v2.1/os-aggregates/{agg['id']}")
    assert resp.status_code == 400, resp.text

    resp = _action(cloud, agg["id"], "remove_host", {"host": "compute1"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["aggregate"]["hosts"] == []
    assert _provider_aggregates(cloud, "compute1") == {
        objects.Aggregate.get_by_id(cloud.context(), other["id"]).uuid}
    assert cloud.admin_api.delete(f"/v2.1/os-aggregates/{agg['id']}").status_code == 200


def test_host_in_one_zone_only(cloud):
    z1 = _create(cloud, "agg1", "z1")
    z2 = _create(cloud, "agg2", "z2")
    also_z1 = _create(cloud, "agg3", "z1")
    _add_host(cloud, z1["id"], "compute1")
    # Another aggregate of another zone: 409; of the same zone: fine.
    body = _add_host(cloud, z2["id"], "compute1", expect=409)
    assert "z1" in body["conflictingRequest"]["message"]
    _add_host(cloud, also_z1["id"], "compute1")
    # Renaming the zone of one aggregate would put the host in two zones.
    resp = cloud.admin_api.put(f"/v2.1/os-aggregates/{also_z1['id']}",
                               {"aggregate": {"availability_zone": "z3"}})
    assert resp.status_code == 400, resp.text
    resp = _action(cloud, also_z1["id"], "set_metadata",
                   {"metadata": {"availability_zone": "z3"}})
    assert resp.status_code == 400, resp.text
    # Nor can a zone be emptied or be the internal one.
    for zone in (None, "internal"):
        resp = cloud.admin_api.put(f"/v2.1/os-aggregates/{z2['id']}",
                                   {"aggregate": {"availability_zone": zone}})
        assert resp.status_code == 400, resp.text
    # Zones without hosts are not listed.
    assert [z["zoneName"] for z in _zones(cloud)] == ["nova", "z1"]


def test_set_metadata(cloud):
    agg = _create(cloud, "agg1")
    resp = _action(cloud, agg["id"], "set_metadata", {"metadata": {"ssd": "true", "gpu": "1"}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["aggregate"]["metadata"] == {"ssd": "true", "gpu": "1"}
    # null deletes a key; deleting a key that is not there is fine.
    resp = _action(cloud, agg["id"], "set_metadata", {"metadata": {"gpu": None, "nope": None}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["aggregate"]["metadata"] == {"ssd": "true"}
    # A zone through metadata shows as the aggregate's zone.
    resp = _action(cloud, agg["id"], "set_metadata",
                   {"metadata": {"availability_zone": "z1"}})
    assert resp.json()["aggregate"]["availability_zone"] == "z1"
    for bad in ({"metadata": {"k": 1}}, {"metadata": {"k" * 256: "v"}}, {"meta": {}},
                {"metadata": {"k": "v" * 256}}):
        assert _action(cloud, agg["id"], "set_metadata", bad).status_code == 400, bad
    assert _action(cloud, 999, "set_metadata", {"metadata": {}}).status_code == 404


def test_availability_zone_list_and_detail(cloud):
    # Before any aggregate: both hosts in the default zone.
    assert _zones(cloud) == [
        {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}]
    agg = _create(cloud, "agg1", "z1")
    # A zone without hosts is not listed (upstream's rule).
    assert [z["zoneName"] for z in _zones(cloud)] == ["nova"]
    _add_host(cloud, agg["id"], "compute2")
    assert _zones(cloud) == [
        {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None},
        {"zoneName": "z1", "zoneState": {"available": True}, "hosts": None}]

    detail = {z["zoneName"]: z for z in _zones(cloud, cloud.admin_api,
                                               "/v2.1/os-availability-zone/detail")}
    assert set(detail) == {"nova", "z1", "internal"}
    assert set(detail["internal"]["hosts"]) == {"conductor", "scheduler"}
    compute2 = detail["z1"]["hosts"]["compute2"]["nova-compute"]
    assert set(compute2) == {"available", "active", "updated_at"}
    assert (compute2["available"], compute2["active"]) == (True, True)
    assert list(detail["nova"]["hosts"]) == ["compute1"]
    assert cloud.api.get("/v2.1/os-availability-zone/detail").status_code == 403

    # A zone whose only service is disabled is listed as not available.
    resp = cloud.admin_api.put("/v2.1/os-services/disable",
                               {"host": "compute2", "binary": "nova-compute"})
    assert resp.status_code == 200, resp.text
    assert _zones(cloud)[-1] == {"zoneName": "z1", "zoneState": {"available": False},
                                 "hosts": None}
    # os-services shows each host's zone.
    services = cloud.admin_api.get("/v2.1/os-services").json()["services"]
    assert {s["host"]: s["zone"] for s in services} == {
        "conductor": "internal", "scheduler": "internal", "compute1": "nova",
        "compute2": "z1"}


def test_server_lands_in_its_zone(cloud):
    flavor = cloud.create_flavor()
    agg = _create(cloud, "agg1", "z1")
    _add_host(cloud, agg["id"], "compute2")
    for _ in range(2):
        server = cloud.create_server(flavor["id"], availability_zone="z1")
        server = cloud.wait_for_server_status(server["id"], "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == "compute2"
        assert server["OS-EXT-AZ:availability_zone"] == "z1"
    server = cloud.create_server(flavor["id"], availability_zone="nova")
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "compute1"
    assert server["OS-EXT-AZ:availability_zone"] == "nova"
    # The zone of a host with servers is not renamed.
    resp = cloud.admin_api.put(f"/v2.1/os-aggregates/{agg['id']}",
                               {"aggregate": {"availability_zone": "z2"}})
    assert resp.status_code == 400, resp.text
    assert "instances" in resp.json()["badRequest"]["message"]


def test_unknown_zone_is_400_and_records_nothing(cloud):
    flavor = cloud.create_flavor()
    _create(cloud, "empty", "z-empty")
    for zone in ("nowhere", "z-empty", "internal"):
        resp = cloud.api.post("/v2.1/servers", {"server": {
            "name": "s", "imageRef": IMAGE_ID,
            "flavorRef": flavor["id"], "availability_zone": zone}})
        assert resp.status_code == 400, (zone, resp.text)
        assert "availability zone" in resp.json()["badRequest"]["message"]
    assert cloud.api.get("/v2.1/servers").json()["servers"] == []
    # Host forms are for admins only.
    resp = cloud.api.post("/v2.1/servers", {"server": {
        "name": "s", "imageRef": IMAGE_ID,
        "flavorRef": flavor["id"], "availability_zone": "nova:compute1"}})
    assert resp.status_code == 403, resp.text


def test_default_schedule_zone(cloud, conf_fixture):
    flavor = cloud.create_flavor()
    agg = _create(cloud, "agg1", "z1")
    _add_host(cloud, agg["id"], "compute1")
    conf_fixture.config(default_schedule_zone="z1")
    # No zone asked: the default one (compute1's); twice, so luck cannot pass it.
    for _ in range(2):
        server = cloud.create_server(flavor["id"])
        server = cloud.wait_for_server_status(server["id"], "ACTIVE")
        assert (server["OS-EXT-SRV-ATTR:host"], server["OS-EXT-AZ:availability_zone"]) == \
            ("compute1", "z1")
    # An explicit zone wins over it.
    server = cloud.create_server(flavor["id"], availability_zone="nova")
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "compute2"


def test_default_availability_zone_names_hosts_outside_zones(cloud, conf_fixture):
    conf_fixture.config(default_availability_zone="elsewhere")
    assert [z["zoneName"] for z in _zones(cloud)] == ["elsewhere"]


def test_zone_is_asked_of_placement(cloud):
    # [scheduler] query_placement_for_availability_zone: candidates come from
    # the zone's provider aggregates. A host missing from its Placement
    # aggregate (a mirror that failed) is not offered for the zone.
    flavor = cloud.create_flavor()
    agg = _create(cloud, "agg1", "z1")
    _add_host(cloud, agg["id"], "compute2")
    rp = cloud.provider_uuid("compute2")
    resp = cloud.placement.adapter.get(f"/resource_providers/{rp}/aggregates",
                                       microversion="1.19")
    resp = cloud.placement.adapter.put(
        f"/resource_providers/{rp}/aggregates",
        json={"aggregates": [], "resource_provider_generation":
              resp.json()["resource_provider_generation"]}, microversion="1.19")
    assert resp.status_code == 200, resp.text
    server = cloud.create_server(flavor["id"], availability_zone="z1")
    cloud.wait_for_server_status(server["id"], "ERROR")
    # Mirrored again (remove and add the host): the zone has its host back.
    assert _action(cloud, agg["id"], "remove_host", {"host": "compute2"}).status_code == 200
    _add_host(cloud, agg["id"], "compute2")
    server = cloud.create_server(flavor["id"], availability_zone="z1")
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "compute2"
