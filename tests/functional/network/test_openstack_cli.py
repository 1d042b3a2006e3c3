"""The real ``openstack`` CLI against these routes (nova-network mode).

python-openstackclient takes the compute API's nova-network routes at
microversion 2.1 when the service catalog has no network endpoint. A
minimal Keystone stand-in here hands out a token whose catalog lists only
the in-process compute API, so the CLI takes exactly that path against the
functional cloud.
"""

import json
import os
import pathlib
import subprocess
import threading
import wsgiref.simple_server

import pytest

from tests.fixtures import images

#: The client the quickstart and the integration tests use.
OPENSTACK = pathlib.Path(os.environ.get(
    "NOVA_QUICKSTART_OSC_VENV", "/var/lib/nova-quickstart/osc-venv")) / "bin" / "openstack"

pytestmark = pytest.mark.skipif(not OPENSTACK.exists(),
                                reason=f"python-openstackclient not installed at {OPENSTACK}")


_V3_MEDIA = "application/vnd.openstack.identity-v3+json"


class _Keystone:
    """GET /v3 and POST /v3/auth/tokens, with a compute-only catalog."""

    def __init__(self, compute_url):
        self.compute_url = compute_url

    def __call__(self, environ, start_response):
        base = f"http://{environ['HTTP_HOST']}/v3"
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].rstrip("/") == \
                "/v3/auth/tokens":
            domain = {"id": "default", "name": "Default"}
            body = {"token": {
                "methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
                "issued_at": "2026-01-01T00:00:00.000000Z",
                "user": {"id": "admin", "name": "admin", "domain": domain},
                "project": {"id": "admin", "name": "admin", "domain": domain},
                "roles": [{"id": "admin", "name": "admin"}],
                "catalog": [{"type": "compute", "name": "nova", "id": "compute",
                             "endpoints": [{"id": "e", "interface": "public",
                                            "region": "RegionOne",
                                            "region_id": "RegionOne",
                                            "url": self.compute_url}]}]}}
            # nova's noauth2 reads "user:project" from the token.
            headers = [("Content-Type", "application/json"), ("X-Subject-Token", "admin:admin")]
            start_response("201 Created", headers)
            return [json.dumps(body).encode()]
        body = {"version": {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                            "links": [{"rel": "self", "href": base + "/"}],
                            "media-types": [{"base": "application/json", "type": _V3_MEDIA}]}}
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]


@pytest.fixture
def cli(nova_cloud, tmp_path):
    server = wsgiref.simple_server.make_server(
        "127.0.0.1", 0, _Keystone(f"{nova_cloud.url}/v2.1"),
        handler_class=type("Quiet", (wsgiref.simple_server.WSGIRequestHandler,),
                           {"log_message": lambda *a: None}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update(OS_AUTH_URL=f"http://127.0.0.1:{server.server_port}/v3", OS_USERNAME="admin",
               OS_PASSWORD="secret", OS_PROJECT_NAME="admin", OS_USER_DOMAIN_NAME="Default",
               OS_PROJECT_DOMAIN_NAME="Default", OS_IDENTITY_API_VERSION="3",
               OS_COMPUTE_API_VERSION="2.1", HOME=str(tmp_path))

    def run(*args, json_out=True):
        result = subprocess.run([str(OPENSTACK), *args, *(("-f", "json") if json_out else ())],
                                env=env,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, f"openstack {' '.join(args)}:\n{result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else None

    yield run
    server.shutdown()
    server.server_close()


def test_server_network_commands_without_a_network_endpoint(nova_cloud, cli):
    """``server show`` addresses and ``server add/remove security group``.

    python-openstackclient 7+ sends ``network ...``, ``security group ...``
    and ``floating ip ...`` to Neutron only; the server commands still take
    the compute API's nova-network routes when no network endpoint exists.
    """
    admin = nova_cloud.admin_api
    assert admin.post("/v2.1/os-networks", {"network": {
        "label": "private", "cidr": "10.0.0.0/24"}}).status_code == 200
    assert admin.post("/v2.1/os-security-groups", {"security_group": {
        "name": "web", "description": "web servers"}}).status_code == 200
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm", api=admin)
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE", api=admin)

    shown = cli("server", "show", "vm")
    addresses = shown["addresses"]
    assert list(addresses) == ["private"] and addresses["private"][0].startswith("10.0.0.")

    cli("server", "add", "security", "group", "vm", "web", json_out=False)
    groups = admin.get(f"/v2.1/servers/{created['id']}/os-security-groups").json()
    assert sorted(g["name"] for g in groups["security_groups"]) == ["default", "web"]
    cli("server", "remove", "security", "group", "vm", "web", json_out=False)
    groups = admin.get(f"/v2.1/servers/{created['id']}/os-security-groups").json()
    assert [g["name"] for g in groups["security_groups"]] == ["default"]
