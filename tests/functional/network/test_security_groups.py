"""Security groups and rules through the REST API, fake driver.

What ``openstack security group create/list/show/set/delete`` and
``security group rule create/delete`` call at 2.1 when the catalog has no
network endpoint, their 2.36 cut-off, and the groups of a server.
"""

from tests.fixtures import images

GROUPS = "/v2.1/os-security-groups"
RULES = "/v2.1/os-security-group-rules"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.text
    return resp.json() if resp.content else None


def test_groups_and_rules(nova_cloud):
    api = nova_cloud.api
    listed = _ok(api.get(GROUPS))["security_groups"]
    assert [g["name"] for g in listed] == ["default"]
    assert listed[0]["tenant_id"] == "demo-project"
    web = _ok(api.post(GROUPS, {"security_group": {"name": "web",
                                                   "description": "web servers"}}))
    web = web["security_group"]
    assert (web["name"], web["description"], web["rules"]) == ("web", "web servers", [])
    assert api.post(GROUPS, {"security_group": {"name": "web", "description": ""}}
                    ).status_code == 400

    rule = _ok(api.post(RULES, {"security_group_rule": {
        "parent_group_id": web["id"], "ip_protocol": "TCP", "from_port": 22, "to_port": 22,
        "cidr": "192.0.2.0/24"}}))["security_group_rule"]
    assert rule["ip_protocol"] == "tcp" and rule["ip_range"] == {"cidr": "192.0.2.0/24"}
    default_id = listed[0]["id"]
    from_group = _ok(api.post(RULES, {"security_group_rule": {
        "parent_group_id": web["id"], "ip_protocol": "icmp", "from_port": -1,
        "to_port": -1, "group_id": default_id}}))["security_group_rule"]
    assert from_group["group"] == {"name": "default", "tenant_id": "demo-project"}
    shown = _ok(api.get(f"{GROUPS}/{web['id']}"))["security_group"]
    assert [r["id"] for r in shown["rules"]] == [rule["id"], from_group["id"]]

    for bad in ({"ip_protocol": "gre", "from_port": 1, "to_port": 2},
                {"ip_protocol": "tcp", "from_port": 80, "to_port": 22},
                {"ip_protocol": "tcp", "from_port": 0, "to_port": 22},
                {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "nope"},
                {"ip_protocol": "tcp", "from_port": 22, "to_port": 22}):  # duplicate
        body = {"security_group_rule": {"parent_group_id": web["id"], **bad}}
        if "cidr" not in bad and bad.get("from_port") == 22:
            body["security_group_rule"]["cidr"] = "192.0.2.0/24"
        assert api.post(RULES, body).status_code == 400, bad
    assert api.post(RULES, {"security_group_rule": {
        "parent_group_id": 999999, "ip_protocol": "tcp", "from_port": 1,
        "to_port": 1}}).status_code == 404

    renamed = _ok(api.put(f"{GROUPS}/{web['id']}", {"security_group": {
        "name": "www", "description": "d"}}))["security_group"]
    assert renamed["name"] == "www"
    assert api.put(f"{GROUPS}/{default_id}", {"security_group": {
        "name": "other", "description": "d"}}).status_code == 400
    assert api.delete(f"{GROUPS}/{default_id}").status_code == 400

    _ok(api.delete(f"{RULES}/{rule['id']}"), 202)
    assert api.delete(f"{RULES}/{rule['id']}").status_code == 404
    # Another project sees neither the group nor its rules.
    assert nova_cloud.admin_api.get(GROUPS).json()["security_groups"][0]["name"] == "default"
    _ok(api.delete(f"{GROUPS}/{web['id']}"), 202)
    assert api.get(f"{GROUPS}/{web['id']}").status_code == 404
    # A name is not an id: 404, and clients search the list by name.
    assert api.get(f"{GROUPS}/default").status_code == 404


def test_routes_are_gone_from_2_36(nova_cloud):
    assert nova_cloud.api.get(GROUPS, version="2.36").status_code == 404
    assert nova_cloud.api.post(RULES, {}, version="2.36").status_code == 404
    assert nova_cloud.api.get(GROUPS, version="2.35").status_code == 200


def test_server_joins_its_groups_and_leaves_them_on_delete(nova_cloud):
    api = nova_cloud.api
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    web = _ok(api.post(GROUPS, {"security_group": {"name": "web", "description": ""}}))
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="sg1",
                                       security_groups=[{"name": "web"}])
    assert created["security_groups"] == [{"name": "web"}]
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    groups = _ok(api.get(f"/v2.1/servers/{created['id']}/os-security-groups"))
    assert [g["name"] for g in groups["security_groups"]] == ["web"]
    # A group with members cannot go.
    assert api.delete(f"{GROUPS}/{web['security_group']['id']}").status_code == 400

    action = f"/v2.1/servers/{created['id']}/action"
    _ok(api.post(action, {"addSecurityGroup": {"name": "default"}}), 202)
    groups = _ok(api.get(f"/v2.1/servers/{created['id']}/os-security-groups"))
    assert sorted(g["name"] for g in groups["security_groups"]) == ["default", "web"]
    assert api.post(action, {"addSecurityGroup": {"name": "web"}}).status_code == 400
    assert api.post(action, {"addSecurityGroup": {"name": "nosuch"}}).status_code == 404
    _ok(api.post(action, {"removeSecurityGroup": {"name": "default"}}), 202)
    assert api.post(action, {"removeSecurityGroup": {"name": "default"}}).status_code == 400
    groups = _ok(api.get(f"/v2.1/servers/{created['id']}/os-security-groups"))
    assert [g["name"] for g in groups["security_groups"]] == ["web"]
    body = {"server": {"name": "x", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       "security_groups": [{"name": "nosuch"}]}}
    assert api.post("/v2.1/servers", body).status_code == 400

    nova_cloud.delete_server(created["id"])
    nova_cloud.wait_for_server_deleted(created["id"])
    _ok(api.delete(f"{GROUPS}/{web['security_group']['id']}"), 202)
