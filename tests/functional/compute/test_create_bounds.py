"""The bounds of POST /servers and rebuild, each refused at once with nothing written.

Upstream's bounds (api-ref "Create Server" and "Rebuild Server", and the
quota limits of os-quota-sets): names and descriptions of 255 characters,
metadata keys and values of 255 and at most ``metadata_items`` of them,
user_data of 65535 base64 characters, personality files within
``injected_files``, ``injected_file_path_bytes`` and
``injected_file_content_bytes``, min_count within max_count, [api]
max_instances_per_request and the instances quota. A request beyond one
answers 400 (the request is wrong) or 403 (a limit of the project), and
no server, build request, instance mapping or request spec is left.
"""

import base64

import pytest

from nova import context as nova_context
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from tests.fixtures import images

SERVERS = "/v2.1/servers"


def _server(**fields):
    return {"server": {"name": "vm", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                       **fields}}


def _files(count, path="/etc/motd", contents=b"hi"):
    return [{"path": path if count == 1 else f"{path}{index}",
             "contents": base64.b64encode(contents).decode()} for index in range(count)]


def _api_rows():
    """Rows of the API database a create writes, by table."""
    ctx = nova_context.get_admin_context()
    counts = {}
    with api_db_api.context_manager.reader.using(ctx) as session:
        for model in (api_models.BuildRequest, api_models.InstanceMapping,
                      api_models.RequestSpec):
            counts[model.__tablename__] = session.query(model).count()
    return counts


@pytest.fixture
def cloud(bare_nova_cloud):
    bare_nova_cloud.create_flavor(flavor_id="1", ram=64)
    return bare_nova_cloud


def _assert_nothing_written(cloud):
    listed = cloud.admin_api.get(SERVERS + "/detail?all_tenants=1&deleted=false")
    assert listed.status_code == 200, listed.text
    assert listed.json()["servers"] == []
    assert set(_api_rows().values()) == {0}


def _refused(cloud, resp, code, message=None):
    assert resp.status_code == code, resp.text
    key = "badRequest" if code == 400 else "forbidden"
    if message is not None:
        assert message in resp.json()[key]["message"]
    _assert_nothing_written(cloud)


# (case, request body, microversion, status, message part or None)
CREATE_BOUNDS = [
    ("name of 256 characters", _server(name="n" * 256), "2.1", 400, None),
    ("empty name", _server(name=""), "2.1", 400, None),
    ("description of 256 characters", _server(description="d" * 256), "2.19", 400, None),
    ("metadata key of 256 characters", _server(metadata={"k" * 256: "v"}), "2.1", 400,
     None),
    ("metadata value of 256 characters", _server(metadata={"k": "v" * 256}), "2.1", 400,
     None),
    ("key_name of 256 characters", _server(key_name="k" * 256), "2.1", 400, None),
    ("user_data of 65536 characters", _server(user_data="QUJD" * 16384), "2.1", 400,
     None),
    ("user_data not base64", _server(user_data="not base64!"), "2.1", 400, None),
    ("min_count of 0", _server(min_count=0), "2.1", 400, None),
    ("min_count above max_count", _server(min_count=3, max_count=2), "2.1", 400,
     "min_count must be <= max_count"),
    ("min_count above max_instances_per_request", _server(min_count=101, max_count=101),
     "2.1", 400, "min_count 101 is more than the 100 servers one request may create"),
    ("min_count above the instances quota", _server(min_count=11, max_count=11), "2.1",
     403, "Quota exceeded for instances"),
    ("more metadata items than metadata_items",
     _server(metadata={f"k{index}": "v" for index in range(129)}), "2.1", 403,
     "Maximum number of metadata items exceeds 128"),
    ("personality not base64",
     _server(personality=[{"path": "/etc/motd", "contents": "not base64!"}]), "2.1", 400,
     "Personality content for /etc/motd cannot be decoded"),
    ("more personality files than injected_files", _server(personality=_files(6)), "2.1",
     403, "Personality file limit exceeded"),
    ("personality path above injected_file_path_bytes",
     _server(personality=_files(1, path="/" + "p" * 255)), "2.1", 403,
     "Personality file path exceeds maximum 255"),
    ("personality contents above injected_file_content_bytes",
     _server(personality=_files(1, contents=b"x" * 10241)), "2.1", 403,
     "Personality file content exceeds maximum 10240"),
]


@pytest.mark.parametrize("case, body, version, code, message", CREATE_BOUNDS,
                         ids=[case[0] for case in CREATE_BOUNDS])
def test_create_beyond_a_bound_writes_nothing(cloud, case, body, version, code, message):
    resp = cloud.api.post(SERVERS, body, version=version)
    _refused(cloud, resp, code, message)


def test_create_at_the_bounds_is_accepted(cloud):
    body = _server(name="n" * 255, metadata={"k" * 255: "v" * 255},
                   user_data=base64.b64encode(b"u" * 1000).decode(),
                   personality=_files(5, contents=b"x" * 10240))
    resp = cloud.api.post(SERVERS, body)
    assert resp.status_code == 202, resp.text


def test_max_count_above_max_instances_per_request_is_cut_down(cloud, conf_fixture):
    conf_fixture.config(max_instances_per_request=2, group="api")
    resp = cloud.api.post(SERVERS, _server(min_count=1, max_count=5,
                                           return_reservation_id=True))
    assert resp.status_code == 202, resp.text
    reservation = resp.json()["reservation_id"]
    listed = cloud.api.get(f"{SERVERS}?reservation_id={reservation}").json()["servers"]
    assert len(listed) == 2


def test_lower_project_limits_apply_to_personality(cloud):
    resp = cloud.admin_api.put("/v2.1/os-quota-sets/demo-project", {"quota_set": {
        "injected_files": 1, "injected_file_content_bytes": 4,
        "injected_file_path_bytes": 8}})
    assert resp.status_code == 200, resp.text
    _refused(cloud, cloud.api.post(SERVERS, _server(personality=_files(2))), 403,
             "Personality file limit exceeded")
    _refused(cloud, cloud.api.post(SERVERS, _server(personality=_files(1, path="/a/b/c/d/e"))),
             403, "Personality file path exceeds maximum 8")
    small = _files(1, path="/a", contents=b"12345")
    _refused(cloud, cloud.api.post(SERVERS, _server(personality=small)), 403,
             "Personality file content exceeds maximum 4")


@pytest.mark.parametrize("personality, code, message", [
    (_files(6), 403, "Personality file limit exceeded"),
    (_files(1, contents=b"x" * 10241), 403, "Personality file content exceeds maximum 10240"),
    ([{"path": "/etc/motd", "contents": "not base64!"}], 400,
     "Personality content for /etc/motd cannot be decoded"),
])
def test_rebuild_beyond_a_personality_bound_changes_nothing(nova_cloud, personality, code,
                                                            message):
    nova_cloud.create_flavor(flavor_id="1", ram=64)
    server_id = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")["id"]
    before = nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    resp = nova_cloud.api.post(f"{SERVERS}/{server_id}/action", {"rebuild": {
        "imageRef": images.IMAGE_ID, "name": "renamed", "personality": personality}})
    assert resp.status_code == code, resp.text
    assert message in resp.text
    after = nova_cloud.get_server(server_id)
    assert (after["name"], after["image"], after["status"]) == (
        before["name"], before["image"], "ACTIVE")
    actions = nova_cloud.api.get(f"{SERVERS}/{server_id}/os-instance-actions").json()
    assert [action["action"] for action in actions["instanceActions"]] == ["create"]
