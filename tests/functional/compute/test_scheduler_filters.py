"""Scheduler filters and hints end to end: two compute hosts, the REST API.

What ``openstack server create --hint same_host=...``, ``--hint
different_host=...``, ``--hint query=...`` send, the isolated hosts
options, and flavor extra specs matched against aggregate metadata set
through os-aggregates: each server lands where upstream's filter puts it,
and a request no host satisfies ends in ERROR with "No valid host".
"""

import json

import pytest

from nova.conf import CONF
from tests.fixtures import images

DEFAULT_FILTERS = ["ComputeFilter", "ComputeCapabilitiesFilter", "ImagePropertiesFilter",
                   "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter"]


@pytest.fixture
def cloud(bare_nova_cloud, conf_fixture):
    """Two equal compute hosts, flavor "1" (128 MiB) and "2" (1 GiB, 2 GiB disk)."""
    bare_nova_cloud.start_compute("compute1")
    bare_nova_cloud.start_compute("compute2")
    bare_nova_cloud.create_flavor(name="m1.tiny", ram=128, vcpus=1, disk=1, flavor_id="1")
    bare_nova_cloud.create_flavor(name="m1.large", ram=1024, vcpus=1, disk=2, flavor_id="2")
    return bare_nova_cloud


def _filters(conf_fixture, *names):
    conf_fixture.config(enabled_filters=DEFAULT_FILTERS + list(names),
                        group="filter_scheduler")


def _boot(cloud, hints=None, flavor="1", image=images.IMAGE_ID, name="vm"):
    body = {"server": {"name": name, "flavorRef": flavor, "imageRef": image}}
    if hints is not None:
        body["os:scheduler_hints"] = hints
    resp = cloud.api.post("/v2.1/servers", body)
    assert resp.status_code == 202, resp.text
    return resp.json()["server"]["id"]


def _host_of(cloud, server_id):
    return cloud.wait_for_server_status(server_id, "ACTIVE")["OS-EXT-SRV-ATTR:host"]


def _no_valid_host(cloud, server_id):
    server = cloud.wait_for_server_status(server_id, "ERROR")
    assert "No valid host" in server["fault"]["message"], server["fault"]


def _other(host):
    return {"compute1": "compute2", "compute2": "compute1"}[host]


def test_same_host_and_different_host_hints(cloud, conf_fixture):
    _filters(conf_fixture, "SameHostFilter", "DifferentHostFilter")
    first = _boot(cloud, name="first")
    host = _host_of(cloud, first)
    for _ in range(2):
        assert _host_of(cloud, _boot(cloud, {"same_host": first})) == host
        assert _host_of(cloud, _boot(cloud, {"different_host": [first]})) == _other(host)
    # Both hosts excluded: nothing left.
    second = _boot(cloud, {"different_host": [first]}, name="second")
    _host_of(cloud, second)
    _no_valid_host(cloud, _boot(cloud, {"different_host": [first, second]}))


def test_host_hints_are_ignored_without_their_filters(cloud):
    first = _boot(cloud, name="first")
    _host_of(cloud, first)
    # Default filters: the hint is accepted and has no effect on success.
    _host_of(cloud, _boot(cloud, {"different_host": first, "same_host": first}))


def test_bad_hints_are_refused_with_400(cloud):
    body = {"server": {"name": "vm", "flavorRef": "1", "imageRef": images.IMAGE_ID},
            "os:scheduler_hints": {"same_host": "not-a-uuid"}}
    resp = cloud.api.post("/v2.1/servers", body)
    assert resp.status_code == 400, resp.text
    assert "same_host" in resp.json()["badRequest"]["message"]
    body["os:scheduler_hints"] = {"build_near_host_ip": "192.0.2.1", "cidr": "24"}
    assert cloud.api.post("/v2.1/servers", body).status_code == 400


@pytest.mark.parametrize("as_text", [True, False])
def test_json_filter_query(cloud, conf_fixture, as_text):
    _filters(conf_fixture, "JsonFilter")
    for target in ("compute2", "compute1", "compute2"):
        query = ["and", ["=", "$host", target], [">=", "$free_ram_mb", 128]]
        hint = json.dumps(query) if as_text else query
        assert _host_of(cloud, _boot(cloud, {"query": hint})) == target
    _no_valid_host(cloud, _boot(cloud, {"query": json.dumps([">", "$free_ram_mb", 10**9])}))


def test_isolated_hosts(cloud, conf_fixture):
    _filters(conf_fixture, "IsolatedHostsFilter")
    conf_fixture.config(isolated_images=[images.LARGE_IMAGE_ID], isolated_hosts=["compute1"],
                        group="filter_scheduler")
    # The RAM weigher alone would spread the plain servers over both hosts.
    for _ in range(3):
        assert _host_of(cloud, _boot(cloud)) == "compute2"
    for _ in range(2):
        assert _host_of(cloud, _boot(cloud, flavor="2", image=images.LARGE_IMAGE_ID)) == \
            "compute1"


def _aggregate(cloud, name, host, metadata):
    resp = cloud.admin_api.post("/v2.1/os-aggregates", {"aggregate": {"name": name}})
    assert resp.status_code == 200, resp.text
    agg_id = resp.json()["aggregate"]["id"]
    for action, value in (("add_host", {"host": host}),
                          ("set_metadata", {"metadata": metadata})):
        resp = cloud.admin_api.post(f"/v2.1/os-aggregates/{agg_id}/action", {action: value})
        assert resp.status_code == 200, resp.text
    return agg_id


def _flavor_with_specs(cloud, flavor_id, specs):
    cloud.create_flavor(name=f"f{flavor_id}", ram=128, vcpus=1, disk=1, flavor_id=flavor_id)
    resp = cloud.admin_api.post(f"/v2.1/flavors/{flavor_id}/os-extra_specs",
                                {"extra_specs": specs})
    assert resp.status_code == 200, resp.text


def test_aggregate_instance_extra_specs(cloud, conf_fixture):
    _filters(conf_fixture, "AggregateInstanceExtraSpecsFilter")
    _aggregate(cloud, "fast", "compute2", {"ssd": "true", "speed": "10"})
    _flavor_with_specs(cloud, "ssd", {"aggregate_instance_extra_specs:ssd": "true"})
    _flavor_with_specs(cloud, "quick", {"aggregate_instance_extra_specs:speed": ">= 5"})
    _flavor_with_specs(cloud, "hdd", {"aggregate_instance_extra_specs:ssd": "false"})
    for _ in range(2):
        assert _host_of(cloud, _boot(cloud, flavor="ssd")) == "compute2"
        assert _host_of(cloud, _boot(cloud, flavor="quick")) == "compute2"
    _no_valid_host(cloud, _boot(cloud, flavor="hdd"))
    # A flavor without such extra specs goes anywhere.
    hosts = {_host_of(cloud, _boot(cloud)) for _ in range(4)}
    assert "compute1" in hosts


def test_cidr_affinity(cloud, conf_fixture):
    _filters(conf_fixture, "SimpleCIDRAffinityFilter")
    # The fake hosts all report [DEFAULT] my_ip as their address.
    _host_of(cloud, _boot(cloud, {"build_near_host_ip": CONF.my_ip, "cidr": "/32"}))
    far = "198.51.100.1" if not CONF.my_ip.startswith("198.51.100.") else "203.0.113.1"
    _no_valid_host(cloud, _boot(cloud, {"build_near_host_ip": far, "cidr": "/24"}))


def test_num_instances_filter_counts_instances_per_host(cloud, conf_fixture):
    _filters(conf_fixture, "NumInstancesFilter")
    conf_fixture.config(max_instances_per_host=1, group="filter_scheduler")
    hosts = {_host_of(cloud, _boot(cloud, name=f"vm{i}")) for i in range(2)}
    assert hosts == {"compute1", "compute2"}
    _no_valid_host(cloud, _boot(cloud, name="third"))
