"""Views and schemas of /os-aggregates and /os-availability-zone."""

import datetime

import jsonschema
import pytest

from nova import exception
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import aggregates as schema
from nova.api.openstack.compute.views import aggregates as views
from nova.api.openstack.compute.views import availability_zones as az_views
from nova.api.validation import validators
from nova.objects import aggregate as aggregate_obj
from nova.objects import service as service_obj

T1 = datetime.datetime(2024, 1, 1, 10, 0, tzinfo=datetime.UTC)
T2 = datetime.datetime(2024, 1, 1, 11, 0, tzinfo=datetime.UTC)
UUID = "a4d2b7a6-1c1e-4c83-8d52-0a3b0b8b5e57"


def _req(version):
    req = wsgi.Request.blank("/v2.1/os-aggregates")
    req.api_version_request = avr.APIVersionRequest(version)
    return req


def _aggregate(**values):
    base = dict(id=3, uuid=UUID, name="agg1", hosts=["c1"],
                metadata={"availability_zone": "z1", "ssd": "true"},
                created_at=T1, updated_at=None)
    base.update(values)
    return aggregate_obj.Aggregate(**base)


def test_aggregate_view_shapes():
    body = views.show(_req("2.1"), _aggregate())["aggregate"]
    assert body == {"id": 3, "name": "agg1", "availability_zone": "z1", "created_at": T1,
                    "updated_at": None, "deleted_at": None, "deleted": False,
                    "hosts": ["c1"], "metadata": {"availability_zone": "z1", "ssd": "true"}}
    created = views.show(_req("2.1"), _aggregate(metadata={}), with_members=False)
    assert "hosts" not in created["aggregate"] and "metadata" not in created["aggregate"]
    assert created["aggregate"]["availability_zone"] is None


def test_uuid_only_from_2_41():
    assert "uuid" not in views.index(_req("2.37"), [_aggregate()])["aggregates"][0]
    assert views.index(_req("2.41"), [_aggregate()])["aggregates"][0]["uuid"] == UUID


def _valid(body_schema, body):
    try:
        validators.SchemaValidator(body_schema, is_body=True).validate(body)
    except exception.ValidationError:
        return False
    return True


@pytest.mark.parametrize(("zone", "ok"), [
    ("z1", True), (None, True), ("z:1", False), ("", False), (" z1", False),
    ("z" * 256, False), (7, False)])
def test_zone_names(zone, ok):
    body = {"aggregate": {"name": "agg", "availability_zone": zone}}
    assert _valid(schema.create, body) is ok


def test_update_needs_name_or_zone():
    assert not _valid(schema.update, {"aggregate": {}})
    assert _valid(schema.update, {"aggregate": {"availability_zone": "z"}})
    assert not _valid(schema.update, {"aggregate": {"name": "n", "hosts": []}})


def test_host_actions_and_metadata():
    assert _valid(schema.add_host, {"add_host": {"host": "c1"}})
    assert not _valid(schema.add_host, {"add_host": {}})
    assert not _valid(schema.remove_host, {"remove_host": {"host": "c1", "x": 1}})
    assert _valid(schema.set_metadata, {"set_metadata": {"metadata": {"a": None, "b": "c"}}})
    assert not _valid(schema.set_metadata, {"set_metadata": {"metadata": {"a": 1}}})
    assert not _valid(schema.set_metadata, {"set_metadata": {"metadata": {"a/b": "c"}}})


def _service(host, binary, zone, **values):
    base = dict(id=1, host=host, binary=binary, availability_zone=zone, disabled=False,
                updated_at=T1, last_seen_up=T2)
    base.update(values)
    return service_obj.Service(**base)


def test_zone_list_hides_the_internal_zone():
    body = az_views.index(["internal", "nova", "z1"], ["z2"], "internal")
    assert body == {"availabilityZoneInfo": [
        {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None},
        {"zoneName": "z1", "zoneState": {"available": True}, "hosts": None},
        {"zoneName": "z2", "zoneState": {"available": False}, "hosts": None}]}


def test_zone_detail_lists_enabled_services_by_host():
    services = [_service("ctl", "nova-conductor", "internal"),
                _service("c1", "nova-compute", "nova"),
                _service("c2", "nova-compute", "z2", disabled=True)]
    body = az_views.detail(["internal", "nova"], ["z2"], services,
                           lambda s: s.host != "c1")
    assert body["availabilityZoneInfo"] == [
        {"zoneName": "internal", "zoneState": {"available": True},
         "hosts": {"ctl": {"nova-conductor": {"available": True, "active": True,
                                              "updated_at": T2}}}},
        {"zoneName": "nova", "zoneState": {"available": True},
         "hosts": {"c1": {"nova-compute": {"available": False, "active": True,
                                           "updated_at": T2}}}},
        {"zoneName": "z2", "zoneState": {"available": False}, "hosts": None}]


def test_jsonschema_is_draft4():
    # The schemas use only draft 4 keywords the validator understands.
    jsonschema.Draft4Validator.check_schema(schema.create)
    jsonschema.Draft4Validator.check_schema(schema.set_metadata)
