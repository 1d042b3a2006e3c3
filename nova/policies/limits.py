"""Policies of /limits."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name="os_compute_api:limits", check_str=base.RULE_ANY,
        description="Show the caller's rate and absolute limits.",
        operations=[{"method": "GET", "path": "/limits"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name="os_compute_api:limits:other_project", check_str=base.ADMIN,
        description="Show the limits of another project (tenant_id query parameter).",
        operations=[{"method": "GET", "path": "/limits"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the limits rules."""
    return rules
