"""Floating IPs through the REST API and nova-manage's pool, fake driver.

What ``openstack floating ip pool list``, ``floating ip create/list/show/
delete`` and ``server add/remove floating ip`` call at 2.1 without a
network endpoint, and the routes' cut-off at 2.36 (the actions' at 2.44
lies above this branch's MAX_API_VERSION).
"""

from nova import context as nova_context
from nova import objects
from tests.fixtures import images

FIPS = "/v2.1/os-floating-ips"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.text
    return resp.json() if resp.content else None


def _pool():
    objects.FloatingIP.create_pool(nova_context.get_admin_context(), "public",
                                   "203.0.113.0/30")


def test_pool_allocate_associate_release(nova_cloud):
    api = nova_cloud.api
    assert _ok(api.get("/v2.1/os-floating-ip-pools")) == {"floating_ip_pools": []}
    assert api.post(FIPS, {"pool": "public"}).status_code == 404
    _pool()
    assert _ok(api.get("/v2.1/os-floating-ip-pools")) == {
        "floating_ip_pools": [{"name": "public"}]}
    fip = _ok(api.post(FIPS, {"pool": "public"}))["floating_ip"]
    second = _ok(api.post(FIPS, None))["floating_ip"]
    assert {fip["ip"], second["ip"]} == {"203.0.113.1", "203.0.113.2"}
    assert (fip["pool"], fip["fixed_ip"], fip["instance_id"]) == ("public", None, None)
    assert api.post(FIPS, {"pool": "public"}).status_code == 404  # used up
    assert [f["id"] for f in _ok(api.get(FIPS))["floating_ips"]] == sorted(
        [fip["id"], second["id"]])
    # Another project sees none of them.
    assert _ok(nova_cloud.admin_api.get(FIPS))["floating_ips"] == []

    nova_cloud.admin_api.post("/v2.1/os-networks", {"network": {
        "label": "private", "cidr": "10.0.0.0/24"}})
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    server = nova_cloud.create_server("1", images.IMAGE_ID, name="f1")
    nova_cloud.wait_for_server_status(server["id"], "ACTIVE")
    action = f"/v2.1/servers/{server['id']}/action"
    _ok(api.post(action, {"addFloatingIp": {"address": fip["ip"]}}), 202)
    shown = _ok(api.get(f"{FIPS}/{fip['id']}"))["floating_ip"]
    assert shown["instance_id"] == server["id"] and shown["fixed_ip"].startswith("10.0.0.")
    addresses = _ok(api.get(f"/v2.1/servers/{server['id']}"))["server"]["addresses"]
    assert [(a["addr"], a["OS-EXT-IPS:type"]) for a in addresses["private"]] == [
        (shown["fixed_ip"], "fixed"), (fip["ip"], "floating")]
    assert api.post(action, {"addFloatingIp": {"address": "198.51.100.9"}}
                    ).status_code == 404
    assert api.post(action, {"addFloatingIp": {"address": second["ip"],
                                               "fixed_address": "10.9.9.9"}}
                    ).status_code == 400
    assert api.post(action, {"removeFloatingIp": {"address": second["ip"]}}
                    ).status_code == 409

    _ok(api.post(action, {"removeFloatingIp": {"address": fip["ip"]}}), 202)
    addresses = _ok(api.get(f"/v2.1/servers/{server['id']}"))["server"]["addresses"]
    assert [a["OS-EXT-IPS:type"] for a in addresses["private"]] == ["fixed"]

    # Deleting a server leaves its floating IP with the project, unassociated.
    _ok(api.post(action, {"addFloatingIp": {"address": fip["ip"]}}), 202)
    nova_cloud.delete_server(server["id"])
    nova_cloud.wait_for_server_deleted(server["id"])
    assert _ok(api.get(f"{FIPS}/{fip['id']}"))["floating_ip"]["instance_id"] is None
    _ok(api.delete(f"{FIPS}/{fip['id']}"), 202)
    assert api.get(f"{FIPS}/{fip['id']}").status_code == 404
    assert _ok(api.post(FIPS, {"pool": "public"}))["floating_ip"]["ip"] == fip["ip"]


def test_routes_are_gone_from_2_36(nova_cloud):
    assert nova_cloud.api.get(FIPS, version="2.36").status_code == 404
    assert nova_cloud.api.get("/v2.1/os-floating-ip-pools", version="2.36").status_code == 404
    assert nova_cloud.api.get(FIPS, version="2.35").status_code == 200
