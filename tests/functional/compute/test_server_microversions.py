"""Server bodies at each microversion boundary from 2.38 to 2.104.

Each test reads the same server at the last version without a change and
the first version with it, asserts what upstream's api-ref says changed,
and validates both bodies against tempest's response schema for that
version (tests/functional/api/tempest_schemas.py).
"""

import pytest

from nova import context as nova_context
from nova import objects
from tests.fixtures import images

tempest_schemas = pytest.importorskip(
    "tests.functional.api.tempest_schemas",
    reason="tempest (test-requirements.txt) is needed to validate bodies")
from tempest.lib.services.compute import servers_client  # noqa: E402

SERVERS = servers_client.ServersClient


@pytest.fixture
def server(nova_cloud):
    """An ACTIVE server of the ordinary user; returns its id."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def show(cloud, server_id, version, api=None):
    """GET /servers/{id} at ``version``, validated; returns the server dict."""
    resp = (api or cloud.api).get(f"/v2.1/servers/{server_id}", version=version)
    assert resp.status_code == 200, resp.text
    tempest_schemas.validate(tempest_schemas.schema_module(SERVERS, version).get_server, resp)
    return resp.json()["server"]


def detail(cloud, version, api=None):
    resp = (api or cloud.api).get("/v2.1/servers/detail", version=version)
    assert resp.status_code == 200, resp.text
    tempest_schemas.validate(
        tempest_schemas.schema_module(SERVERS, version).list_servers_detail, resp)
    return resp.json()["servers"]


def update(cloud, server_id, body, version):
    resp = cloud.api.put(f"/v2.1/servers/{server_id}", {"server": body}, version=version)
    assert resp.status_code == 200, resp.text
    tempest_schemas.validate(
        tempest_schemas.schema_module(SERVERS, version).update_server, resp)
    return resp.json()["server"]


@pytest.mark.parametrize("version", ["2.1", "2.37", "2.46", "2.47", "2.72", "2.73", "2.89",
                                     "2.90", "2.96", "2.98", "2.100", "2.104", "latest"])
def test_show_and_detail_match_tempest_schemas(nova_cloud, server, version):
    resolved = "2.104" if version == "latest" else version
    body = show(nova_cloud, server, resolved)
    assert body["id"] == server
    assert [s["id"] for s in detail(nova_cloud, resolved)] == [server]
    # The admin sees the extended attributes; still upstream's shape.
    show(nova_cloud, server, resolved, api=nova_cloud.admin_api)
    detail(nova_cloud, resolved, api=nova_cloud.admin_api)


def test_latest_is_2_104(nova_cloud):
    resp = nova_cloud.api.get("/v2.1/", version="latest")
    assert resp.headers["OpenStack-API-Version"] == "compute 2.104"
    assert resp.json()["version"]["version"] == "2.104"
    assert nova_cloud.api.get("/v2.1/", version="2.105").status_code == 406


def test_2_47_embeds_the_flavor(nova_cloud, server):
    before = show(nova_cloud, server, "2.46")
    assert before["flavor"]["id"] == "1"
    after = show(nova_cloud, server, "2.47")
    assert "id" not in after["flavor"] and "links" not in after["flavor"]
    assert after["flavor"]["ram"] == 128
    assert after["flavor"]["original_name"] == "m1.test"
    # Users may list extra specs by default (upstream's default), so they show.
    assert after["flavor"]["extra_specs"] == {}


def test_2_73_shows_the_lock_reason(nova_cloud, server):
    resp = nova_cloud.api.post(f"/v2.1/servers/{server}/action",
                               {"lock": {"locked_reason": "maintenance"}}, version="2.73")
    assert resp.status_code == 202, resp.text
    assert "locked_reason" not in show(nova_cloud, server, "2.72")
    body = show(nova_cloud, server, "2.73")
    assert body["locked"] is True and body["locked_reason"] == "maintenance"
    assert [s["id"] for s in detail(nova_cloud, "2.73")] == [server]
    listed = nova_cloud.api.get("/v2.1/servers?locked=false", version="2.73").json()
    assert listed["servers"] == []
    # Before 2.73 the filter is an unknown parameter and ignored.
    listed = nova_cloud.api.get("/v2.1/servers?locked=false", version="2.72").json()
    assert [s["id"] for s in listed["servers"]] == [server]


def test_2_90_hostname_for_every_user_and_settable(nova_cloud, server):
    assert "OS-EXT-SRV-ATTR:hostname" not in show(nova_cloud, server, "2.89")
    assert show(nova_cloud, server, "2.90")["OS-EXT-SRV-ATTR:hostname"] == "vm1"
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}", {"server": {"hostname": "web"}},
                              version="2.89")
    assert resp.status_code == 400
    body = update(nova_cloud, server, {"hostname": "web"}, "2.90")
    assert body["OS-EXT-SRV-ATTR:hostname"] == "web"
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"hostname": "web.example.org"}}, version="2.93")
    assert resp.status_code == 400
    body = update(nova_cloud, server, {"hostname": "web.example.org"}, "2.94")
    assert body["OS-EXT-SRV-ATTR:hostname"] == "web.example.org"


def test_2_75_update_answers_the_full_body(nova_cloud, server):
    partial = update(nova_cloud, server, {"name": "renamed"}, "2.74")
    assert partial["name"] == "renamed"
    assert "OS-EXT-STS:vm_state" not in partial and "key_name" not in partial
    full = update(nova_cloud, server, {"name": "again"}, "2.75")
    assert full["OS-EXT-STS:vm_state"] == "active"
    assert set(show(nova_cloud, server, "2.75")) - set(full) == {"server_groups"} - set(full)


def test_2_71_server_groups_in_show_not_in_lists(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    group = nova_cloud.api.post("/v2.1/os-server-groups", {
        "server_group": {"name": "g", "policies": ["affinity"]}}).json()["server_group"]
    resp = nova_cloud.api.post("/v2.1/servers", {
        "server": {"name": "grouped", "imageRef": images.IMAGE_ID, "flavorRef": "1"},
        "os:scheduler_hints": {"group": group["id"]}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert "server_groups" not in show(nova_cloud, server_id, "2.70")
    assert show(nova_cloud, server_id, "2.71")["server_groups"] == [group["id"]]
    assert "server_groups" not in detail(nova_cloud, "2.71")[0]


def test_2_96_and_2_104_pinned_availability_zone(nova_cloud, server):
    assert "pinned_availability_zone" not in show(nova_cloud, server, "2.95")
    assert show(nova_cloud, server, "2.96")["pinned_availability_zone"] is None
    zone = show(nova_cloud, server, "2.96")["OS-EXT-AZ:availability_zone"]
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"pinned_availability_zone": zone}}, version="2.103")
    assert resp.status_code == 400
    assert update(nova_cloud, server, {"pinned_availability_zone": zone},
                  "2.104")["pinned_availability_zone"] == zone
    assert show(nova_cloud, server, "2.104")["pinned_availability_zone"] == zone
    assert update(nova_cloud, server, {"pinned_availability_zone": None},
                  "2.104")["pinned_availability_zone"] is None
    resp = nova_cloud.api.put(f"/v2.1/servers/{server}",
                              {"server": {"pinned_availability_zone": "elsewhere"}},
                              version="2.104")
    assert resp.status_code == 400


def test_2_98_image_properties_and_2_100_scheduler_hints(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    other = nova_cloud.create_server("1", images.IMAGE_ID, name="first")
    resp = nova_cloud.api.post("/v2.1/servers", {
        "server": {"name": "hinted", "imageRef": images.IMAGE_ID, "flavorRef": "1"},
        "os:scheduler_hints": {"same_host": other["id"]}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert "properties" not in show(nova_cloud, server_id, "2.97")["image"]
    assert isinstance(show(nova_cloud, server_id, "2.98")["image"]["properties"], dict)
    assert "scheduler_hints" not in show(nova_cloud, server_id, "2.99")
    assert show(nova_cloud, server_id, "2.100")["scheduler_hints"] == {
        "same_host": other["id"]}


def test_2_38_unknown_status_is_refused(nova_cloud, server):
    resp = nova_cloud.api.get("/v2.1/servers?status=bogus", version="2.37")
    assert resp.status_code == 200 and resp.json()["servers"] == []
    resp = nova_cloud.api.get("/v2.1/servers?status=bogus", version="2.38")
    assert resp.status_code == 400, resp.text
    resp = nova_cloud.api.get("/v2.1/servers?status=active", version="2.38")
    assert [s["id"] for s in resp.json()["servers"]] == [server]


def test_2_57_personality_is_refused(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    body = {"server": {"name": "p", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       "networks": "none",
                       "personality": [{"path": "/etc/motd", "contents": "aGk="}]}}
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.57").status_code == 400


def test_2_90_hostname_at_create(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    body = {"server": {"name": "named", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       "networks": "none", "hostname": "custom"}}
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.89").status_code == 400
    resp = nova_cloud.api.post("/v2.1/servers", body, version="2.90")
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert show(nova_cloud, server_id, "2.90")["OS-EXT-SRV-ATTR:hostname"] == "custom"
    body["server"]["max_count"] = 2
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.90").status_code == 400


def test_request_spec_gone_leaves_no_error(nova_cloud, server):
    """A server whose request spec is gone still shows (fields from it empty)."""
    ctx = nova_context.get_admin_context()
    objects.RequestSpec.get_by_instance_uuid(ctx, server).destroy()
    body = show(nova_cloud, server, "2.100")
    assert body["pinned_availability_zone"] is None and body["scheduler_hints"] == {}


def _flavors_client():
    from tempest.lib.services.compute import flavors_client
    return flavors_client.FlavorsClient


def test_flavor_2_55_description_2_61_extra_specs_2_75_swap(nova_cloud):
    flavors = _flavors_client()
    admin = nova_cloud.admin_api
    body = {"flavor": {"name": "described", "ram": 64, "vcpus": 1, "disk": 1,
                       "description": "small"}}
    assert admin.post("/v2.1/flavors", body, version="2.54").status_code == 400
    resp = admin.post("/v2.1/flavors", body, version="2.55")
    assert resp.status_code == 200, resp.text
    flavor_id = resp.json()["flavor"]["id"]
    assert resp.json()["flavor"]["description"] == "small"
    for version, has_specs, swap in (("2.54", False, ""), ("2.55", False, ""),
                                     ("2.61", True, ""), ("2.75", True, 0)):
        resp = nova_cloud.api.get(f"/v2.1/flavors/{flavor_id}", version=version)
        tempest_schemas.validate(
            tempest_schemas.schema_module(flavors, version).create_update_get_flavor_details,
            resp)
        shown = resp.json()["flavor"]
        assert ("description" in shown) == (version != "2.54")
        assert ("extra_specs" in shown) == has_specs
        assert shown["swap"] == swap
        listed = nova_cloud.api.get("/v2.1/flavors/detail", version=version)
        tempest_schemas.validate(
            tempest_schemas.schema_module(flavors, version).list_flavors_details, listed)
    resp = admin.put(f"/v2.1/flavors/{flavor_id}", {"flavor": {"description": "tiny"}},
                     version="2.55")
    assert resp.status_code == 200, resp.text
    assert resp.json()["flavor"]["description"] == "tiny"
    assert admin.put(f"/v2.1/flavors/{flavor_id}", {"flavor": {"description": "x"}},
                     version="2.54").status_code in (404, 405)
    assert nova_cloud.api.put(f"/v2.1/flavors/{flavor_id}", {"flavor": {"description": "x"}},
                              version="2.55").status_code == 403


@pytest.mark.parametrize("version", ["2.36", "2.38", "2.39", "2.56", "2.57", "2.104"])
def test_limits_and_quotas_2_39_and_2_57(nova_cloud, version):
    from tempest.lib.services.compute import limits_client, quotas_client
    resp = nova_cloud.api.get("/v2.1/limits", version=version)
    tempest_schemas.validate(
        tempest_schemas.schema_module(limits_client.LimitsClient, version).get_limit, resp)
    absolute = resp.json()["limits"]["absolute"]
    assert ("maxImageMeta" in absolute) == (version in ("2.36", "2.38"))
    assert ("maxPersonality" in absolute) == (version not in ("2.57", "2.104"))
    project = "p1"
    resp = nova_cloud.admin_api.get(f"/v2.1/os-quota-sets/{project}", version=version)
    tempest_schemas.validate(
        tempest_schemas.schema_module(quotas_client.QuotasClient, version).get_quota_set, resp)
    quota_set = resp.json()["quota_set"]
    assert ("injected_files" in quota_set) == (version not in ("2.57", "2.104"))
    resp = nova_cloud.admin_api.put(f"/v2.1/os-quota-sets/{project}",
                                    {"quota_set": {"injected_files": 3}}, version=version)
    assert resp.status_code == (400 if version in ("2.57", "2.104") else 200), resp.text


def test_keypairs_2_92_import_only_and_2_75_strict_query(nova_cloud):
    from tempest.lib.services.compute import keypairs_client

    from tests.functional.api.test_keypairs import PUBLIC_KEY
    kp_schemas = tempest_schemas.schema_module(keypairs_client.KeyPairsClient, "2.92")
    api = nova_cloud.api
    resp = api.post("/v2.1/os-keypairs", {"keypair": {"name": "gen"}}, version="2.91")
    assert resp.status_code == 201, resp.text
    assert "private_key" in resp.json()["keypair"]
    assert api.post("/v2.1/os-keypairs", {"keypair": {"name": "gen2"}},
                    version="2.92").status_code == 400
    assert api.post("/v2.1/os-keypairs",
                    {"keypair": {"name": "me@host.example", "public_key": PUBLIC_KEY}},
                    version="2.91").status_code == 400
    resp = api.post("/v2.1/os-keypairs",
                    {"keypair": {"name": "me@host.example", "public_key": PUBLIC_KEY}},
                    version="2.92")
    tempest_schemas.validate(kp_schemas.create_keypair, resp)
    assert "private_key" not in resp.json()["keypair"]
    resp = api.get("/v2.1/os-keypairs/me@host.example", version="2.92")
    tempest_schemas.validate(kp_schemas.get_keypair, resp)
    resp = api.get("/v2.1/os-keypairs", version="2.92")
    tempest_schemas.validate(kp_schemas.list_keypairs, resp)
    assert api.get("/v2.1/os-keypairs?bogus=1", version="2.74").status_code == 200
    assert api.get("/v2.1/os-keypairs?bogus=1", version="2.75").status_code == 400


def test_services_2_53_by_uuid(nova_cloud):
    from tempest.lib.services.compute import services_client
    sc = services_client.ServicesClient
    admin = nova_cloud.admin_api
    resp = admin.get("/v2.1/os-services?binary=nova-compute", version="2.52")
    tempest_schemas.validate(tempest_schemas.schema_module(sc, "2.52").list_services, resp)
    assert isinstance(resp.json()["services"][0]["id"], int)
    resp = admin.get("/v2.1/os-services?binary=nova-compute", version="2.53")
    v253 = tempest_schemas.schema_module(sc, "2.53")
    tempest_schemas.validate(v253.list_services, resp)
    service = resp.json()["services"][0]
    uuid = service["id"]
    assert isinstance(uuid, str) and len(uuid) == 36
    # The old action form is gone: 2.53 reads "disable" as an id.
    assert admin.put("/v2.1/os-services/disable",
                     {"host": service["host"], "binary": "nova-compute"},
                     version="2.53").status_code == 400
    resp = admin.put(f"/v2.1/os-services/{uuid}",
                     {"status": "disabled", "disabled_reason": "maintenance"}, version="2.53")
    tempest_schemas.validate(v253.update_service, resp)
    updated = resp.json()["service"]
    assert (updated["id"], updated["status"], updated["disabled_reason"]) == \
        (uuid, "disabled", "maintenance")
    assert admin.put(f"/v2.1/os-services/{uuid}", {"disabled_reason": "x"},
                     version="2.53").status_code == 400
    assert admin.put(f"/v2.1/os-services/{uuid}", {}, version="2.53").status_code == 400
    resp = admin.put(f"/v2.1/os-services/{uuid}", {"status": "enabled",
                                                   "forced_down": True}, version="2.53")
    assert resp.status_code == 200, resp.text
    assert resp.json()["service"]["status"] == "enabled"
    assert resp.json()["service"]["forced_down"] is True
    assert resp.json()["service"]["disabled_reason"] is None
    missing = "00000000-0000-0000-0000-000000000000"
    assert admin.put(f"/v2.1/os-services/{missing}", {"status": "enabled"},
                     version="2.53").status_code == 404
    assert admin.delete(f"/v2.1/os-services/{missing}", version="2.53").status_code == 404
    assert admin.delete("/v2.1/os-services/1", version="2.53").status_code == 400
    assert nova_cloud.api.put(f"/v2.1/os-services/{uuid}", {"status": "enabled"},
                              version="2.53").status_code == 403
    assert admin.get("/v2.1/os-services?bogus=1", version="2.75").status_code == 400
    scheduler = [s for s in admin.get("/v2.1/os-services", version="2.53").json()["services"]
                 if s["binary"] != "nova-compute"]
    if scheduler:
        assert admin.put(f"/v2.1/os-services/{scheduler[0]['id']}", {"status": "disabled"},
                         version="2.53").status_code == 400


def test_hypervisors_2_53_uuids_2_75_servers_2_88_shape(nova_cloud, server):
    from tempest.lib.services.compute import hypervisor_client
    hc = hypervisor_client.HypervisorClient
    admin = nova_cloud.admin_api
    resp = admin.get("/v2.1/os-hypervisors/detail", version="2.52")
    tempest_schemas.validate(
        tempest_schemas.schema_module(hc, "2.52").list_hypervisors_detail, resp)
    old_id = resp.json()["hypervisors"][0]["id"]
    assert isinstance(old_id, int)
    v253 = tempest_schemas.schema_module(hc, "2.53")
    resp = admin.get("/v2.1/os-hypervisors/detail?with_servers=true", version="2.53")
    tempest_schemas.validate(v253.list_hypervisors_detail, resp)
    hyp = resp.json()["hypervisors"][0]
    assert len(hyp["id"]) == 36 and len(hyp["service"]["id"]) == 36
    assert [s["uuid"] for s in hyp["servers"]] == [server]
    resp = admin.get(f"/v2.1/os-hypervisors/{hyp['id']}?with_servers=1", version="2.53")
    tempest_schemas.validate(v253.get_hypervisor, resp)
    name = hyp["hypervisor_hostname"]
    resp = admin.get(f"/v2.1/os-hypervisors?hypervisor_hostname_pattern={name}",
                     version="2.53")
    tempest_schemas.validate(v253.list_search_hypervisors, resp)
    assert [h["id"] for h in resp.json()["hypervisors"]] == [hyp["id"]]
    assert admin.get("/v2.1/os-hypervisors?hypervisor_hostname_pattern=nomatch",
                     version="2.53").status_code == 404
    assert admin.get(f"/v2.1/os-hypervisors?hypervisor_hostname_pattern={name}&limit=1",
                     version="2.53").status_code == 400
    assert admin.get(f"/v2.1/os-hypervisors/{name}/search", version="2.52").status_code == 200
    assert admin.get(f"/v2.1/os-hypervisors/{name}/search", version="2.53").status_code == 404
    assert admin.get(f"/v2.1/os-hypervisors/{name}/servers", version="2.53").status_code == 404
    assert admin.get(f"/v2.1/os-hypervisors/{old_id}", version="2.53").status_code == 400
    assert admin.get("/v2.1/os-hypervisors?bogus=1", version="2.53").status_code == 400
    # 2.75: with_servers gives servers even when a node hosts none.
    nova_cloud.delete_server(server)
    nova_cloud.wait_for_server_deleted(server)
    resp = admin.get("/v2.1/os-hypervisors?with_servers=true", version="2.74")
    assert "servers" not in resp.json()["hypervisors"][0]
    resp = admin.get("/v2.1/os-hypervisors?with_servers=true", version="2.75")
    tempest_schemas.validate(
        tempest_schemas.schema_module(hc, "2.75").list_search_hypervisors, resp)
    assert resp.json()["hypervisors"][0]["servers"] == []
    # 2.88: no resource fields, uptime in show, statistics and uptime routes gone.
    shown = admin.get(f"/v2.1/os-hypervisors/{hyp['id']}", version="2.88").json()
    assert "vcpus" not in shown["hypervisor"] and "cpu_info" not in shown["hypervisor"]
    assert "uptime" in shown["hypervisor"]
    assert "uptime" not in admin.get(f"/v2.1/os-hypervisors/{hyp['id']}",
                                     version="2.87").json()["hypervisor"]
    assert admin.get("/v2.1/os-hypervisors/statistics", version="2.87").status_code == 200
    assert admin.get("/v2.1/os-hypervisors/statistics", version="2.88").status_code == 404
    assert admin.get(f"/v2.1/os-hypervisors/{hyp['id']}/uptime",
                     version="2.87").status_code == 501
    assert admin.get(f"/v2.1/os-hypervisors/{hyp['id']}/uptime",
                     version="2.88").status_code == 404


def test_server_groups_2_64_policy_and_rules(nova_cloud):
    from tempest.lib.services.compute import server_groups_client
    sgc = server_groups_client.ServerGroupsClient
    api = nova_cloud.api
    old = {"server_group": {"name": "old", "policies": ["anti-affinity"]}}
    resp = api.post("/v2.1/os-server-groups", old, version="2.63")
    tempest_schemas.validate(
        tempest_schemas.schema_module(sgc, "2.63").create_show_server_group, resp)
    assert api.post("/v2.1/os-server-groups", old, version="2.64").status_code == 400
    new = {"server_group": {"name": "new", "policy": "anti-affinity",
                            "rules": {"max_server_per_host": 2}}}
    assert api.post("/v2.1/os-server-groups", new, version="2.63").status_code == 400
    v264 = tempest_schemas.schema_module(sgc, "2.64")
    resp = api.post("/v2.1/os-server-groups", new, version="2.64")
    tempest_schemas.validate(v264.create_show_server_group, resp)
    group = resp.json()["server_group"]
    assert (group["policy"], group["rules"]) == ("anti-affinity", {"max_server_per_host": 2})
    assert "policies" not in group and "metadata" not in group
    resp = api.get(f"/v2.1/os-server-groups/{group['id']}", version="2.64")
    tempest_schemas.validate(v264.create_show_server_group, resp)
    resp = api.get("/v2.1/os-server-groups", version="2.64")
    tempest_schemas.validate(v264.list_server_groups, resp)
    shown = api.get(f"/v2.1/os-server-groups/{group['id']}", version="2.63").json()
    assert shown["server_group"]["policies"] == ["anti-affinity"]
    bad = {"server_group": {"name": "bad", "policy": "affinity",
                            "rules": {"max_server_per_host": 2}}}
    assert api.post("/v2.1/os-server-groups", bad, version="2.64").status_code == 400
    assert api.get("/v2.1/os-server-groups?bogus=1", version="2.75").status_code == 400


def test_2_52_tags_at_create(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    body = {"server": {"name": "tagged", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       "networks": "none", "tags": ["web", "prod", "web"]}}
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.51").status_code == 400
    resp = nova_cloud.api.post("/v2.1/servers", body, version="2.52")
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    # Pending (build request) and built servers both carry them.
    assert sorted(show(nova_cloud, server_id, "2.52")["tags"]) == ["prod", "web"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert sorted(show(nova_cloud, server_id, "2.52")["tags"]) == ["prod", "web"]
    listed = nova_cloud.api.get("/v2.1/servers?tags=prod", version="2.52").json()["servers"]
    assert [s["id"] for s in listed] == [server_id]
    body["server"]["tags"] = ["bad/tag"]
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.52").status_code == 400


@pytest.mark.parametrize("path", ["/v2.1/flavors", "/v2.1/flavors/detail", "/v2.1/limits"])
def test_2_75_unknown_query_parameters_refused(nova_cloud, path):
    assert nova_cloud.api.get(path + "?bogus=1", version="2.74").status_code == 200
    resp = nova_cloud.api.get(path + "?bogus=1", version="2.75")
    assert resp.status_code == 400, resp.text


def test_2_66_changes_before_filter(nova_cloud, server):
    past = "2000-01-01T00:00:00Z"
    # Before 2.66 the parameter is unknown, so ignored.
    listed = nova_cloud.api.get(f"/v2.1/servers?changes-before={past}", version="2.65")
    assert [s["id"] for s in listed.json()["servers"]] == [server]
    listed = nova_cloud.api.get(f"/v2.1/servers?changes-before={past}", version="2.66")
    assert listed.json()["servers"] == []


def test_2_83_users_filter_by_zone_and_state(nova_cloud, server):
    api = nova_cloud.api
    for query in ("availability_zone=nowhere", "vm_state=stopped"):
        # Before 2.83 these filters are admin-only: ignored for users.
        listed = api.get(f"/v2.1/servers?{query}", version="2.82").json()["servers"]
        assert [s["id"] for s in listed] == [server]
        assert api.get(f"/v2.1/servers?{query}", version="2.83").json()["servers"] == []
    listed = api.get("/v2.1/servers?vm_state=active", version="2.83").json()["servers"]
    assert [s["id"] for s in listed] == [server]


def test_2_63_trusted_image_certificates_at_create(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    body = {"server": {"name": "trusted", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       "networks": "none", "trusted_image_certificates": ["cert-a", "cert-b"]}}
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.62").status_code == 400
    resp = nova_cloud.api.post("/v2.1/servers", body, version="2.63")
    assert resp.status_code == 202, resp.text
    server_id = resp.json()["server"]["id"]
    nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    assert show(nova_cloud, server_id, "2.63")["trusted_image_certificates"] == \
        ["cert-a", "cert-b"]
    body["server"]["trusted_image_certificates"] = ["dup", "dup"]
    assert nova_cloud.api.post("/v2.1/servers", body, version="2.63").status_code == 400


def test_2_74_host_and_hypervisor_hostname_at_create(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    node = nova_cloud.admin_api.get("/v2.1/os-hypervisors", version="2.53").json()[
        "hypervisors"][0]["hypervisor_hostname"]

    def body(**extra):
        return {"server": dict(name="placed", imageRef=images.IMAGE_ID, flavorRef="1",
                               networks="none", **extra)}
    admin = nova_cloud.admin_api
    assert admin.post("/v2.1/servers", body(host="compute1"),
                      version="2.73").status_code == 400
    assert nova_cloud.api.post("/v2.1/servers", body(host="compute1"),
                               version="2.74").status_code == 403
    assert admin.post("/v2.1/servers", body(host="nohost"), version="2.74").status_code == 400
    assert admin.post("/v2.1/servers", body(hypervisor_hostname="nonode"),
                      version="2.74").status_code == 400
    assert admin.post("/v2.1/servers", body(host="compute1",
                                            availability_zone="nova:compute1"),
                      version="2.74").status_code == 400
    for extra in ({"host": "compute1"}, {"hypervisor_hostname": node},
                  {"host": "compute1", "hypervisor_hostname": node}):
        resp = admin.post("/v2.1/servers", body(**extra), version="2.74")
        assert resp.status_code == 202, resp.text
        server = nova_cloud.wait_for_server_status(resp.json()["server"]["id"], "ACTIVE")
        assert server["OS-EXT-SRV-ATTR:host"] == "compute1"


@pytest.mark.parametrize("version", ["2.1", "2.51", "2.58", "2.62", "2.84", "2.104"])
def test_instance_actions_match_tempest_schemas(nova_cloud, server, version):
    schemas = tempest_schemas.schema_module(SERVERS, version)
    for api in (nova_cloud.api, nova_cloud.admin_api):
        resp = api.get(f"/v2.1/servers/{server}/os-instance-actions", version=version)
        tempest_schemas.validate(schemas.list_instance_actions, resp)
        request_id = resp.json()["instanceActions"][0]["request_id"]
        resp = api.get(f"/v2.1/servers/{server}/os-instance-actions/{request_id}",
                       version=version)
        tempest_schemas.validate(schemas.show_instance_action, resp)


@pytest.mark.parametrize("version", ["2.53", "2.54", "2.57", "2.63", "2.71", "2.73",
                                     "2.75", "2.96", "2.98", "2.100", "2.104"])
def test_rebuild_matches_tempest_schemas(nova_cloud, server, version):
    resp = nova_cloud.api.post(f"/v2.1/servers/{server}/action",
                               {"rebuild": {"imageRef": images.IMAGE_ID}}, version=version)
    assert resp.status_code == 202, resp.text
    schemas = tempest_schemas.schema_module(SERVERS, version)
    # tempest's client picks the variant by [api] enable_instance_password.
    with_password = "adminPass" in resp.json()["server"]
    tempest_schemas.validate(schemas.rebuild_server_with_admin_pass if with_password
                             else schemas.rebuild_server, resp)
    nova_cloud.wait_for_server_status(server, "ACTIVE")
