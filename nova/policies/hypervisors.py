"""Policies of hypervisors (os-hypervisors), administrators only."""

from oslo_policy import policy

from nova.policies import base

HYPERVISORS = "os_compute_api:os-hypervisors:%s"


def _rule(name, description, path):
    return policy.DocumentedRuleDefault(
        name=HYPERVISORS % name, check_str=base.ADMIN, description=description,
        operations=[{"method": "GET", "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("list", "List hypervisors.", "/os-hypervisors"),
    _rule("list-detail", "List hypervisors with details.", "/os-hypervisors/detail"),
    _rule("statistics", "Show summed hypervisor statistics (before 2.88).",
          "/os-hypervisors/statistics"),
    _rule("show", "Show a hypervisor.", "/os-hypervisors/{hypervisor_id}"),
    _rule("uptime", "Show a hypervisor's uptime (before 2.88).",
          "/os-hypervisors/{hypervisor_id}/uptime"),
    _rule("search", "Search hypervisors by host name (before 2.53).",
          "/os-hypervisors/{hypervisor_hostname_pattern}/search"),
    _rule("servers", "List the servers on hypervisors (before 2.53).",
          "/os-hypervisors/{hypervisor_hostname_pattern}/servers"),
]


def list_rules():
    """Return the hypervisors rules."""
    return rules
