"""Placement pre-filters: what each adds to the allocation candidates query."""

import types
from unittest import mock

import pytest

from nova import conf as nova_conf
from nova import exception, objects
from nova.scheduler import request_filter
from nova.scheduler.client import report

CONF = nova_conf.CONF


def _agg(uuid, **metadata):
    return types.SimpleNamespace(uuid=uuid, metadata=metadata)


def _spec(**kw):
    values = dict(flavor={"extra_specs": {}}, image={"properties": {}, "disk_format": "raw"},
                  project_id="p1", availability_zone=None)
    values.update(kw)
    return values


@pytest.fixture
def scheduler_conf():
    touched = []

    def override(**values):
        for name, value in values.items():
            CONF.set_override(name, value, group="scheduler")
            touched.append(name)
    yield override
    for name in touched:
        CONF.clear_override(name, group="scheduler")


@pytest.fixture
def aggregates():
    found = []
    with mock.patch.object(objects.AggregateList, "get_all", return_value=found):
        yield found


def _query(spec):
    return request_filter.build_query(None, spec, {"VCPU": 1})


def test_defaults_only_forbid_disabled_computes(aggregates):
    query = _query(_spec())
    assert query.candidates_kwargs() == {
        "required_traits": None, "forbidden_traits": ["COMPUTE_STATUS_DISABLED"],
        "member_of": None, "forbidden_aggregates": None}


def test_flavor_and_image_traits_join_the_query(aggregates):
    spec = _spec(flavor={"extra_specs": {"trait:CUSTOM_A": "required",
                                         "trait:CUSTOM_B": "forbidden", "hw:x": "1"}},
                 image={"properties": {"trait:CUSTOM_C": "required",
                                       "trait:CUSTOM_A": "forbidden"}})
    query = _query(spec)
    assert query.required_traits == {"CUSTOM_A", "CUSTOM_C"}  # the flavor wins on A
    assert query.forbidden_traits == {"CUSTOM_B", "COMPUTE_STATUS_DISABLED"}


def test_tenant_isolation(aggregates, scheduler_conf):
    aggregates += [_agg("a1", filter_tenant_id="p1"), _agg("a2", filter_tenant_id2="p1"),
                   _agg("a3", filter_tenant_id="p2")]
    assert _query(_spec()).member_of == []  # off by default
    scheduler_conf(limit_tenants_to_placement_aggregate=True)
    assert _query(_spec()).member_of == [["a1", "a2"]]
    assert _query(_spec(project_id="p9")).member_of == []
    scheduler_conf(placement_aggregate_required_for_tenants=True)
    with pytest.raises(exception.NoValidHost, match="p9"):
        _query(_spec(project_id="p9"))


def test_image_type(aggregates, scheduler_conf):
    assert not _query(_spec()).required_traits
    scheduler_conf(query_placement_for_image_type_support=True)
    assert _query(_spec()).required_traits == {"COMPUTE_IMAGE_TYPE_RAW"}
    assert not _query(_spec(image={"properties": {}})).required_traits  # volume boot
    assert not _query(_spec(image={"disk_format": "weird"})).required_traits


def test_isolated_aggregates(aggregates, scheduler_conf):
    aggregates += [_agg("gold", **{"trait:CUSTOM_GOLD": "required"}),
                   _agg("both", **{"trait:CUSTOM_GOLD": "required",
                                   "trait:CUSTOM_SSD": "required"}),
                   _agg("plain", color="blue")]
    assert not _query(_spec()).forbidden_aggregates
    scheduler_conf(enable_isolated_aggregate_filtering=True)
    assert _query(_spec()).forbidden_aggregates == {"gold", "both"}
    gold = _spec(flavor={"extra_specs": {"trait:CUSTOM_GOLD": "required"}})
    assert _query(gold).forbidden_aggregates == {"both"}


def test_member_of_groups_become_repeated_parameters():
    assert report._member_of_params(["b", "a"], None) == [("member_of", "in:a,b")]
    assert report._member_of_params([["a"], ["c", "b"]], {"x"}) == [
        ("member_of", "in:a"), ("member_of", "in:b,c"), ("member_of", "!in:x")]
