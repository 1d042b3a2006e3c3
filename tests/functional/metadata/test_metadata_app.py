"""The metadata WSGI app over real API and cell databases (SQLite)."""

import webob

from nova import context as nova_context
from nova import objects
from nova.api.metadata import handler, proxy
from tests.functional.metadata.conftest import KEY, SECRET, USER_DATA, make_instance


def _get(app, path, instance_uuid, tenant="project1", secret=SECRET, method="GET",
         body=None):
    headers = {"X-Instance-ID": instance_uuid, "X-Tenant-ID": tenant,
               "X-Instance-ID-Signature": proxy.sign(instance_uuid, secret)}
    req = webob.Request.blank(path, method=method, headers=headers)
    if body is not None:
        req.body = body
    return req.get_response(app)


def _app(cloud):
    return handler.MetadataApp(cloud.conf.conf)


def test_meta_data_json_of_an_instance_in_another_cell(metadata_cloud):
    inst = metadata_cloud.instance
    resp = _get(_app(metadata_cloud), "/openstack/latest/meta_data.json", inst.uuid)
    assert resp.status_int == 200, resp.text
    assert resp.content_type == "application/json"
    doc = resp.json
    assert doc["uuid"] == inst.uuid
    assert doc["name"] == "web-1"
    assert doc["hostname"] == "web-1.novalocal"
    assert doc["availability_zone"] == "az1"
    assert doc["project_id"] == "project1"
    assert doc["launch_index"] == 0
    assert doc["meta"] == {"role": "webserver"}
    assert doc["public_keys"] == {"mykey": KEY}
    assert doc["keys"] == [{"name": "mykey", "type": "ssh", "data": KEY}]
    assert doc["devices"] == [] and doc["dedicated_cpus"] == []
    assert len(doc["random_seed"]) > 600


def test_user_data_and_documents(metadata_cloud):
    app, uuid = _app(metadata_cloud), metadata_cloud.instance.uuid
    resp = _get(app, "/openstack/latest/user_data", uuid)
    assert resp.status_int == 200 and resp.body == USER_DATA
    assert _get(app, "/openstack/2013-10-17", uuid).text.splitlines() == [
        "meta_data.json", "user_data", "password", "vendor_data.json"]
    assert _get(app, "/openstack/latest/network_data.json", uuid).json == {
        "links": [], "networks": [], "services": []}
    assert _get(app, "/openstack/latest/vendor_data.json", uuid).json == {}
    assert _get(app, "/openstack", uuid).text.splitlines()[-1] == "latest"


def test_no_user_data_is_404(metadata_cloud):
    bare = make_instance(metadata_cloud.ctx, metadata_cloud.cell1, user_data=None)
    app = _app(metadata_cloud)
    assert _get(app, "/openstack/latest/user_data", bare.uuid).status_int == 404
    assert _get(app, "/latest/user-data", bare.uuid).status_int == 404
    assert _get(app, "/openstack/latest/meta_data.json", bare.uuid).status_int == 200


def test_ec2_leaves(metadata_cloud):
    app, inst = _app(metadata_cloud), metadata_cloud.instance
    expected = {
        "instance-id": "i-%08x" % inst.id,
        "ami-id": "ami-155d900f",
        "ami-launch-index": "0",
        "hostname": "web-1.novalocal",
        "local-hostname": "web-1.novalocal",
        "instance-type": "m1.tiny",
        "placement/availability-zone": "az1",
        "public-keys/0/openssh-key": KEY,
        "reservation-id": "r-0000abcd",
    }
    for leaf, value in expected.items():
        resp = _get(app, f"/latest/meta-data/{leaf}", inst.uuid)
        assert (resp.status_int, resp.text) == (200, value), leaf
    listing = _get(app, "/latest/meta-data/", inst.uuid).text.splitlines()
    assert {"ami-id", "instance-id", "placement/", "public-keys/",
            "security-groups"} <= set(listing)
    assert _get(app, "/latest/user-data", inst.uuid).body == USER_DATA
    assert _get(app, "/", inst.uuid).text.splitlines()[0] == "1.0"


def test_bad_signature_unknown_instance_and_wrong_project(metadata_cloud):
    app, uuid = _app(metadata_cloud), metadata_cloud.instance.uuid
    path = "/openstack/latest/meta_data.json"
    assert _get(app, path, uuid, secret="not-the-secret").status_int == 403
    assert _get(app, path, "6f0f5fd4-0b0c-4f3c-9a57-6a3c0c4c2d11").status_int == 404
    assert _get(app, path, uuid, tenant="project2").status_int == 404


def test_deleted_instance_is_404(metadata_cloud):
    metadata_cloud.conf.config(metadata_cache_expiration=0, group="api")
    gone = make_instance(metadata_cloud.ctx, metadata_cloud.cell2)
    app = _app(metadata_cloud)
    assert _get(app, "/openstack/latest/meta_data.json", gone.uuid).status_int == 200
    gone.destroy()
    assert _get(app, "/openstack/latest/meta_data.json", gone.uuid).status_int == 404


def test_password_post_is_stored_in_the_cell(metadata_cloud):
    app, inst = _app(metadata_cloud), metadata_cloud.instance
    path = "/openstack/latest/password"
    assert _get(app, path, inst.uuid, method="POST", body=b"c2VjcmV0").status_int == 200
    with nova_context.target_cell(metadata_cloud.ctx, metadata_cloud.cell2) as cctxt:
        stored = objects.Instance.get_by_uuid(cctxt, inst.uuid,
                                              expected_attrs=["system_metadata"])
    assert stored.system_metadata["password_0"] == "c2VjcmV0"
    assert _get(app, path, inst.uuid).text == "c2VjcmV0"
    assert _get(app, path, inst.uuid, method="POST", body=b"other").status_int == 409
