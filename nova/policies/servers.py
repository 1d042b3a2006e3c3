"""Policies of /servers (targets: {"project_id": <instance's project>})."""

from oslo_policy import policy

from nova.policies import base

SERVERS = "os_compute_api:servers:%s"


def _rule(name, check_str, description, operations):
    return policy.DocumentedRuleDefault(
        name=SERVERS % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path} for method, path in operations],
        scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("index", base.PROJECT_READER_OR_ADMIN, "List servers.",
          [("GET", "/servers")]),
    _rule("detail", base.PROJECT_READER_OR_ADMIN, "List servers with details.",
          [("GET", "/servers/detail")]),
    _rule("index:get_all_tenants", base.ADMIN,
          "List servers of all projects (all_tenants filter).", [("GET", "/servers")]),
    _rule("detail:get_all_tenants", base.ADMIN,
          "List servers of all projects with details (all_tenants filter).",
          [("GET", "/servers/detail")]),
    _rule("allow_all_filters", base.ADMIN,
          "Use every server list filter, not only the ones open to users.",
          [("GET", "/servers"), ("GET", "/servers/detail")]),
    _rule("show", base.PROJECT_READER_OR_ADMIN, "Show a server.",
          [("GET", "/servers/{server_id}")]),
    _rule("show:host_status", base.ADMIN,
          "Show the host_status of a server (2.16).",
          [("GET", "/servers/{server_id}"), ("GET", "/servers/detail")]),
    _rule("create:forced_host", base.ADMIN,
          "Create a server on a given host or node (availability_zone "
          "'zone:host:node'), bypassing the scheduler's filters.",
          [("POST", "/servers")]),
]

#: Create a server on a requested host or node (2.74); the scheduler's
#: filters still apply. Upstream names this rule without the
#: os_compute_api prefix.
REQUESTED_DESTINATION = "compute:servers:create:requested_destination"

rules.append(policy.DocumentedRuleDefault(
    name=REQUESTED_DESTINATION, check_str=base.ADMIN,
    description="Create a server on a given host or node (host and "
                "hypervisor_hostname, 2.74); the scheduler's filters still apply.",
    operations=[{"method": "POST", "path": "/servers"}],
    scope_types=base.PROJECT_SCOPE))


def list_rules():
    """Return the /servers rules."""
    return rules
