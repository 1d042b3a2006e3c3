"""Placement pre-filters and the build failure weigher, end to end.

Two fake compute hosts; each test turns one pre-filter on and shows that it
alone steers the boot. The scheduler's own filters are switched off
(``enabled_filters`` empty) where a filter would decide the same, so the
host is ruled out by the Placement query itself.
"""

import pytest

from nova import context as nova_context
from nova import objects
from tests.fixtures import images


@pytest.fixture
def cloud(bare_nova_cloud, conf_fixture):
    # Only the Placement query may rule a host out.
    conf_fixture.config(enabled_filters=[], group="filter_scheduler")
    return bare_nova_cloud


def _flavor(cloud, flavor_id="1", ram=128, disk=1, extra_specs=None):
    resp = cloud.admin_api.post("/v2.1/flavors", {"flavor": {
        "name": f"f{flavor_id}", "ram": ram, "vcpus": 1, "disk": disk, "id": flavor_id}})
    assert resp.status_code == 200, resp.text
    if extra_specs:
        resp = cloud.admin_api.post(f"/v2.1/flavors/{flavor_id}/os-extra_specs",
                                    {"extra_specs": extra_specs})
        assert resp.status_code == 200, resp.text
    return flavor_id


def _boot(cloud, flavor_id="1", image_id=images.IMAGE_ID, api=None, status="ACTIVE"):
    resp = (api or cloud.api).post("/v2.1/servers", {"server": {
        "name": "vm", "flavorRef": flavor_id, "imageRef": image_id}})
    assert resp.status_code == 202, resp.text
    server = cloud.wait_for_server_status(resp.json()["server"]["id"], status,
                                          api=cloud.admin_api)
    return server["OS-EXT-SRV-ATTR:host"]


def _traits(cloud, host):
    rp = cloud.provider_uuid(host)
    return set(cloud._placement_get(f"/resource_providers/{rp}/traits",
                                    microversion="1.6")["traits"])


def _aggregate(cloud, name, host, metadata):
    resp = cloud.admin_api.post("/v2.1/os-aggregates", {"aggregate": {"name": name}})
    assert resp.status_code == 200, resp.text
    agg_id = resp.json()["aggregate"]["id"]
    for action, value in (("add_host", {"host": host}),
                          ("set_metadata", {"metadata": metadata})):
        resp = cloud.admin_api.post(f"/v2.1/os-aggregates/{agg_id}/action", {action: value})
        assert resp.status_code == 200, resp.text
    return agg_id


def _service(cloud, action, host):
    resp = cloud.admin_api.put(f"/v2.1/os-services/{action}",
                               {"host": host, "binary": "nova-compute"})
    assert resp.status_code == 200, resp.text


def test_disabled_compute_is_not_a_candidate(cloud):
    cloud.start_compute("compute1")
    cloud.start_compute("compute2")
    _flavor(cloud)
    _service(cloud, "disable", "compute1")
    assert "COMPUTE_STATUS_DISABLED" in _traits(cloud, "compute1")
    assert "COMPUTE_STATUS_DISABLED" not in _traits(cloud, "compute2")
    assert [_boot(cloud) for _ in range(3)] == ["compute2"] * 3

    _service(cloud, "enable", "compute1")
    assert "COMPUTE_STATUS_DISABLED" not in _traits(cloud, "compute1")
    # compute1 now has the most free room: the weighers pick it.
    assert _boot(cloud) == "compute1"


def test_compute_sets_the_disabled_trait_from_its_service(cloud):
    cloud.start_compute("compute1")
    ctxt = nova_context.get_admin_context()
    cell1 = cloud.cells.cell1
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        service = objects.Service.get_by_compute_host(cctxt, "compute1")
        service.disabled = True
        service.save()
    compute = cloud.plane.computes["compute1"]
    compute.manager.update_available_resource(ctxt)
    assert "COMPUTE_STATUS_DISABLED" in _traits(cloud, "compute1")
    # The operator's traits stay when nova updates its own.
    assert {"COMPUTE_IMAGE_TYPE_RAW", "COMPUTE_IMAGE_TYPE_QCOW2"} <= _traits(cloud, "compute1")


def test_tenant_isolation_steers_boot(cloud, conf_fixture):
    conf_fixture.config(limit_tenants_to_placement_aggregate=True, group="scheduler")
    cloud.start_compute("compute1")
    cloud.start_compute("compute2", driver="fake.SmallFakeDriver")
    _flavor(cloud)
    # Without isolation the roomier compute1 wins.
    assert _boot(cloud) == "compute1"
    _aggregate(cloud, "tenant-agg", "compute2", {"filter_tenant_id": "demo-project"})
    assert [_boot(cloud), _boot(cloud)] == ["compute2", "compute2"]
    # Other projects still go anywhere ...
    assert _boot(cloud, api=cloud.admin_api) == "compute1"
    # ... unless every project must have an aggregate.
    conf_fixture.config(placement_aggregate_required_for_tenants=True, group="scheduler")
    assert _boot(cloud, api=cloud.admin_api, status="ERROR") is None


def test_image_type_support(cloud, conf_fixture):
    cloud.start_compute("compute1")
    cloud.start_compute("compute2", driver="fake.RawOnlyFakeDriver")
    assert {t for t in _traits(cloud, "compute2") if t.startswith("COMPUTE_IMAGE_TYPE_")} \
        == {"COMPUTE_IMAGE_TYPE_RAW"}
    _flavor(cloud, ram=1024, disk=2)
    # Stack: the fullest host wins. One boot on compute2 makes it that host.
    for resource in ("ram", "cpu", "disk"):
        conf_fixture.config(**{f"{resource}_weight_multiplier": -1.0},
                            group="filter_scheduler")
    _service(cloud, "disable", "compute1")
    assert _boot(cloud) == "compute2"
    _service(cloud, "enable", "compute1")
    # Without the pre-filter the qcow2 image goes to compute2 as well ...
    assert _boot(cloud, image_id=images.LARGE_IMAGE_ID) == "compute2"
    # ... with it, only compute1 reports COMPUTE_IMAGE_TYPE_QCOW2.
    conf_fixture.config(query_placement_for_image_type_support=True, group="scheduler")
    assert _boot(cloud, image_id=images.LARGE_IMAGE_ID) == "compute1"
    assert _boot(cloud) == "compute2"  # raw still goes to the fullest host


def test_isolated_aggregate(cloud, conf_fixture):
    conf_fixture.config(enable_isolated_aggregate_filtering=True, group="scheduler")
    cloud.start_compute("compute1")
    cloud.start_compute("compute2", driver="fake.SmallFakeDriver")
    adapter = cloud.placement.adapter
    assert adapter.put("/traits/CUSTOM_GOLD", microversion="1.6").status_code in (201, 204)
    rp = cloud.provider_uuid("compute1")
    current = adapter.get(f"/resource_providers/{rp}/traits", microversion="1.6").json()
    resp = adapter.put(f"/resource_providers/{rp}/traits", json={
        "resource_provider_generation": current["resource_provider_generation"],
        "traits": current["traits"] + ["CUSTOM_GOLD"]}, microversion="1.6")
    assert resp.status_code == 200, resp.text
    _flavor(cloud, "1")
    _flavor(cloud, "2", extra_specs={"trait:CUSTOM_GOLD": "required"})
    _aggregate(cloud, "gold", "compute1", {"trait:CUSTOM_GOLD": "required"})
    # compute1 has far more room, but it is kept for gold requests.
    assert [_boot(cloud, "1"), _boot(cloud, "1")] == ["compute2", "compute2"]
    assert _boot(cloud, "2") == "compute1"
    # Its trait stays after the compute updates the traits nova owns.
    cloud.plane.computes["compute1"].manager.update_available_resource(
        nova_context.get_admin_context())
    assert "CUSTOM_GOLD" in _traits(cloud, "compute1")


def _failed_builds(cloud, host):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, cloud.cells.cell1) as cctxt:
        (node,) = objects.ComputeNodeList.get_by_host(cctxt, host)
    return int((node.stats or {}).get("failed_builds") or 0)


def test_build_failures_send_builds_elsewhere(bare_nova_cloud):
    cloud = bare_nova_cloud
    # The broken host has the most free RAM: the resource weighers prefer it.
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    cloud.start_compute("small", driver="fake.SmallFakeDriver")
    _flavor(cloud)
    assert _boot(cloud) == "small"  # tried broken first, rescheduled
    assert _failed_builds(cloud, "broken") == 1
    assert _failed_builds(cloud, "small") == 0
    # Now the failure outweighs the free RAM: no second try on broken.
    assert _boot(cloud) == "small"
    assert _failed_builds(cloud, "broken") == 1
