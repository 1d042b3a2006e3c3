"""Policy of GET /os-console-auth-tokens/{console_token} (administrators only)."""

from oslo_policy import policy

from nova.policies import base

CONSOLE_AUTH_TOKENS = "os_compute_api:os-console-auth-tokens"

rules = [
    policy.DocumentedRuleDefault(
        name=CONSOLE_AUTH_TOKENS,
        check_str=base.ADMIN,
        description="Show the connection information (instance, host, port) behind "
                    "a console token.",
        operations=[{"method": "GET", "path": "/os-console-auth-tokens/{console_token}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the console auth tokens rule."""
    return rules
