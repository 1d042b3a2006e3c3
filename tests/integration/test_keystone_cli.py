"""The quickstart with a real Keystone (``tools/quickstart.sh --keystone``),
driven as two users through the ``openstack`` CLI.

One private deployment for the module (MariaDB, own ports, vhost, databases
and state directory; Keystone on SQLite in that state directory): Keystone
bootstrapped with the admin and the ``demo`` project whose user ``demo``
holds the member and reader roles; nova-api, Placement and Glance validating
tokens with keystonemiddleware; nova reaching Placement and Glance as its
service user and sending service tokens. The clouds ``kscli-admin`` and
``kscli-demo`` of the deployment's clouds.yaml are what the quickstart
writes for a user (``quickstart-admin``, ``quickstart-demo``).

The story: the demo user boots a server (ACTIVE, owned by project demo);
the admin caps the demo project's instances with ``openstack quota set``
and the demo user's next server is refused with 403; the admin's own server
is 404 to the demo user; a POST /servers asking for 2**63 servers is 400 at
once.
"""

import json
import time
import urllib.error
import urllib.request

import pytest
import yaml

from .quickstart import (
    FLAVOR,
    IMAGE,
    deploy,
    nic_args,
    wait_for_status,
    wait_until_deleted,
)

# The first test also waits for the module's quickstart (Keystone, Glance,
# nova) on a loaded 2-core machine: more than the suite's 600 s may pass.
pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql,
              pytest.mark.timeout(1500)]

NAME = "kscli"
DEMO = f"{NAME}-demo"
ADMIN = f"{NAME}-admin"


@pytest.fixture(scope="module")
def deployment(libvirt_host):
    """A running private quickstart with Keystone, on MariaDB."""
    yield from deploy("mysql", NAME, keystone=True)


def _compute(deployment, method, path, token, body=None):
    """Send one Compute API request; return (status, decoded body or {})."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{deployment.api_port}/v2.1{path}", data=data, method=method,
        headers={"X-Auth-Token": token, "Content-Type": "application/json",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else {}
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else {}


def _create(deployment, name, cloud):
    server = deployment.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE, *nic_args(deployment),
        name, cloud=cloud)
    return server["id"]


def test_clouds_yaml_has_admin_and_demo_with_passwords(deployment):
    clouds = yaml.safe_load(deployment.clouds_yaml.read_text())["clouds"]
    assert NAME not in clouds, "the Keystone-less cloud must not be written with --keystone"
    for cloud, user in ((ADMIN, "admin"), (DEMO, "demo")):
        auth = clouds[cloud]["auth"]
        assert auth["auth_url"] == deployment.keystone_url
        assert auth["username"] == user and auth["project_name"] == user
        assert auth["password"]
    # No token, no API: keystonemiddleware answers 401 before nova.
    status, _ = _compute(deployment, "GET", "/servers", "not-a-token")
    assert status == 401


def test_catalog_lists_compute_image_and_placement(deployment):
    catalog = deployment.openstack_json("catalog", "list", cloud=DEMO)
    types = {entry["Type"] for entry in catalog}
    assert {"identity", "compute", "image", "placement"} <= types, catalog


def test_demo_user_boots_a_server(deployment):
    server_id = _create(deployment, "kscli-demo-1", DEMO)
    server = wait_for_status(deployment, server_id, "ACTIVE")
    demo_project = deployment.openstack_json("project", "show", "demo")["id"]
    assert server["project_id"] == demo_project
    listed = deployment.openstack_json("server", "list", cloud=DEMO)
    assert [s["ID"] for s in listed] == [server_id]


def test_quota_set_by_admin_refuses_the_next_demo_server(deployment):
    in_use = len(deployment.openstack_json("server", "list", cloud=DEMO))
    assert in_use >= 1
    deployment.openstack("quota", "set", "--instances", str(in_use), "demo")
    shown = deployment.openstack_json("quota", "show", "demo")
    instances = {row.get("Resource"): row.get("Limit") for row in shown} \
        if isinstance(shown, list) else {"instances": shown.get("instances")}
    assert instances.get("instances") == in_use, shown
    result = deployment.openstack(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE, *nic_args(deployment),
        "kscli-demo-over", cloud=DEMO, check=False)
    assert result.returncode != 0
    # The CLI prints the API's status and its message.
    assert "403" in result.stderr, result.stderr
    assert "Quota exceeded for instances" in result.stderr, result.stderr
    names = [s["Name"] for s in deployment.openstack_json("server", "list", cloud=DEMO)]
    assert "kscli-demo-over" not in names


def test_admin_server_is_404_to_demo(deployment):
    server_id = _create(deployment, "kscli-admin-1", ADMIN)
    try:
        result = deployment.openstack("server", "show", server_id, cloud=DEMO, check=False)
        assert result.returncode != 0
        assert "No Server found" in result.stderr, result.stderr
        status, body = _compute(deployment, "GET", f"/servers/{server_id}",
                                deployment.token(DEMO))
        assert status == 404, body
        assert body.get("itemNotFound", {}).get("code") == 404, body
    finally:
        deployment.openstack("server", "delete", server_id)
        wait_until_deleted(deployment, server_id)


def test_min_count_of_2_to_the_63_is_400_at_once(deployment):
    token = deployment.token(DEMO)
    flavor = deployment.openstack_json("flavor", "show", FLAVOR, cloud=DEMO)["id"]
    image = deployment.openstack_json("image", "show", IMAGE, cloud=DEMO)["id"]
    before = len(deployment.openstack_json("server", "list", "--all-projects"))
    started = time.monotonic()
    status, body = _compute(deployment, "POST", "/servers", token, {"server": {
        "name": "kscli-huge", "imageRef": image, "flavorRef": flavor,
        "min_count": 2**63, "max_count": 2**63}})
    elapsed = time.monotonic() - started
    assert status == 400, body
    assert body.get("badRequest", {}).get("code") == 400, body
    assert elapsed < 10, f"the 400 took {elapsed:.1f}s"
    assert len(deployment.openstack_json("server", "list", "--all-projects")) == before
