"""Policies of os-floating-ips and os-floating-ip-pools (2.1-2.35); target:
the caller's project_id. The addFloatingIp/removeFloatingIp actions'
rules are rows of the server action table (nova.compute.server_actions)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-floating-ips:%s"
POOLS = "os_compute_api:os-floating-ip-pools:list"


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule(BASE % "list", base.PROJECT_READER_OR_ADMIN,
          "List the project's floating IPs.", "GET", "/os-floating-ips"),
    _rule(BASE % "show", base.PROJECT_READER_OR_ADMIN, "Show a floating IP.",
          "GET", "/os-floating-ips/{floating_ip_id}"),
    _rule(BASE % "create", base.PROJECT_MEMBER_OR_ADMIN,
          "Take a floating IP from a pool.", "POST", "/os-floating-ips"),
    _rule(BASE % "delete", base.PROJECT_MEMBER_OR_ADMIN,
          "Give a floating IP back to its pool.", "DELETE",
          "/os-floating-ips/{floating_ip_id}"),
    _rule(POOLS, base.PROJECT_READER_OR_ADMIN, "List the floating IP pools.",
          "GET", "/os-floating-ip-pools"),
]


def list_rules():
    """Return the floating IP rules."""
    return rules
