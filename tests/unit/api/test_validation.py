"""Request body and query string validation decorators."""

import pytest

from nova import exception
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import wsgi
from nova.api.validation import parameter_types

FLAVOR = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "ram": parameter_types.positive_integer,
                "id": parameter_types.uuid,
                "is_public": parameter_types.boolean,
            },
            "required": ["name", "ram"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

FLAVOR_V255 = {
    "type": "object",
    "properties": {"flavor": {"type": "object", "properties": {
        "description": parameter_types.description}, "additionalProperties": True}},
    "required": ["flavor"],
}

QUERY = {
    "type": "object",
    "properties": {
        "limit": parameter_types.single_param(parameter_types.non_negative_integer),
        "marker": parameter_types.single_param({"type": "string"}),
    },
    "patternProperties": {"^_": {"type": "array"}},
    "additionalProperties": True,
}

STRICT_QUERY = dict(QUERY, additionalProperties=False)


class Controller:
    @validation.schema(FLAVOR, "2.1", "2.54")
    @validation.schema(FLAVOR_V255, "2.55")
    def create(self, req, body):
        return body

    @validation.query_schema(QUERY)
    def index(self, req):
        return req.GET.dict_of_lists()

    @validation.query_schema(STRICT_QUERY)
    def strict_index(self, req):
        return req.GET.dict_of_lists()


def _req(version="2.1", query=""):
    req = wsgi.Request.blank("/flavors" + query)
    req.api_version_request = avr.APIVersionRequest(version)
    return req


def _error(func, *args, **kwargs):
    with pytest.raises(exception.ValidationError) as err:
        func(*args, **kwargs)
    assert err.value.code == 400
    return err.value.format_message()


def test_valid_body_reaches_the_handler():
    body = {"flavor": {"name": "m1.tiny", "ram": 512, "is_public": "true"}}
    assert Controller().create(_req(), body=body) == body


def test_message_names_the_nested_field():
    message = _error(Controller().create, _req(), body={"flavor": {"name": "x", "ram": "many"}})
    assert "flavor.ram" in message
    assert "'many'" in message


def test_missing_required_property_is_named():
    message = _error(Controller().create, _req(), body={"flavor": {"name": "x"}})
    assert "'ram' is a required property" in message


def test_unexpected_property_is_named():
    message = _error(Controller().create, _req(),
                     body={"flavor": {"name": "x", "ram": 1, "color": "red"}})
    assert "color" in message


def test_missing_body_is_refused():
    assert "None is not of type 'object'" in _error(Controller().create, _req(), body=None)


@pytest.mark.parametrize("name", [" leading", "trailing ", "tab\tinside", ""])
def test_name_format_refuses_spaces_at_the_ends_and_control_characters(name):
    _error(Controller().create, _req(), body={"flavor": {"name": name, "ram": 1}})


def test_uuid_format_is_checked():
    message = _error(Controller().create, _req(),
                     body={"flavor": {"name": "x", "ram": 1, "id": "not-a-uuid"}})
    assert "flavor.id" in message
    assert "uuid" in message


def test_schema_follows_the_microversion_range():
    # 2.55's schema allows a description and extra keys; 2.1's refuses them.
    body = {"flavor": {"description": "small", "anything": 1}}
    assert Controller().create(_req("2.55"), body=body) == body
    _error(Controller().create, _req("2.54"), body=body)


def test_query_parameters_are_validated_as_lists():
    message = _error(Controller().index, _req(query="?limit=abc"))
    assert "query parameter limit" in message
    _error(Controller().index, _req(query="?limit=1&limit=2"))


def test_undeclared_query_parameters_are_dropped_when_allowed():
    result = Controller().index(_req(query="?limit=5&color=red&_x=1"))
    assert result == {"limit": ["5"], "_x": ["1"]}


def test_undeclared_query_parameters_are_refused_when_the_schema_says_so():
    message = _error(Controller().strict_index, _req(query="?color=red"))
    assert "color" in message


def test_response_validation_error_mode_fails_the_request(api_conf):
    api_conf.config(response_validation="error", group="api")

    @validation.response_body_schema({"type": "object", "required": ["flavor"]})
    def show(req):
        return {"flavour": {}}

    with pytest.raises(exception.NovaException) as err:
        show(_req())
    assert err.value.code == 500


def test_response_validation_warn_mode_returns_the_body(api_conf):
    api_conf.config(response_validation="warn", group="api")

    @validation.response_body_schema({"type": "object", "required": ["flavor"]})
    def show(req):
        return {"flavour": {}}

    assert show(_req()) == {"flavour": {}}
