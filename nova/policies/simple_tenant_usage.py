"""Policies of /os-simple-tenant-usage (targets: the project asked about)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-simple-tenant-usage:%s"
LIST = BASE % "list"
SHOW = BASE % "show"

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.ADMIN,
        description="List the usage of every project.",
        operations=[{"method": "GET", "path": "/os-simple-tenant-usage"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show the usage of one project.",
        operations=[{"method": "GET", "path": "/os-simple-tenant-usage/{tenant_id}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-simple-tenant-usage rules."""
    return rules
