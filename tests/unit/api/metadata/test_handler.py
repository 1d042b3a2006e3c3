"""MetadataApp over an in-memory instance source: status codes and bodies."""

import json

import pytest
import webob

from nova.api.metadata import handler, proxy
from tests.unit.api.metadata.test_instance_data import UUID, make_instance

SECRET = "proxy-secret"


class StubSource:
    """Holds instances in a dict; counts look-ups; saves system metadata."""

    def __init__(self, *instances):
        self.instances = {i.uuid: i for i in instances}
        self.lookups = 0
        #: fixed IP -> instance uuid, as the network service would answer.
        self.addresses = {}

    def get_instance_uuid_by_address(self, address):
        return self.addresses.get(address)

    def get_instance(self, uuid):
        self.lookups += 1
        return self.instances.get(uuid)

    def save_system_metadata(self, uuid, items):
        instance = self.instances.get(uuid)
        if instance is None:
            return False
        instance.system_metadata = {**instance.system_metadata, **items}
        return True


@pytest.fixture
def conf(api_conf):
    api_conf.config(service_metadata_proxy=True, metadata_proxy_shared_secret=SECRET,
                    group="neutron")
    return api_conf


@pytest.fixture
def source():
    return StubSource(make_instance())


@pytest.fixture
def app(conf, source):
    return handler.MetadataApp(conf.conf, instance_source=source)


def signed(instance_id=UUID, tenant="proj", secret=SECRET):
    return {"X-Instance-ID": instance_id, "X-Tenant-ID": tenant,
            "X-Instance-ID-Signature": proxy.sign(instance_id, secret),
            "X-Forwarded-For": "10.0.0.7"}


def get(app, path, headers=None, method="GET", body=None):
    req = webob.Request.blank(path, method=method, headers=headers or {})
    if body is not None:
        req.body = body
    return req.get_response(app)


def test_root_lists_ec2_versions_without_headers(app):
    resp = get(app, "/")
    assert resp.status_int == 200
    assert resp.text.splitlines()[-2:] == ["2009-04-04", "latest"]
    assert resp.content_type == "text/plain"


def test_meta_data_json(app):
    resp = get(app, "/openstack/latest/meta_data.json", signed())
    assert resp.status_int == 200
    assert resp.content_type == "application/json"
    assert resp.json["uuid"] == UUID


def test_ec2_leaf_uses_forwarded_address(app):
    assert get(app, "/latest/meta-data/local-ipv4", signed()).text == "10.0.0.7"


def test_head_has_no_body(app):
    resp = get(app, "/openstack/latest/meta_data.json", signed(), method="HEAD")
    assert resp.status_int == 200
    assert resp.body == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_allowed(app, method):
    resp = get(app, "/openstack/latest/meta_data.json", signed(), method=method)
    assert resp.status_int == 405
    assert resp.headers["Allow"] == "GET, HEAD"


def test_post_outside_password_is_not_allowed(app):
    assert get(app, "/openstack/latest/meta_data.json", signed(), method="POST",
               body=b"x").status_int == 405


def test_bad_signature_is_forbidden(app, source):
    resp = get(app, "/openstack/latest/meta_data.json", signed(secret="wrong"))
    assert resp.status_int == 403
    assert source.lookups == 0


def test_missing_header_is_bad_request(app):
    headers = signed()
    del headers["X-Tenant-ID"]
    resp = get(app, "/openstack/latest/meta_data.json", headers)
    assert resp.status_int == 400
    assert "X-Tenant-ID" in resp.text


def test_unknown_instance_and_wrong_project_are_not_found(app):
    other = "00000000-0000-0000-0000-000000000001"
    assert get(app, "/openstack/latest/meta_data.json", signed(other)).status_int == 404
    assert get(app, "/openstack/latest/meta_data.json",
               signed(tenant="other")).status_int == 404


def test_unknown_path_is_not_found(app):
    assert get(app, "/openstack/latest/nothing", signed()).status_int == 404
    assert get(app, "/latest/meta-data/nothing", signed()).status_int == 404


def test_without_proxy_mode_the_requester_address_names_the_instance(conf, source):
    conf.config(service_metadata_proxy=False, group="neutron")
    app = handler.MetadataApp(conf.conf, instance_source=source)

    def from_address(address, headers=None):
        req = webob.Request.blank("/openstack/latest/meta_data.json",
                                  headers=headers or {}, remote_addr=address)
        return req.get_response(app)

    # No server holds the address: 404, even with (unused) proxy headers.
    assert from_address("10.0.0.9", signed()).status_int == 404
    assert source.lookups == 0
    assert get(app, "/").status_int == 200
    source.addresses["10.0.0.9"] = UUID
    resp = from_address("10.0.0.9")
    assert resp.status_int == 200 and resp.json["uuid"] == UUID


def test_cache_serves_repeated_requests(app, source):
    for _ in range(3):
        assert get(app, "/openstack/latest/meta_data.json", signed()).status_int == 200
    assert source.lookups == 1


def test_cache_disabled_looks_up_every_time(conf, source):
    conf.config(metadata_cache_expiration=0, group="api")
    app = handler.MetadataApp(conf.conf, instance_source=source)
    for _ in range(2):
        get(app, "/openstack/latest/meta_data.json", signed())
    assert source.lookups == 2


def test_failing_source_is_a_server_error(conf):
    class Broken:
        def get_instance(self, uuid):
            raise RuntimeError("database down")

    app = handler.MetadataApp(conf.conf, instance_source=Broken())
    assert get(app, "/openstack/latest/meta_data.json", signed()).status_int == 500


def test_password_is_set_once(app, source):
    path = "/openstack/latest/password"
    assert get(app, path, signed()).text == ""
    assert get(app, path, signed(), method="POST", body=b"encrypted").status_int == 200
    assert source.instances[UUID].system_metadata["password_0"] == "encrypted"
    assert get(app, path, signed()).text == "encrypted"
    assert get(app, path, signed(), method="POST", body=b"again").status_int == 409


def test_password_too_large(app):
    resp = get(app, "/openstack/latest/password", signed(), method="POST",
               body=b"x" * 1021)
    assert resp.status_int == 400


def test_json_documents_are_json(app):
    for name in ("vendor_data.json", "vendor_data2.json", "network_data.json"):
        resp = get(app, f"/openstack/latest/{name}", signed())
        assert resp.content_type == "application/json"
        json.loads(resp.body)
