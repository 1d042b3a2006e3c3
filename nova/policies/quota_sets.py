"""Policies of project and user quotas (os-quota-sets).

The target is {"project_id": <the project in the path>}: a project's
readers may see its limits and usage, only administrators change them.
Anybody may read the defaults, as upstream.
"""

from oslo_policy import policy

from nova.policies import base

QUOTA_SETS = "os_compute_api:os-quota-sets:%s"


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=QUOTA_SETS % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("update", base.ADMIN, "Update the quotas of a project or of one of its users.",
          "PUT", "/os-quota-sets/{tenant_id}"),
    _rule("defaults", base.RULE_ANY, "Show the default quotas.",
          "GET", "/os-quota-sets/{tenant_id}/defaults"),
    _rule("show", base.PROJECT_READER_OR_ADMIN,
          "Show the quotas of a project or of one of its users.",
          "GET", "/os-quota-sets/{tenant_id}"),
    _rule("delete", base.ADMIN,
          "Revert the quotas of a project or of one of its users to the defaults.",
          "DELETE", "/os-quota-sets/{tenant_id}"),
    _rule("detail", base.PROJECT_READER_OR_ADMIN,
          "Show the quotas of a project or user with their usage.",
          "GET", "/os-quota-sets/{tenant_id}/detail"),
]


def list_rules():
    """Return the quota set rules."""
    return rules
