"""Remote consoles through the REST API on the in-process cloud.

A user asks for a noVNC console of a server; nova-compute (fake driver)
issues a token that nova-novncproxy would accept (checked here with
ConsoleAuthToken.validate against the cell database, which is what the
proxy does), and the errors are upstream's statuses.
"""

import urllib.parse

import pytest

from nova import exception, objects
from nova.conf import CONF
from nova.console import websocketproxy
from tests.fixtures import images

FLAVOR = {"flavor": {"name": "m1.tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "1"}}
NOVNC = {"remote_console": {"protocol": "vnc", "type": "novnc"}}


def _active_server(cloud, flavor="1"):
    resp = cloud.admin_api.post("/v2.1/flavors", FLAVOR)
    assert resp.status_code == 200, resp.text
    server = cloud.create_server(flavor, images.IMAGE_ID, name="vm1")
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    return server["id"]


def _token_of(url):
    """Return the token of a noVNC URL (``...?path=%3Ftoken%3D<token>``)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    inner = urllib.parse.parse_qs(urllib.parse.urlsplit(query["path"][0]).query)
    return inner["token"][0]


def _remote_console(cloud, server_id, body=NOVNC, version="2.6", api=None):
    return (api or cloud.api).post(f"/v2.1/servers/{server_id}/remote-consoles",
                                   body, version=version)


def test_remote_console_url_carries_a_token_the_proxy_accepts(nova_cloud):
    server_id = _active_server(nova_cloud)

    resp = _remote_console(nova_cloud, server_id)
    assert resp.status_code == 200, resp.text
    console = resp.json()["remote_console"]
    assert console["protocol"] == "vnc" and console["type"] == "novnc"
    assert console["url"].startswith(CONF.vnc.novncproxy_base_url + "?path=%3Ftoken%3D")

    token = _token_of(console["url"])
    found = objects.ConsoleAuthToken.validate(nova_cloud.context(), token)
    assert found.instance_uuid == server_id
    assert found.console_type == "novnc"
    # The fake driver's VNC server: [DEFAULT] my_ip, port 5900.
    assert (found.host, found.port) == (CONF.my_ip, 5900)

    # Every request gets its own token; both stay valid.
    second = _token_of(_remote_console(nova_cloud, server_id).json()["remote_console"]["url"])
    assert second != token
    assert objects.ConsoleAuthToken.validate(nova_cloud.context(), token).id == found.id

    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(nova_cloud.context(), token + "x")

    # nova-novncproxy finds the same token in the websocket path noVNC
    # derives from this URL ("/" + the page's path parameter).
    page_query = urllib.parse.parse_qs(urllib.parse.urlsplit(console["url"]).query)
    ws_path = "/" + page_query["path"][0]
    seen_by_proxy = websocketproxy.validate_token(
        nova_cloud.context(), websocketproxy.token_from_request(ws_path, {}))
    assert seen_by_proxy.instance_uuid == server_id

    # Deleting the server deletes its console tokens.
    nova_cloud.delete_server(server_id)
    for issued in (token, second):
        with pytest.raises(exception.InvalidToken):
            objects.ConsoleAuthToken.validate(nova_cloud.context(), issued)


def test_a_token_past_its_ttl_is_refused(nova_cloud, conf_fixture):
    server_id = _active_server(nova_cloud)
    # token_ttl 0: the token expires the second it is issued.
    conf_fixture.config(token_ttl=0, group="consoleauth")
    resp = _remote_console(nova_cloud, server_id)
    assert resp.status_code == 200, resp.text
    token = _token_of(resp.json()["remote_console"]["url"])
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(nova_cloud.context(), token)


def test_legacy_get_vnc_console_action_up_to_2_5(nova_cloud):
    server_id = _active_server(nova_cloud)
    body = {"os-getVNCConsole": {"type": "novnc"}}

    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action", body, version="2.5")
    assert resp.status_code == 200, resp.text
    console = resp.json()["console"]
    assert console["type"] == "novnc"
    token = _token_of(console["url"])
    assert objects.ConsoleAuthToken.validate(nova_cloud.context(), token).instance_uuid \
        == server_id

    # The action is gone from 2.6 (remote-consoles replaces it) ...
    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action", body, version="2.6")
    assert resp.status_code == 404, resp.text
    # ... and remote-consoles does not exist before 2.6.
    assert _remote_console(nova_cloud, server_id, version="2.5").status_code == 404
    # xvpvnc passes the schema but this cloud has no such proxy.
    resp = nova_cloud.api.post(f"/v2.1/servers/{server_id}/action",
                               {"os-getVNCConsole": {"type": "xvpvnc"}})
    assert resp.status_code == 400, resp.text


#: Bodies that are malformed, or name a console this cloud does not serve.
BAD_REQUESTS = [
    ({"remote_console": {"protocol": "vnc", "type": "xvpvnc"}}, "2.6"),
    ({"remote_console": {"protocol": "spice", "type": "spice-html5"}}, "2.6"),
    ({"remote_console": {"protocol": "mks", "type": "webmks"}}, "2.8"),
    ({"remote_console": {"protocol": "mks", "type": "webmks"}}, "2.6"),  # mks is 2.8+
    ({"remote_console": {"protocol": "vnc"}}, "2.6"),
    ({"remote_console": {"protocol": "vnc", "type": "novnc", "extra": 1}}, "2.6"),
]


def test_unsupported_or_malformed_console_requests_are_400(nova_cloud):
    server_id = _active_server(nova_cloud)
    for body, version in BAD_REQUESTS:
        resp = _remote_console(nova_cloud, server_id, body, version)
        assert resp.status_code == 400, (body, version, resp.text)
        assert "badRequest" in resp.json()


def test_console_errors_follow_upstream(nova_cloud, conf_fixture):
    server_id = _active_server(nova_cloud)
    # Another project's server does not exist for this user.
    other = nova_cloud.api.__class__(nova_cloud.url, "eve:other-project", "2.6")
    assert _remote_console(nova_cloud, server_id, api=other).status_code == 404
    assert _remote_console(nova_cloud, "no-such-server").status_code == 404

    # VNC consoles switched off on the compute host: 400.
    conf_fixture.config(enabled=False, group="vnc")
    resp = _remote_console(nova_cloud, server_id)
    assert resp.status_code == 400, resp.text
    assert "Unavailable console type novnc" in resp.json()["badRequest"]["message"]


def test_server_without_a_host_is_409(nova_cloud):
    nova_cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": "huge", "ram": 128, "vcpus": 1, "disk": 10 ** 6, "id": "huge"}})
    server = nova_cloud.create_server("huge", images.IMAGE_ID)
    nova_cloud.wait_for_server_status(server["id"], "ERROR")
    resp = _remote_console(nova_cloud, server["id"])
    assert resp.status_code == 409, resp.text
    assert "is not ready" in resp.json()["conflictingRequest"]["message"]


def test_compute_rpc_capped_below_6_2_is_a_clear_409(bare_nova_cloud, conf_fixture):
    # Pinned as while a nova-compute of the previous level still runs.
    conf_fixture.config(compute="6.1", group="upgrade_levels")
    bare_nova_cloud.start_compute("compute1")
    server_id = _active_server(bare_nova_cloud)
    resp = _remote_console(bare_nova_cloud, server_id)
    assert resp.status_code == 409, resp.text
    assert "needs 6.2" in resp.json()["conflictingRequest"]["message"]
