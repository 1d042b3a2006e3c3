"""GET /limits through the real pipeline, with usage counted in a real cell."""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.compute import power_state, vm_states
from tests.functional.api import client

NETWORK_KEYS = {"maxSecurityGroups", "maxSecurityGroupRules", "maxTotalFloatingIps",
                "totalSecurityGroupsUsed", "totalFloatingIpsUsed"}


@pytest.fixture
def app(databases, conf_fixture):
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name="cell1",
                               transport_url="fake://", database_connection=databases.main_url)
    cell.create()
    flavor = objects.Flavor(ctx, flavorid="1", name="m1", memory_mb=512, vcpus=2, root_gb=1,
                            ephemeral_gb=0, swap=0, is_public=True, disabled=False)
    flavor.create()
    with nova_context.target_cell(ctx, cell) as cctxt:
        for project in ("p1", "p1", "p2"):
            objects.Instance(cctxt, flavor=flavor, project_id=project, user_id="u",
                             vm_state=vm_states.ACTIVE, power_state=power_state.RUNNING,
                             image_ref="img").create()
    objects.InstanceGroup(ctx, project_id="p1", user_id="u", name="g",
                          policies=["affinity"]).create()
    return client.load_api(conf_fixture)


def test_limits_before_2_36_include_network_limits(app, conf_fixture):
    conf_fixture.config(instances=7, group="quota")
    resp = client.APIClient(app, token="alice:p1", version="2.1").get("/v2.1/limits")
    assert resp.status_int == 200, resp.json
    limits = resp.json["limits"]
    assert limits["rate"] == []
    assert limits["absolute"] == {
        "maxTotalInstances": 7, "maxTotalCores": 20, "maxTotalRAMSize": 51200,
        "maxServerMeta": 128, "maxImageMeta": 128, "maxPersonality": 5,
        "maxPersonalitySize": 10240, "maxTotalKeypairs": 100, "maxServerGroups": 10,
        "maxServerGroupMembers": 10,
        "totalInstancesUsed": 2, "totalCoresUsed": 4, "totalRAMUsed": 1024,
        "totalServerGroupsUsed": 1,
        "maxSecurityGroups": -1, "maxSecurityGroupRules": -1, "maxTotalFloatingIps": -1,
        "totalSecurityGroupsUsed": 0, "totalFloatingIpsUsed": 0,
    }


@pytest.mark.parametrize("version", ["2.36", "2.37"])
def test_limits_from_2_36_drop_network_limits(app, version):
    absolute = client.APIClient(app, token="alice:p1", version=version).get(
        "/v2.1/limits").json["limits"]["absolute"]
    assert not NETWORK_KEYS & set(absolute)
    assert absolute["totalInstancesUsed"] == 2


def test_limits_2_35_still_has_network_limits(app):
    absolute = client.APIClient(app, token="alice:p1", version="2.35").get(
        "/v2.1/limits").json["limits"]["absolute"]
    assert NETWORK_KEYS <= set(absolute)


def test_admin_may_ask_for_another_project(app):
    admin = client.APIClient(app, token="admin:admin")
    absolute = admin.get("/v2.1/limits?tenant_id=p2").json["limits"]["absolute"]
    assert (absolute["totalInstancesUsed"], absolute["totalServerGroupsUsed"]) == (1, 0)
    assert admin.get("/v2.1/limits").json["limits"]["absolute"]["totalInstancesUsed"] == 0


def test_member_may_not_ask_for_another_project(app):
    resp = client.APIClient(app, token="alice:p1").get("/v2.1/limits?tenant_id=p2")
    assert resp.status_int == 403
    assert "os_compute_api:limits:other_project" in resp.json["forbidden"]["message"]


def test_unknown_parameters_are_ignored_and_post_is_405(app):
    api = client.APIClient(app, token="alice:p1")
    assert api.get("/v2.1/limits?reserved=1").status_int == 200
    assert api.post("/v2.1/limits", {}).status_int == 405


def test_the_noop_quota_driver_limits_nothing(app, conf_fixture):
    conf_fixture.config(driver="nova.quota.NoopQuotaDriver", instances=1, group="quota")
    absolute = client.APIClient(app, token="alice:p1", version="2.1").get(
        "/v2.1/limits").json["limits"]["absolute"]
    assert absolute["maxTotalInstances"] == -1
    assert absolute["maxTotalCores"] == -1
    assert absolute["totalInstancesUsed"] == 2
