"""Policies of /os-hosts (deprecated; administrators only, as upstream)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-hosts:%s"
_ONE = "/os-hosts/{host_name}"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % "list", check_str=base.ADMIN, description="List hosts.",
        operations=[{"method": "GET", "path": "/os-hosts"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "show", check_str=base.ADMIN,
        description="Show a host's resources and their use by project.",
        operations=[{"method": "GET", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "update", check_str=base.ADMIN,
        description="Enable or disable a host, or set its maintenance mode.",
        operations=[{"method": "PUT", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "reboot", check_str=base.ADMIN, description="Reboot a host.",
        operations=[{"method": "GET", "path": _ONE + "/reboot"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "shutdown", check_str=base.ADMIN, description="Shut a host down.",
        operations=[{"method": "GET", "path": _ONE + "/shutdown"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "start", check_str=base.ADMIN, description="Start a host.",
        operations=[{"method": "GET", "path": _ONE + "/startup"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-hosts rules."""
    return rules
