"""os:scheduler_hints of POST /servers: what the schema takes, what the spec keeps."""

import json

import pytest

from nova import exception
from nova.api.openstack.compute.schemas import servers as schema
from nova.api.validation import validators
from nova.compute import api as compute_api

UUID = "9a6f2b8e-2f7d-4c3b-a7c1-5a1b2c3d4e5f"


def _valid(hints):
    body = {"server": {"name": "s", "flavorRef": "1", "imageRef": UUID},
            "os:scheduler_hints": hints}
    for version_schema in (schema.create, schema.create_v219):
        try:
            validators.SchemaValidator(version_schema, is_body=True).validate(body)
        except exception.ValidationError:
            return False
    return True


@pytest.mark.parametrize("hints, ok", [
    ({"same_host": UUID}, True),
    ({"same_host": [UUID, UUID]}, True),
    ({"same_host": "not-a-uuid"}, False),
    ({"different_host": [UUID]}, True),
    ({"different_host": ["x"]}, False),
    ({"different_host": 5}, False),
    ({"query": '[">=", "$free_ram_mb", 1024]'}, True),
    ({"query": [">=", "$free_ram_mb", 1024]}, True),
    ({"query": 5}, False),
    ({"build_near_host_ip": "192.0.2.1", "cidr": "/24"}, True),
    ({"build_near_host_ip": "2001:db8::1", "cidr": "/64"}, True),
    ({"build_near_host_ip": "not-an-ip"}, False),
    ({"build_near_host_ip": "192.0.2.1", "cidr": "24"}, False),
    ({"group": UUID, "my_own_filter_hint": "x"}, True),
])
def test_hint_schema(hints, ok):
    assert _valid(hints) is ok


def test_spec_hints_are_lists_of_strings_with_json_queries_as_text():
    query = ["and", [">=", "$free_ram_mb", 1024]]
    hints = compute_api._spec_hints({
        "same_host": UUID, "different_host": [UUID, UUID], "query": query,
        "cidr": "/24", "custom": {"a": 1}})
    assert hints["same_host"] == [UUID]
    assert hints["different_host"] == [UUID, UUID]
    assert json.loads(hints["query"][0]) == query
    assert hints["cidr"] == ["/24"]
    assert json.loads(hints["custom"][0]) == {"a": 1}
    assert compute_api._spec_hints(None) == {}
