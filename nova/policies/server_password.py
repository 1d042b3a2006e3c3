"""Policies of /servers/{server_id}/os-server-password (targets: the server's project)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-server-password:%s"
SHOW = BASE % "show"
CLEAR = BASE % "clear"
_PATH = "/servers/{server_id}/os-server-password"

rules = [
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show the encrypted password a server's guest posted.",
        operations=[{"method": "GET", "path": _PATH}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=CLEAR, check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Clear the encrypted password of a server.",
        operations=[{"method": "DELETE", "path": _PATH}], scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-server-password rules."""
    return rules
