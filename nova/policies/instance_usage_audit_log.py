"""Policies of /os-instance-usage-audit-log (administrators only, as upstream)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-instance-usage-audit-log:%s"
LIST = BASE % "list"
SHOW = BASE % "show"

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.ADMIN,
        description="Show the instance usage audit of the last completed period.",
        operations=[{"method": "GET", "path": "/os-instance-usage-audit-log"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN,
        description="Show the instance usage audit of the period before a time.",
        operations=[{"method": "GET",
                     "path": "/os-instance-usage-audit-log/{before_timestamp}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-instance-usage-audit-log rules."""
    return rules
