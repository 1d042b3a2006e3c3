"""Policies of os-migrations (api-ref "Migrations (os-migrations)")."""

from oslo_policy import policy

from nova.policies import base

INDEX = "os_compute_api:os-migrations:index"

rules = [
    policy.DocumentedRuleDefault(
        name=INDEX, check_str=base.ADMIN,
        description="List the migrations of every server (resize, cold and live "
                    "migration, evacuation) in the cloud.",
        operations=[{"method": "GET", "path": "/os-migrations"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-migrations rules."""
    return rules
