"""The route table router, with a small controller that exists only here."""

import json

import pytest
import webob
import webob.exc

from nova import context, exception
from nova.api import validation
from nova.api.openstack import router, wsgi


class WidgetsController:
    """Test-only resource exercising every handler convention."""

    def __init__(self):
        self.widgets = {"w1": {"id": "w1", "name": "one"}}

    def index(self, req):
        return {"widgets": sorted(self.widgets)}

    def detail(self, req):
        return {"widgets": list(self.widgets.values())}

    @wsgi.api_version("2.1", "2.4")
    def show(self, req, id):
        if id not in self.widgets:
            raise exception.NotFound(f"Widget {id} could not be found.")
        return {"widget": self.widgets[id]}

    @show.add_version("2.5")
    def show(self, req, id):  # noqa: F811
        widget = dict(self.widgets[id], color="blue")
        return {"widget": widget}

    @wsgi.response(201)
    @validation.schema({"type": "object", "required": ["widget"]})
    def create(self, req, body):
        self.widgets[body["widget"]["id"]] = body["widget"]
        return wsgi.ResponseObject({"widget": body["widget"]},
                                   headers={"Location": f"/widgets/{body['widget']['id']}"})

    @wsgi.response(204)
    def delete(self, req, id):
        self.widgets.pop(id)


def _app(max_version="2.10"):
    widgets = WidgetsController()
    return router.Router({
        "/widgets": {"GET": widgets.index, "POST": widgets.create},
        "/widgets/detail": {"GET": widgets.detail},
        "/widgets/{id}": {"GET": widgets.show, "DELETE": widgets.delete},
    }, max_version=max_version)


def _get(app, path, method="GET", body=None, headers=None, project="p1"):
    req = webob.Request.blank(path, method=method, headers=headers or {})
    if body is not None:
        req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        req.content_type = "application/json"
    req.environ[wsgi.ENV_CONTEXT] = context.RequestContext(user_id="u1", project_id=project)
    return req.get_response(app)


def test_literal_paths_win_over_templates():
    resp = _get(_app(), "/widgets/detail")
    assert resp.json == {"widgets": [{"id": "w1", "name": "one"}]}


def test_path_variables_reach_the_handler():
    assert _get(_app(), "/widgets/w1").json == {"widget": {"id": "w1", "name": "one"}}


def test_handler_variant_follows_the_negotiated_version():
    resp = _get(_app(), "/widgets/w1", headers={"OpenStack-API-Version": "compute 2.5"})
    assert resp.json["widget"]["color"] == "blue"
    assert resp.headers["OpenStack-API-Version"] == "compute 2.5"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.5"
    assert "OpenStack-API-Version" in resp.headers["Vary"]


def test_unknown_path_raises_not_found():
    with pytest.raises(webob.exc.HTTPNotFound):
        _get(_app(), "/gadgets")


def test_wrong_method_raises_405_with_allow():
    with pytest.raises(webob.exc.HTTPMethodNotAllowed) as err:
        _get(_app(), "/widgets/w1", method="PUT")
    assert err.value.headers["Allow"] == "DELETE, GET"


def test_create_gets_the_parsed_body_status_and_headers():
    app = _app()
    resp = _get(app, "/widgets", "POST", {"widget": {"id": "w2"}})
    assert resp.status_int == 201
    assert resp.headers["Location"] == "http://localhost/widgets/w2"
    assert _get(app, "/widgets").json == {"widgets": ["w1", "w2"]}


def test_delete_answers_204_with_empty_body():
    resp = _get(_app(), "/widgets/w1", "DELETE")
    assert resp.status_int == 204
    assert resp.body == b""


def test_malformed_json_is_a_bad_request():
    with pytest.raises(exception.MalformedRequestBody):
        _get(_app(), "/widgets", "POST", b"{not json")


def test_non_json_content_type_is_unsupported():
    req = webob.Request.blank("/widgets", method="POST", body=b"<widget/>")
    req.content_type = "application/xml"
    with pytest.raises(exception.InvalidContentType) as err:
        req.get_response(_app())
    assert err.value.code == 415


def test_project_id_in_the_path_is_accepted_for_the_callers_project():
    assert _get(_app(), "/p1/widgets/w1").json["widget"]["id"] == "w1"
    with pytest.raises(webob.exc.HTTPNotFound):
        _get(_app(), "/p2/widgets/w1")


def test_version_above_the_routers_maximum_is_refused():
    with pytest.raises(exception.InvalidGlobalAPIVersion):
        _get(_app(max_version="2.4"), "/widgets/w1",
             headers={"OpenStack-API-Version": "compute 2.5"})


def test_route_table_rejects_lowercase_methods():
    with pytest.raises(ValueError):
        router.Router({"/x": {"get": lambda req: None}})


class PowerController:
    @wsgi.response(202)
    def start(self, req, id, body):
        return None

    @wsgi.api_version("2.3")
    @validation.schema({"type": "object", "properties": {"reboot": {
        "type": "object", "required": ["type"]}}})
    def reboot(self, req, id, body):
        return {"rebooted": id, "type": body["reboot"]["type"]}


def _actions_app():
    power = PowerController()
    return router.Router({"/widgets/{id}/action": {"POST": router.Actions({
        "os-start": power.start, "reboot": power.reboot})}}, max_version="2.10")


def test_action_dispatches_on_the_body_key_with_its_own_status():
    resp = _get(_actions_app(), "/widgets/w1/action", "POST", {"os-start": None})
    assert resp.status_int == 202
    resp = _get(_actions_app(), "/widgets/w1/action", "POST", {"reboot": {"type": "HARD"}},
                headers={"OpenStack-API-Version": "compute 2.3"})
    assert (resp.status_int, resp.json) == (200, {"rebooted": "w1", "type": "HARD"})


def test_action_keeps_its_own_validation_and_versions():
    with pytest.raises(exception.ValidationError):
        _get(_actions_app(), "/widgets/w1/action", "POST", {"reboot": {}},
             headers={"OpenStack-API-Version": "compute 2.3"})
    with pytest.raises(exception.VersionNotFoundForAPIMethod):
        _get(_actions_app(), "/widgets/w1/action", "POST", {"reboot": {"type": "SOFT"}})


@pytest.mark.parametrize("body", [{"os-fly": None}, {"os-start": None, "reboot": {}}, ["x"]])
def test_unknown_or_ambiguous_action_is_a_bad_request(body):
    with pytest.raises(webob.exc.HTTPBadRequest):
        _get(_actions_app(), "/widgets/w1/action", "POST", body)
