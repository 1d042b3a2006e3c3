"""Serial and SPICE consoles and the console token look-up, through the REST API.

The in-process cloud (fake driver: SPICE at my_ip:5950/5951, serial at
my_ip:10000) issues the tokens; what the proxies and GET
/os-console-auth-tokens later see is read back from the cell database.
"""

import urllib.parse

import pytest

from nova import exception, objects
from nova.api.openstack import router
from nova.api.openstack.compute import routes
from nova.compute import rpcapi as compute_rpcapi
from nova.conf import CONF
from tests.fixtures import images

FLAVOR = {"flavor": {"name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}}
SERIAL = {"remote_console": {"protocol": "serial", "type": "serial"}}
SPICE = {"remote_console": {"protocol": "spice", "type": "spice-html5"}}


def _active_server(cloud):
    resp = cloud.admin_api.post("/v2.1/flavors", FLAVOR)
    assert resp.status_code == 200, resp.text
    server = cloud.create_server("1", images.IMAGE_ID, name="vm1")
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    return server["id"]


def _token_of(url):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["token"][0]


def _remote_console(cloud, server_id, body, version="2.6"):
    return cloud.api.post(f"/v2.1/servers/{server_id}/remote-consoles", body,
                          version=version)


@pytest.fixture
def consoles_on(conf_fixture):
    conf_fixture.config(enabled=True, base_url="ws://proxy.example:6083/",
                        group="serial_console")
    conf_fixture.config(enabled=True,
                        html5proxy_base_url="http://proxy.example:6082/spice_auto.html",
                        group="spice")


def test_serial_console_url_and_token(nova_cloud, consoles_on):
    server_id = _active_server(nova_cloud)
    resp = _remote_console(nova_cloud, server_id, SERIAL)
    assert resp.status_code == 200, resp.text
    console = resp.json()["remote_console"]
    assert console["protocol"] == "serial" and console["type"] == "serial"
    assert console["url"].startswith("ws://proxy.example:6083/?token=")

    found = objects.ConsoleAuthToken.validate(nova_cloud.context(),
                                              _token_of(console["url"]))
    assert (found.console_type, found.instance_uuid) == ("serial", server_id)
    assert (found.host, found.port) == (CONF.my_ip, 10000)

    # The legacy action, up to 2.5.
    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action",
                               {"os-getSerialConsole": {"type": "serial"}}, version="2.5")
    assert resp.status_code == 200, resp.text
    assert resp.json()["console"]["type"] == "serial"
    assert resp.json()["console"]["url"].startswith("ws://proxy.example:6083/?token=")


def test_spice_html5_console_url_and_token(nova_cloud, consoles_on):
    server_id = _active_server(nova_cloud)
    resp = _remote_console(nova_cloud, server_id, SPICE)
    assert resp.status_code == 200, resp.text
    url = resp.json()["remote_console"]["url"]
    assert url.startswith("http://proxy.example:6082/spice_auto.html?token=")
    found = objects.ConsoleAuthToken.validate(nova_cloud.context(), _token_of(url))
    assert found.console_type == "spice-html5"
    assert (found.port, found.tls_port) == (5950, 5951)

    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action",
                               {"os-getSPICEConsole": {"type": "spice-html5"}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["console"]["type"] == "spice-html5"
    # spice-direct is 2.99's; below it the schema refuses it.
    resp = _remote_console(nova_cloud, server_id, {
        "remote_console": {"protocol": "spice", "type": "spice-direct"}}, version="2.37")
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize("body, legacy_action", [
    (SERIAL, {"os-getSerialConsole": {"type": "serial"}}),
    (SPICE, {"os-getSPICEConsole": {"type": "spice-html5"}}),
])
def test_consoles_switched_off_are_400(nova_cloud, body, legacy_action):
    # [serial_console] and [spice] enabled default to False, as upstream.
    server_id = _active_server(nova_cloud)
    resp = _remote_console(nova_cloud, server_id, body)
    assert resp.status_code == 400, resp.text
    assert "Unavailable console type" in resp.json()["badRequest"]["message"]
    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action", legacy_action)
    assert resp.status_code == 400, resp.text


@pytest.mark.parametrize("protocol, console_type", [
    ("serial", "novnc"), ("spice", "serial"), ("vnc", "spice-html5"),
])
def test_a_type_of_another_protocol_is_400(nova_cloud, consoles_on, protocol, console_type):
    server_id = _active_server(nova_cloud)
    resp = _remote_console(nova_cloud, server_id, {
        "remote_console": {"protocol": protocol, "type": console_type}})
    assert resp.status_code == 400, resp.text
    assert "Invalid console type" in resp.json()["badRequest"]["message"]


def test_console_auth_token_lookup_is_admin_only_and_versioned(nova_cloud, consoles_on):
    server_id = _active_server(nova_cloud)
    token = _token_of(_remote_console(nova_cloud, server_id, SERIAL).json()
                      ["remote_console"]["url"])
    path = f"/v2.1/os-console-auth-tokens/{token}"

    resp = nova_cloud.admin_api.get(path, version="2.31")
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"console": {
        "instance_uuid": server_id, "host": CONF.my_ip, "port": 10000,
        "internal_access_path": None}}

    # Before 2.31 only RDP tokens were shown, and none exist here.
    assert nova_cloud.admin_api.get(path, version="2.30").status_code == 401
    # Only administrators may look tokens up.
    resp = nova_cloud.api.get(path, version="2.31")
    assert resp.status_code == 403, resp.text
    # Unknown token.
    resp = nova_cloud.admin_api.get(path + "x", version="2.31")
    assert resp.status_code == 404, resp.text
    assert resp.json()["itemNotFound"]["message"] == "Token not found"

    # Deleting the server removes its tokens.
    nova_cloud.delete_server(server_id)
    assert nova_cloud.admin_api.get(path, version="2.31").status_code == 404


def test_console_auth_token_expires_after_token_ttl(nova_cloud, consoles_on, conf_fixture):
    server_id = _active_server(nova_cloud)
    conf_fixture.config(token_ttl=0, group="consoleauth")
    token = _token_of(_remote_console(nova_cloud, server_id, SPICE).json()
                      ["remote_console"]["url"])
    resp = nova_cloud.admin_api.get(f"/v2.1/os-console-auth-tokens/{token}", version="2.31")
    assert resp.status_code == 404, resp.text
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(nova_cloud.context(), token)


@pytest.fixture
def api_up_to_2_99(monkeypatch):
    """Serve the route table up to 2.99 (the tree's maximum is lower)."""
    def factory(global_conf, **local_conf):
        return router.Router(routes.route_table(), max_version="2.99")
    monkeypatch.setattr(routes, "compute_app_factory", factory)


def test_spice_direct_and_tls_port_at_2_99(api_up_to_2_99, nova_cloud, consoles_on,
                                           conf_fixture):
    conf_fixture.config(spice_direct_proxy_base_url="http://kerbside.example:13002/nova",
                        group="spice")
    server_id = _active_server(nova_cloud)
    resp = _remote_console(nova_cloud, server_id, {
        "remote_console": {"protocol": "spice", "type": "spice-direct"}}, version="2.99")
    assert resp.status_code == 200, resp.text
    url = resp.json()["remote_console"]["url"]
    assert url.startswith("http://kerbside.example:13002/nova?token=")

    path = f"/v2.1/os-console-auth-tokens/{_token_of(url)}"
    resp = nova_cloud.admin_api.get(path, version="2.99")
    assert resp.status_code == 200, resp.text
    assert resp.json()["console"] == {
        "instance_uuid": server_id, "host": CONF.my_ip, "port": 5950, "tls_port": 5951,
        "internal_access_path": None}
    assert "tls_port" not in nova_cloud.admin_api.get(path, version="2.98").json()["console"]


def test_the_host_confirms_only_its_instance_console_ports(nova_cloud):
    # What the proxies ask before connecting (compute RPC 6.4).
    server_id = _active_server(nova_cloud)
    ctxt = nova_cloud.context()
    instance = objects.Instance.get_by_uuid(ctxt, server_id)
    api = compute_rpcapi.ComputeAPI()
    assert api.validate_console_port(ctxt, instance, 5900, "novnc") is True
    assert api.validate_console_port(ctxt, instance, 5951, "spice-html5") is True  # TLS
    assert api.validate_console_port(ctxt, instance, 10000, "serial") is True
    assert api.validate_console_port(ctxt, instance, 5901, "novnc") is False
    assert api.validate_console_port(ctxt, instance, 5900, "serial") is False
    assert api.validate_console_port(ctxt, instance, 5900, "rdp-html5") is False
