"""Policies of server groups (os-server-groups).

The target is {"project_id": <group's project>, "user_id": <caller>}: a
group belongs to a project; ``index:all_projects`` decides whether
``?all_projects`` lists every project's groups (administrators) or is
ignored (everyone else), as upstream.
"""

from oslo_policy import policy

from nova.policies import base

SERVER_GROUPS = "os_compute_api:os-server-groups:%s"


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=SERVER_GROUPS % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("create", base.PROJECT_MEMBER_OR_ADMIN, "Create a server group.",
          "POST", "/os-server-groups"),
    _rule("delete", base.PROJECT_MEMBER_OR_ADMIN, "Delete a server group.",
          "DELETE", "/os-server-groups/{server_group_id}"),
    _rule("index", base.PROJECT_READER_OR_ADMIN, "List the project's server groups.",
          "GET", "/os-server-groups"),
    _rule("index:all_projects", base.ADMIN,
          "List the server groups of every project (?all_projects).",
          "GET", "/os-server-groups"),
    _rule("show", base.PROJECT_READER_OR_ADMIN, "Show a server group.",
          "GET", "/os-server-groups/{server_group_id}"),
]


def list_rules():
    """Return the server group rules."""
    return rules
