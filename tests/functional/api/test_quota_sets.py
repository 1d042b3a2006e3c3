"""os-quota-sets and os-quota-class-sets through the real pipeline.

Usage is counted in a real cell database (two servers of p1, one of them
alice's), as GET /limits counts it.
"""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.compute import power_state, vm_states
from tests.functional.api import client

NETWORK_FIELDS = {"fixed_ips", "floating_ips", "security_groups", "security_group_rules"}
FIELDS_2_36 = {"id", "instances", "cores", "ram", "metadata_items", "injected_files",
               "injected_file_content_bytes", "injected_file_path_bytes", "key_pairs",
               "server_groups", "server_group_members"}


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
        for user in ("alice", "bob"):
            objects.Instance(cctxt, flavor=flavor, project_id="p1", user_id=user,
                             vm_state=vm_states.ACTIVE, power_state=power_state.RUNNING,
                             image_ref="img").create()
    return client.load_api(conf_fixture)


@pytest.fixture
def admin(app):
    return client.APIClient(app, token="admin:admin", version="2.37")


@pytest.fixture
def member(app):
    return client.APIClient(app, token="alice:p1", version="2.37")


def test_show_has_defaults_and_the_project_id(member, conf_fixture):
    conf_fixture.config(instances=7, group="quota")
    resp = member.get("/v2.1/os-quota-sets/p1")
    assert resp.status_int == 200, resp.json
    body = resp.json["quota_set"]
    assert set(body) == FIELDS_2_36
    assert (body["id"], body["instances"], body["cores"], body["ram"]) == ("p1", 7, 20, 51200)
    assert body["injected_file_path_bytes"] == 255


def test_network_fields_until_2_35_only(app):
    old = client.APIClient(app, token="alice:p1", version="2.35")
    body = old.get("/v2.1/os-quota-sets/p1").json["quota_set"]
    assert {name: body[name] for name in NETWORK_FIELDS} == dict.fromkeys(NETWORK_FIELDS, -1)
    new = client.APIClient(app, token="alice:p1", version="2.36")
    assert not NETWORK_FIELDS & set(new.get("/v2.1/os-quota-sets/p1").json["quota_set"])


def test_member_may_read_only_its_own_project(member):
    assert member.get("/v2.1/os-quota-sets/p2").status_int == 403
    assert member.get("/v2.1/os-quota-sets/p2/detail").status_int == 403
    assert member.get("/v2.1/os-quota-sets/p1/detail").status_int == 200
    # Anybody may read the defaults.
    assert member.get("/v2.1/os-quota-sets/p2/defaults").status_int == 200


def test_member_may_not_update_or_delete(member):
    resp = member.put("/v2.1/os-quota-sets/p1", {"quota_set": {"instances": 50}})
    assert resp.status_int == 403
    assert "os_compute_api:os-quota-sets:update" in resp.json["forbidden"]["message"]
    assert member.delete("/v2.1/os-quota-sets/p1").status_int == 403
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["instances"] == 10


def test_update_then_show_limits_and_revert(admin, member):
    resp = admin.put("/v2.1/os-quota-sets/p1",
                     {"quota_set": {"instances": 4, "cores": "8", "key_pairs": -1}})
    assert resp.status_int == 200, resp.json
    body = resp.json["quota_set"]
    assert "id" not in body
    assert (body["instances"], body["cores"], body["key_pairs"]) == (4, 8, -1)
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["instances"] == 4
    # Another project keeps the defaults.
    assert admin.get("/v2.1/os-quota-sets/p2").json["quota_set"]["instances"] == 10
    absolute = member.get("/v2.1/limits").json["limits"]["absolute"]
    assert (absolute["maxTotalInstances"], absolute["maxTotalCores"]) == (4, 8)

    resp = admin.delete("/v2.1/os-quota-sets/p1")
    assert resp.status_int == 202
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["instances"] == 10


def test_detail_counts_usage(admin, member):
    admin.put("/v2.1/os-quota-sets/p1", {"quota_set": {"instances": 5}})
    body = member.get("/v2.1/os-quota-sets/p1/detail").json["quota_set"]
    assert body["id"] == "p1"
    assert body["instances"] == {"limit": 5, "in_use": 2, "reserved": 0}
    assert body["cores"] == {"limit": 20, "in_use": 4, "reserved": 0}
    assert body["ram"] == {"limit": 51200, "in_use": 1024, "reserved": 0}
    user = admin.get("/v2.1/os-quota-sets/p1/detail?user_id=alice").json["quota_set"]
    assert user["instances"] == {"limit": 5, "in_use": 1, "reserved": 0}


def test_limit_below_usage_needs_force(admin):
    resp = admin.put("/v2.1/os-quota-sets/p1", {"quota_set": {"instances": 1, "ram": 4096}})
    assert resp.status_int == 400
    assert "instances" in resp.json["badRequest"]["message"]
    # Nothing changed, not even the valid part.
    assert admin.get("/v2.1/os-quota-sets/p1").json["quota_set"]["ram"] == 51200

    resp = admin.put("/v2.1/os-quota-sets/p1",
                     {"quota_set": {"instances": 1, "force": "True"}})
    assert resp.status_int == 200, resp.json
    assert resp.json["quota_set"]["instances"] == 1
    # Unlimited and exactly the usage are always allowed.
    assert admin.put("/v2.1/os-quota-sets/p1",
                     {"quota_set": {"instances": 2}}).status_int == 200
    assert admin.put("/v2.1/os-quota-sets/p1",
                     {"quota_set": {"instances": -1}}).status_int == 200


def test_user_quota_stays_within_the_project(admin):
    admin.put("/v2.1/os-quota-sets/p1", {"quota_set": {"instances": 6}})
    resp = admin.put("/v2.1/os-quota-sets/p1?user_id=alice", {"quota_set": {"instances": 9}})
    assert resp.status_int == 400
    resp = admin.put("/v2.1/os-quota-sets/p1?user_id=alice", {"quota_set": {"instances": 3}})
    assert resp.status_int == 200, resp.json
    assert resp.json["quota_set"]["instances"] == 3
    assert admin.get("/v2.1/os-quota-sets/p1?user_id=alice").json["quota_set"]["instances"] == 3
    assert admin.get("/v2.1/os-quota-sets/p1?user_id=bob").json["quota_set"]["instances"] == 6
    assert admin.delete("/v2.1/os-quota-sets/p1?user_id=alice").status_int == 202
    assert admin.get("/v2.1/os-quota-sets/p1?user_id=alice").json["quota_set"]["instances"] == 6


@pytest.mark.parametrize("body", [
    {"quota_set": {"instances": -2}},
    {"quota_set": {"instances": "-2"}},
    {"quota_set": {"instances": "many"}},
    {"quota_set": {"instances": 2 ** 31}},
    {"quota_set": {"bogus": 1}},
    {"quota_set": {"instances": 5, "force": "maybe"}},
    {"quota_set": {"floating_ips": 5}},  # gone in 2.36
    {"instances": 5},
])
def test_bad_update_is_400_and_changes_nothing(admin, body):
    resp = admin.put("/v2.1/os-quota-sets/p1", body)
    assert resp.status_int == 400, resp.json
    assert "badRequest" in resp.json
    assert admin.get("/v2.1/os-quota-sets/p1").json["quota_set"]["instances"] == 10


def test_network_fields_accepted_before_2_36_without_effect(app):
    old = client.APIClient(app, token="admin:admin", version="2.35")
    resp = old.put("/v2.1/os-quota-sets/p1", {"quota_set": {"floating_ips": 5, "networks": 3,
                                                            "instances": 12}})
    assert resp.status_int == 200, resp.json
    assert (resp.json["quota_set"]["floating_ips"], resp.json["quota_set"]["instances"]) == \
        (-1, 12)


def test_defaults_follow_the_default_quota_class(admin, member):
    assert member.get("/v2.1/os-quota-class-sets/default").status_int == 403
    resp = admin.put("/v2.1/os-quota-class-sets/default",
                     {"quota_class_set": {"instances": 30, "cores": 40}})
    assert resp.status_int == 200, resp.json
    body = resp.json["quota_class_set"]
    assert "id" not in body and "server_groups" not in body
    assert (body["instances"], body["cores"], body["fixed_ips"]) == (30, 40, -1)
    shown = admin.get("/v2.1/os-quota-class-sets/default").json["quota_class_set"]
    assert (shown["id"], shown["instances"]) == ("default", 30)
    defaults = member.get("/v2.1/os-quota-sets/p1/defaults").json["quota_set"]
    assert (defaults["id"], defaults["instances"], defaults["cores"]) == ("p1", 30, 40)
    # A project's own limit still wins over the class.
    admin.put("/v2.1/os-quota-sets/p1", {"quota_set": {"instances": 3}})
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["instances"] == 3
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["cores"] == 40
    # Other classes are stored but change no project.
    assert admin.put("/v2.1/os-quota-class-sets/gold",
                     {"quota_class_set": {"ram": 1}}).status_int == 200
    assert member.get("/v2.1/os-quota-sets/p1").json["quota_set"]["ram"] == 51200


def test_unknown_methods_are_405(admin):
    assert admin.post("/v2.1/os-quota-sets/p1", {}).status_int == 405
    assert admin.delete("/v2.1/os-quota-class-sets/default").status_int == 405
