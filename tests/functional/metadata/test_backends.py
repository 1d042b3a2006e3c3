"""The metadata look-up and password write on every database backend.

SQLite runs in the default suite; MariaDB and PostgreSQL carry the
``mysql``/``postgresql`` markers (own, uniquely named databases per test).
"""

import webob

from nova.api.metadata import handler, proxy
from tests.functional.metadata.conftest import SECRET


def _request(app, path, uuid, method="GET", body=None):
    req = webob.Request.blank(path, method=method, headers={
        "X-Instance-ID": uuid, "X-Tenant-ID": "project1",
        "X-Instance-ID-Signature": proxy.sign(uuid, SECRET)})
    if body is not None:
        req.body = body
    return req.get_response(app)


def test_metadata_lookup_and_password(db_backend, metadata_cloud):
    app = handler.MetadataApp(metadata_cloud.conf.conf)
    uuid = metadata_cloud.instance.uuid
    resp = _request(app, "/openstack/latest/meta_data.json", uuid)
    assert resp.status_int == 200, resp.text
    assert resp.json["keys"][0]["name"] == "mykey"
    assert resp.json["meta"] == {"role": "webserver"}
    assert _request(app, "/openstack/latest/password", uuid, "POST", b"pw").status_int == 200
    assert _request(app, "/openstack/latest/password", uuid).text == "pw"
