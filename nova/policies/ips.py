"""Policies of /servers/{server_id}/ips (target: the server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:ips:%s"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % "index", check_str=base.PROJECT_READER_OR_ADMIN,
        description="List a server's addresses by network.",
        operations=[{"method": "GET", "path": "/servers/{server_id}/ips"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "show", check_str=base.PROJECT_READER_OR_ADMIN,
        description="List a server's addresses on one network.",
        operations=[{"method": "GET", "path": "/servers/{server_id}/ips/{network_label}"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the ips rules."""
    return rules
