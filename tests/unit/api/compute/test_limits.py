"""The /limits view builder."""

from nova import quota
from nova.api.openstack.compute.views import limits as views

LIMITS = {name: index for index, name in enumerate(quota.RESOURCES)}


def test_network_limits_only_when_asked():
    usage = {"instances": 3, "cores": 4, "ram": 5, "server_groups": 6}
    old = views.build(LIMITS, usage, include_network=True)["limits"]
    new = views.build(LIMITS, usage, include_network=False)["limits"]
    assert old["rate"] == [] == new["rate"]
    assert set(old["absolute"]) - set(new["absolute"]) == {
        "maxSecurityGroups", "maxSecurityGroupRules", "maxTotalFloatingIps",
        "totalSecurityGroupsUsed", "totalFloatingIpsUsed"}
    assert old["absolute"]["maxTotalFloatingIps"] == -1
    assert new["absolute"]["maxTotalKeypairs"] == LIMITS["key_pairs"]
    assert new["absolute"]["maxPersonalitySize"] == LIMITS["injected_file_content_bytes"]
    assert (new["absolute"]["totalInstancesUsed"], new["absolute"]["totalCoresUsed"],
            new["absolute"]["totalRAMUsed"], new["absolute"]["totalServerGroupsUsed"]) == \
        (3, 4, 5, 6)


def test_network_limits_set_in_the_quota_table_are_shown():
    limits = dict(LIMITS, floating_ips=9)
    body = views.build(limits, {}, include_network=True)
    assert body["limits"]["absolute"]["maxTotalFloatingIps"] == 9
    assert body["limits"]["absolute"]["totalInstancesUsed"] == 0
