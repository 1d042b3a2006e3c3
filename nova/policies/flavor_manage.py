"""Policies of creating and deleting flavors (administrators).

Listing and showing flavors has no rule, as upstream: every authenticated
user may read public flavors (private ones need os-flavor-access).
"""

from oslo_policy import policy

from nova.policies import base

FLAVOR_MANAGE = "os_compute_api:os-flavor-manage:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % "create", check_str=base.ADMIN,
        description="Create a flavor.",
        operations=[{"method": "POST", "path": "/flavors"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % "delete", check_str=base.ADMIN,
        description="Delete a flavor.",
        operations=[{"method": "DELETE", "path": "/flavors/{flavor_id}"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=FLAVOR_MANAGE % "update", check_str=base.ADMIN,
        description="Update a flavor's description (2.55).",
        operations=[{"method": "PUT", "path": "/flavors/{flavor_id}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the flavor management rules."""
    return rules
