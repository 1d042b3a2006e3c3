"""Policies of /servers/{server_id}/os-interface (target: the server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-attach-interfaces:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % "list", check_str=base.PROJECT_READER_OR_ADMIN,
        description="List a server's network interfaces.",
        operations=[{"method": "GET", "path": "/servers/{server_id}/os-interface"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "show", check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show one network interface of a server.",
        operations=[{"method": "GET",
                     "path": "/servers/{server_id}/os-interface/{port_id}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-interface rules."""
    return rules
