"""Policies of os-security-groups, os-security-group-rules (2.1-2.35) and
/servers/{server_id}/os-security-groups (targets: the caller's or the
server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-security-groups:%s"


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=BASE % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("get", base.PROJECT_READER_OR_ADMIN, "List the project's security groups.",
          "GET", "/os-security-groups"),
    _rule("show", base.PROJECT_READER_OR_ADMIN, "Show a security group.",
          "GET", "/os-security-groups/{security_group_id}"),
    _rule("create", base.PROJECT_MEMBER_OR_ADMIN, "Create a security group.",
          "POST", "/os-security-groups"),
    _rule("update", base.PROJECT_MEMBER_OR_ADMIN, "Rename or describe a security group.",
          "PUT", "/os-security-groups/{security_group_id}"),
    _rule("delete", base.PROJECT_MEMBER_OR_ADMIN, "Delete a security group.",
          "DELETE", "/os-security-groups/{security_group_id}"),
    _rule("rule:create", base.PROJECT_MEMBER_OR_ADMIN, "Add a security group rule.",
          "POST", "/os-security-group-rules"),
    _rule("rule:delete", base.PROJECT_MEMBER_OR_ADMIN, "Delete a security group rule.",
          "DELETE", "/os-security-group-rules/{security_group_rule_id}"),
    _rule("list", base.PROJECT_READER_OR_ADMIN, "List a server's security groups.",
          "GET", "/servers/{server_id}/os-security-groups"),
]


def list_rules():
    """Return the security group rules."""
    return rules
