"""The OpenAPI document: current, complete, and served without a token."""

import json
import pathlib

import nova.conf
from nova.api.openstack import openapi
from nova.api.openstack.compute import routes

DOCUMENT = pathlib.Path(__file__).resolve().parents[3] / "doc" / "source" / "openapi.json"


def _build():
    nova.conf.CONF([], project="nova", default_config_files=[])
    return openapi.build(routes.route_table())


def test_the_checked_in_document_is_current():
    assert DOCUMENT.read_text() == openapi.as_json(_build()), (
        "doc/source/openapi.json is stale: run .venv/bin/python tools/gen-openapi.py")


def test_every_route_and_method_is_described():
    document = _build()
    for template, methods in routes.route_table().items():
        assert set(document["paths"][template]) == {m.lower() for m in methods}, template


def test_request_bodies_and_query_parameters_come_from_the_schemas():
    paths = _build()["paths"]
    flavor_body = paths["/flavors"]["post"]["requestBody"]["content"]["application/json"]
    assert "flavor" in json.dumps(flavor_body["schema"])
    actions = paths["/servers/{id}/action"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["anyOf"]
    names = {name for option in actions for name in option["required"]}
    assert {"os-stop", "reboot", "createImage", "os-getConsoleOutput"} <= names
    usage = {p["name"] for p in paths["/os-simple-tenant-usage"]["get"]["parameters"]}
    assert {"start", "end", "detailed", "limit", "marker"} <= usage


def test_draft4_exclusive_bounds_become_2020_12():
    assert openapi._to_json_schema_2020(
        {"type": "number", "minimum": 0, "exclusiveMinimum": True}) == {
        "type": "number", "exclusiveMinimum": 0}
