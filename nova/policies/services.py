"""Policies of compute services (os-services), administrators only."""

from oslo_policy import policy

from nova.policies import base

SERVICES = "os_compute_api:os-services:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=SERVICES % "list", check_str=base.ADMIN, description="List compute services.",
        operations=[{"method": "GET", "path": "/os-services"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SERVICES % "update", check_str=base.ADMIN,
        description="Enable, disable or force down a compute service.",
        operations=[{"method": "PUT", "path": "/os-services/{service_id}"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SERVICES % "delete", check_str=base.ADMIN, description="Delete a compute service.",
        operations=[{"method": "DELETE", "path": "/os-services/{service_id}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the services rules."""
    return rules
