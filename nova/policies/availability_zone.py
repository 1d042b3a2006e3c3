"""Policies of availability zones (os-availability-zone)."""

from oslo_policy import policy

from nova.policies import base

AVAILABILITY_ZONE = "os_compute_api:os-availability-zone:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=AVAILABILITY_ZONE % "list", check_str=base.RULE_ANY,
        description="List availability zones and whether each is available.",
        operations=[{"method": "GET", "path": "/os-availability-zone"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=AVAILABILITY_ZONE % "detail", check_str=base.ADMIN,
        description="List availability zones with their hosts and services.",
        operations=[{"method": "GET", "path": "/os-availability-zone/detail"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the availability zone rules."""
    return rules
