"""PlacementFixture sets CONF.placement while up and undoes only that."""

import uuid

from nova import context as nova_context
from nova.conf import CONF
from nova.scheduler.client import report
from tests.fixtures.placement import PlacementFixture


def test_fixture_points_conf_at_service_and_cleans_up():
    CONF.set_override("max_placement_results", 7, group="scheduler")
    try:
        fixture = PlacementFixture()
        fixture.setUp()
        try:
            assert CONF.placement.auth_type == "admin_token"
            assert CONF.placement.endpoint == fixture.url
            ctx = nova_context.get_admin_context()
            rp_uuid = str(uuid.uuid4())
            report.SchedulerReportClient().ensure_resource_provider(ctx, rp_uuid, "n1")
        finally:
            fixture.cleanUp()
        assert CONF.placement.auth_type is None
        # Someone else's override survives our cleanup.
        assert CONF.scheduler.max_placement_results == 7
    finally:
        CONF.clear_override("max_placement_results", group="scheduler")


def test_each_fixture_gets_a_fresh_database():
    ctx = nova_context.get_admin_context()
    rp_uuid = str(uuid.uuid4())
    with PlacementFixture() as first:
        report.SchedulerReportClient(first.adapter).ensure_resource_provider(ctx, rp_uuid, "a")
    with PlacementFixture() as second:
        client = report.SchedulerReportClient(second.adapter)
        assert client.get_resource_provider(ctx, rp_uuid) is None
        # Standard traits and resource classes are synced into the new database.
        resp = client.get(ctx, "/traits?name=startswith:HW_CPU_X86_AVX", "1.6")
        assert "HW_CPU_X86_AVX2" in resp.json()["traits"]
