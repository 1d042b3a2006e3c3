"""Policies of quota classes (os-quota-class-sets): administrators only."""

from oslo_policy import policy

from nova.policies import base

QUOTA_CLASS_SETS = "os_compute_api:os-quota-class-sets:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=QUOTA_CLASS_SETS % "show", check_str=base.ADMIN,
        description="Show the limits of a quota class.",
        operations=[{"method": "GET", "path": "/os-quota-class-sets/{quota_class}"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=QUOTA_CLASS_SETS % "update", check_str=base.ADMIN,
        description="Update the limits of a quota class (the class 'default' "
                    "replaces the [quota] defaults).",
        operations=[{"method": "PUT", "path": "/os-quota-class-sets/{quota_class}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the quota class set rules."""
    return rules
