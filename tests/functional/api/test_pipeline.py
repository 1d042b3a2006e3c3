"""The real api-paste.ini pipeline, driven in-process with webob.

Most tests use the Compute API as shipped (only the version documents are
routed yet); the ones about handlers load the same ini with the compute app
swapped for a small route table that exists only in this module.
"""

import io
import json
import re

import keystonemiddleware.auth_token  # noqa: F401  (registers [keystone_authtoken])
import pytest
import webob

from nova import policy
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import router, wsgi
from nova.config import SOURCE_ETC_DIR
from nova.policies import flavor_manage
from tests.functional.api import client

REQUEST_ID = re.compile(r"^req-[0-9a-f-]{36}$")


class GadgetsController:
    """Test-only resource: a schema, a policy check and two variants."""

    def __init__(self):
        self.gadgets = {}

    @wsgi.response(201)
    @validation.schema({
        "type": "object",
        "properties": {"gadget": {
            "type": "object",
            "properties": {"name": {"type": "string", "maxLength": 5}},
            "required": ["name"], "additionalProperties": False}},
        "required": ["gadget"], "additionalProperties": False})
    def create(self, req, body):
        policy.authorize(req.context, flavor_manage.FLAVOR_MANAGE % "create")
        self.gadgets[body["gadget"]["name"]] = body["gadget"]
        return {"gadget": body["gadget"]}

    @wsgi.api_version("2.2")
    def index(self, req):
        return {"gadgets": sorted(self.gadgets)}

    @wsgi.api_version("2.1", "2.1")
    def show(self, req, name):
        return {"gadget": self.gadgets[name]}

    @show.add_version("2.2")
    def show(self, req, name):  # noqa: F811
        return {"gadget": dict(self.gadgets[name], owner=req.context.project_id)}


def gadgets_app_factory(global_conf, **local_conf):
    """Paste app factory of the test-only route table (microversions up to 2.2)."""
    gadgets = GadgetsController()
    return router.Router({
        "/gadgets": {"GET": gadgets.index, "POST": gadgets.create},
        "/gadgets/{name}": {"GET": gadgets.show},
    }, max_version="2.2")


@pytest.fixture
def gadgets_app(conf_fixture, tmp_path):
    ini = (SOURCE_ETC_DIR / "api-paste.ini").read_text()
    ini, count = re.subn(r"nova\.api\.openstack\.compute\.routes:compute_app_factory",
                         f"{__name__}:gadgets_app_factory", ini)
    assert count == 1
    path = tmp_path / "api-paste.ini"
    path.write_text(ini)
    yield client.load_api(conf_fixture, paste_config=str(path))
    policy.reset()


def _fault(resp):
    assert resp.content_type == "application/json"
    (name, body), = resp.json.items()
    assert body["code"] == resp.status_int
    return name, body["message"]


# --- version documents -------------------------------------------------------

def test_root_lists_the_versions(api_app):
    resp = client.APIClient(api_app, token=None).get("/")
    assert resp.status_int == 200
    (version,) = resp.json["versions"]
    assert version == {
        "id": "v2.1", "status": "CURRENT", "version": avr.MAX_API_VERSION,
        "min_version": "2.1", "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "self", "href": "http://localhost/v2.1/"}],
    }


@pytest.mark.parametrize("path", ["/v2.1", "/v2.1/"])
def test_v21_version_document_needs_no_token(api_app, path):
    resp = client.APIClient(api_app, token=None).get(path)
    assert resp.status_int == 200
    version = resp.json["version"]
    assert (version["id"], version["status"]) == ("v2.1", "CURRENT")
    assert (version["min_version"], version["version"]) == ("2.1", avr.MAX_API_VERSION)
    assert {"rel": "self", "href": "http://localhost/v2.1/"} in version["links"]
    assert version["media-types"] == [{
        "base": "application/json",
        "type": "application/vnd.openstack.compute+json;version=2.1"}]
    # No microversion asked for: served (and labelled) at the minimum.
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"


def test_link_prefix_rewrites_version_links(conf_fixture):
    app = client.load_api(conf_fixture, compute_link_prefix="https://compute.example.com/nova")
    resp = client.APIClient(app, token=None).get("/")
    assert resp.json["versions"][0]["links"][0]["href"] == (
        "https://compute.example.com/nova/v2.1/")


# --- microversion negotiation ---------------------------------------------------

def test_version_above_the_maximum_is_not_acceptable(api_app):
    resp = client.APIClient(api_app, version="2.1000").get("/v2.1/")
    assert resp.status_int == 406
    name, message = _fault(resp)
    assert name == "computeFault"
    assert message == (f"Version 2.1000 is not supported by the API. Minimum is 2.1 "
                       f"and maximum is {avr.MAX_API_VERSION}.")


def test_malformed_version_is_a_bad_request(api_app):
    resp = client.APIClient(api_app).get(
        "/v2.1/", headers={"X-OpenStack-Nova-API-Version": "two.one"})
    assert resp.status_int == 400
    assert _fault(resp)[0] == "badRequest"


def test_latest_and_headers_on_the_response(api_app):
    resp = client.APIClient(api_app, version="latest").get("/v2.1/")
    assert resp.status_int == 200
    assert resp.headers["OpenStack-API-Version"] == f"compute {avr.MAX_API_VERSION}"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == avr.MAX_API_VERSION
    assert resp.headers["Vary"] == "OpenStack-API-Version, X-OpenStack-Nova-API-Version"


# --- request ids, errors -------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/v2.1/", "/v2.1/no-such-thing"])
def test_request_id_headers_on_every_response(api_app, path):
    resp = client.APIClient(api_app).get(path)
    request_id = resp.headers["x-openstack-request-id"]
    assert REQUEST_ID.match(request_id)
    assert resp.headers["x-compute-request-id"] == request_id


def test_unknown_path_is_item_not_found(api_app):
    resp = client.APIClient(api_app, token="alice:p1").get("/v2.1/no-such-thing")
    assert resp.status_int == 404
    assert _fault(resp) == ("itemNotFound", "The resource could not be found.")
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"


def test_unknown_path_outside_v21_is_item_not_found(api_app):
    resp = client.APIClient(api_app, token=None).get("/v3/servers")
    assert resp.status_int == 404
    assert _fault(resp)[0] == "itemNotFound"


def test_wrong_method_is_bad_method_with_allow(api_app):
    resp = client.APIClient(api_app).delete("/v2.1/")
    assert resp.status_int == 405
    assert _fault(resp) == ("badMethod", "The method DELETE is not allowed for this resource.")
    assert resp.headers["Allow"] == "GET"


def test_body_over_the_limit_is_over_limit(api_app, conf_fixture):
    conf_fixture.config(max_request_body_size=1024, group="oslo_middleware")
    resp = client.APIClient(api_app).post("/v2.1/servers", body=b"x" * 2048)
    assert resp.status_int == 413
    name, message = _fault(resp)
    assert name == "overLimit"
    assert "max_request_body_size (1024)" in message


def test_noauth_handshake_without_token(api_app):
    resp = client.APIClient(api_app, token=None).get(
        "/v2.1/servers", headers={"X-Auth-User": "alice", "X-Auth-Project-Id": "p1"})
    assert resp.status_int == 204
    assert resp.headers["X-Auth-Token"] == "alice:p1"


def test_keystone_pipeline_refuses_requests_without_token(conf_fixture):
    conf_fixture.config(www_authenticate_uri="http://keystone.example:5000",
                        group="keystone_authtoken")
    app = client.load_api(conf_fixture, auth_strategy="keystone")
    resp = client.APIClient(app, token=None).get("/v2.1/servers")
    assert resp.status_int == 401
    assert resp.headers["WWW-Authenticate"] == 'Keystone uri="http://keystone.example:5000"'
    # Version discovery stays open.
    assert client.APIClient(app, token=None).get("/v2.1/").status_int == 200


# --- handlers behind the pipeline ------------------------------------------------

def test_handler_policy_validation_and_variants(gadgets_app):
    admin = client.APIClient(gadgets_app, token="admin:p1")
    resp = admin.post("/v2.1/gadgets", body={"gadget": {"name": "knob"}})
    assert resp.status_int == 201, resp.body
    assert resp.json == {"gadget": {"name": "knob"}}

    assert admin.get("/v2.1/gadgets/knob").json == {"gadget": {"name": "knob"}}
    admin.version = "2.2"
    resp = admin.get("/v2.1/gadgets/knob")
    assert resp.json == {"gadget": {"name": "knob", "owner": "p1"}}
    assert resp.headers["OpenStack-API-Version"] == "compute 2.2"


def test_handler_policy_denial_is_forbidden(gadgets_app):
    resp = client.APIClient(gadgets_app, token="alice:p1").post(
        "/v2.1/gadgets", body={"gadget": {"name": "knob"}})
    assert resp.status_int == 403
    assert _fault(resp) == ("forbidden", "Policy doesn't allow "
                            "os_compute_api:os-flavor-manage:create to be performed.")


def test_handler_schema_error_is_bad_request_naming_the_field(gadgets_app):
    resp = client.APIClient(gadgets_app).post(
        "/v2.1/gadgets", body={"gadget": {"name": "far too long"}})
    assert resp.status_int == 400
    name, message = _fault(resp)
    assert name == "badRequest"
    assert "gadget.name" in message


def test_malformed_json_and_wrong_content_type(gadgets_app):
    api = client.APIClient(gadgets_app)
    resp = api.post("/v2.1/gadgets", body=b"{oops")
    assert resp.status_int == 400 and _fault(resp)[0] == "badRequest"
    resp = api.post("/v2.1/gadgets", body=b"<gadget/>", headers={"Content-Type": "text/xml"})
    assert resp.status_int == 415 and _fault(resp)[0] == "badMediaType"


def _post_chunked(app, body):
    # No Content-Length: the limit applies while the router reads the body.
    req = webob.Request.blank("/v2.1/gadgets", method="POST", headers={
        "X-Auth-Token": "admin:p1", "Content-Type": "application/json",
        "Transfer-Encoding": "chunked"})
    req.environ["wsgi.input"] = io.BytesIO(json.dumps(body).encode())
    req.environ["wsgi.input_terminated"] = True  # what cheroot sets for chunked bodies
    req.environ.pop("CONTENT_LENGTH", None)
    return req.get_response(app)


def test_chunked_body_over_the_limit_is_over_limit(gadgets_app, conf_fixture):
    conf_fixture.config(max_request_body_size=64, group="oslo_middleware")
    resp = _post_chunked(gadgets_app, {"gadget": {"name": "x" * 200}})
    assert resp.status_int == 413
    assert _fault(resp)[0] == "overLimit"


def test_chunked_body_under_the_limit_is_read(gadgets_app, conf_fixture):
    conf_fixture.config(max_request_body_size=64, group="oslo_middleware")
    resp = _post_chunked(gadgets_app, {"gadget": {"name": "knob"}})
    assert resp.status_int == 201, resp.body


def test_handler_absent_at_the_requested_version_is_not_found(gadgets_app):
    api = client.APIClient(gadgets_app, version="2.1")
    resp = api.get("/v2.1/gadgets")
    assert resp.status_int == 404
    assert _fault(resp) == ("itemNotFound", "API version 2.1 is not supported on this method.")
    api.version = "2.2"
    assert api.get("/v2.1/gadgets").json == {"gadgets": []}


def test_version_above_the_apps_maximum_is_not_acceptable(gadgets_app):
    resp = client.APIClient(gadgets_app, version="2.3").get("/v2.1/gadgets/knob")
    assert resp.status_int == 406
