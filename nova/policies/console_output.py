"""Policy of the os-getConsoleOutput server action."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name="os_compute_api:os-console-output",
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Show the console output of a server.",
        operations=[{"method": "POST",
                     "path": "/servers/{server_id}/action (os-getConsoleOutput)"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the console output rule."""
    return rules
