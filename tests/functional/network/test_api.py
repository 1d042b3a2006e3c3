"""The network routes and views through the REST API, fake driver.

What ``openstack network list/create/delete`` (at 2.1, with no network
endpoint in the catalog) and ``server create --network`` rely on: the
os-networks routes and their 2.36 cut-off, POST /servers ``networks``,
the ``addresses`` of server views and /servers/{id}/ips.
"""

import concurrent.futures

import pytest
import webob

from nova import context as nova_context
from nova import objects
from nova.api.metadata import handler
from nova.conf import CONF
from tests.fixtures import images

NETWORKS = "/v2.1/os-networks"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.text
    return resp.json() if resp.content else None


@pytest.fixture
def private(nova_cloud):
    """The admin's network "private" 10.0.0.0/24 (shared); its view."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    return _ok(nova_cloud.admin_api.post(NETWORKS, {"network": {
        "label": "private", "cidr": "10.0.0.0/24", "dns1": "192.0.2.53"}}))["network"]


def _free_addresses(net_uuid):
    ctx = nova_context.get_admin_context()
    network = objects.Network.get_by_uuid(ctx, net_uuid)
    return [f.address for f in objects.FixedIPList.get_by_network_id(ctx, network.id)
            if f.instance_uuid]


def test_os_networks_crud_and_views(nova_cloud, private):
    assert private["label"] == "private" and private["gateway"] == "10.0.0.1"
    assert private["bridge"] == "br100" and private["dhcp_start"] == "10.0.0.2"
    admin_list = _ok(nova_cloud.admin_api.get(NETWORKS))["networks"]
    assert [n["id"] for n in admin_list] == [private["id"]]
    # An ordinary user sees shared networks with the user fields only.
    user_view = _ok(nova_cloud.api.get(f"{NETWORKS}/{private['id']}"))["network"]
    assert user_view["label"] == "private" and "bridge" not in user_view
    # A name is not an id (the client then searches the list by label).
    assert nova_cloud.api.get(f"{NETWORKS}/private").status_code == 404
    # Only admins create; bad ranges and duplicates are refused.
    body = {"network": {"label": "n2", "cidr": "10.1.0.0/24"}}
    assert nova_cloud.api.post(NETWORKS, body).status_code == 403
    bad = {"network": {"label": "n3", "cidr": "not-a-cidr"}}
    assert nova_cloud.admin_api.post(NETWORKS, bad).status_code == 400
    dup = {"network": {"label": "private", "cidr": "10.2.0.0/24"}}
    assert nova_cloud.admin_api.post(NETWORKS, dup).status_code == 409
    assert nova_cloud.admin_api.post(NETWORKS, {"network": {"label": "x"}}).status_code == 400
    # add / disassociate give a network to a project and back.
    n2 = _ok(nova_cloud.admin_api.post(NETWORKS, body))["network"]
    _ok(nova_cloud.admin_api.post(f"{NETWORKS}/add", {"id": n2["id"]}), 202)
    assert _ok(nova_cloud.admin_api.get(f"{NETWORKS}/{n2['id']}"))["network"][
        "project_id"] == "admin"
    _ok(nova_cloud.admin_api.post(f"{NETWORKS}/{n2['id']}/action",
                                  {"disassociate": None}), 202)
    assert _ok(nova_cloud.admin_api.get(f"{NETWORKS}/{n2['id']}"))["network"][
        "project_id"] is None
    _ok(nova_cloud.admin_api.delete(f"{NETWORKS}/{n2['id']}"), 202)
    assert nova_cloud.admin_api.get(f"{NETWORKS}/{n2['id']}").status_code == 404


def test_os_networks_is_gone_from_2_36(nova_cloud, private):
    for version in ("2.36", "2.37"):
        assert nova_cloud.admin_api.get(NETWORKS, version=version).status_code == 404
        assert nova_cloud.admin_api.get(
            f"{NETWORKS}/{private['id']}", version=version).status_code == 404
    assert nova_cloud.admin_api.get(NETWORKS, version="2.35").status_code == 200


def test_boot_gets_an_address_shown_in_views_and_ips(nova_cloud, private):
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1",
                                       networks=[{"uuid": private["id"]}])
    server = nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    addresses = server["addresses"]
    assert list(addresses) == ["private"]
    (entry,) = addresses["private"]
    assert entry["version"] == 4 and entry["OS-EXT-IPS:type"] == "fixed"
    assert entry["addr"].startswith("10.0.0.") and entry["addr"] not in (
        "10.0.0.0", "10.0.0.1", "10.0.0.255")
    assert entry["OS-EXT-IPS-MAC:mac_addr"].startswith("fa:16:3e:")
    ips = _ok(nova_cloud.api.get(f"/v2.1/servers/{created['id']}/ips"))
    assert ips == {"addresses": {"private": [{"version": 4, "addr": entry["addr"]}]}}
    assert _ok(nova_cloud.api.get(f"/v2.1/servers/{created['id']}/ips/private")) == {
        "private": [{"version": 4, "addr": entry["addr"]}]}
    assert nova_cloud.api.get(
        f"/v2.1/servers/{created['id']}/ips/other").status_code == 404
    ports = _ok(nova_cloud.api.get(f"/v2.1/servers/{created['id']}/os-interface"))
    (port,) = ports["interfaceAttachments"]
    assert (port["net_id"], port["mac_addr"], port["port_state"]) == (
        private["id"], entry["OS-EXT-IPS-MAC:mac_addr"], "ACTIVE")
    assert [f["ip_address"] for f in port["fixed_ips"]] == [entry["addr"]]
    assert _ok(nova_cloud.api.get(
        f"/v2.1/servers/{created['id']}/os-interface/{port['port_id']}")) == {
        "interfaceAttachment": port}
    assert nova_cloud.api.get(
        f"/v2.1/servers/{created['id']}/os-interface/nope").status_code == 404
    # The network cannot go while the server holds an address on it.
    assert nova_cloud.admin_api.delete(f"{NETWORKS}/{private['id']}").status_code == 409

    nova_cloud.delete_server(created["id"])
    nova_cloud.wait_for_server_deleted(created["id"])
    assert _free_addresses(private["id"]) == []
    _ok(nova_cloud.admin_api.delete(f"{NETWORKS}/{private['id']}"), 202)


def test_networks_auto_none_fixed_ip_and_unknown(nova_cloud, private):
    auto = nova_cloud.create_server("1", images.IMAGE_ID, name="auto")
    none = nova_cloud.create_server("1", images.IMAGE_ID, name="none",
                                    networks="none",
                                    api=nova_cloud.api.with_version("2.37"))
    fixed = nova_cloud.create_server("1", images.IMAGE_ID, name="fixed", networks=[
        {"uuid": private["id"], "fixed_ip": "10.0.0.50"}])
    assert list(nova_cloud.wait_for_server_status(auto["id"], "ACTIVE")["addresses"]) == [
        "private"]
    assert nova_cloud.wait_for_server_status(none["id"], "ACTIVE")["addresses"] == {}
    assert [a["addr"] for a in nova_cloud.wait_for_server_status(
        fixed["id"], "ACTIVE")["addresses"]["private"]] == ["10.0.0.50"]

    def refused(networks, version="2.1"):
        body = {"server": {"name": "x", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                           "networks": networks}}
        return nova_cloud.api.post("/v2.1/servers", body, version=version)

    unknown = "3cb9bc59-5699-4588-a4b1-b87f96708bc6"
    assert refused([{"uuid": unknown}]).status_code == 400
    assert refused([{"uuid": "not-a-uuid"}]).status_code == 400
    assert refused([{"uuid": private["id"], "fixed_ip": "10.0.0.50"}]).status_code == 400
    assert refused([{"uuid": private["id"], "fixed_ip": "10.9.9.9"}]).status_code == 400
    assert refused([{"uuid": private["id"], "fixed_ip": "10.0.0.1"}]).status_code == 400
    assert refused("bogus", version="2.37").status_code == 400
    # Nothing above was recorded.
    servers = _ok(nova_cloud.api.get("/v2.1/servers"))["servers"]
    assert sorted(s["name"] for s in servers) == ["auto", "fixed", "none"]


def test_concurrent_boots_never_share_an_address(nova_cloud, private):
    def boot(index):
        return nova_cloud.create_server("1", images.IMAGE_ID, name=f"c{index}")["id"]

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(boot, range(6)))
    addrs = [nova_cloud.wait_for_server_status(i, "ACTIVE", timeout=60)["addresses"][
        "private"][0]["addr"] for i in ids]
    assert len(set(addrs)) == 6
    assert sorted(_free_addresses(private["id"])) == sorted(addrs)


def test_metadata_service_finds_the_server_by_its_fixed_ip(nova_cloud, private):
    """Without a metadata proxy the guest's source address names it (doc/source/metadata.rst)."""
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="md1")
    server = nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    address = server["addresses"]["private"][0]["addr"]
    app = handler.MetadataApp(CONF)

    def meta_from(remote):
        return webob.Request.blank("/openstack/latest/meta_data.json",
                                   remote_addr=remote).get_response(app)

    resp = meta_from(address)
    assert resp.status_int == 200, resp.text
    assert resp.json["uuid"] == created["id"] and resp.json["name"] == "md1"
    assert meta_from("10.0.0.200").status_int == 404
