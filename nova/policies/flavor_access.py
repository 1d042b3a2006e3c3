"""Policies of private flavor access (os-flavor-access)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-flavor-access"
_ACTION = "/flavors/{flavor_id}/action"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE, check_str=base.ADMIN,
        description="List the projects that can use a private flavor, and list "
                    "private flavors (is_public=None or False filters).",
        operations=[{"method": "GET", "path": "/flavors/{flavor_id}/os-flavor-access"},
                    {"method": "GET", "path": "/flavors"},
                    {"method": "GET", "path": "/flavors/detail"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE + ":add_tenant_access", check_str=base.ADMIN,
        description="Give a project access to a private flavor (addTenantAccess).",
        operations=[{"method": "POST", "path": _ACTION}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE + ":remove_tenant_access", check_str=base.ADMIN,
        description="Take a project's access to a private flavor away "
                    "(removeTenantAccess).",
        operations=[{"method": "POST", "path": _ACTION}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the flavor access rules."""
    return rules
