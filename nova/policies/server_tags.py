"""Policies of /servers/{server_id}/tags, microversion 2.26 (targets: the
server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-server-tags:%s"

_ALL = "/servers/{server_id}/tags"
_ONE = "/servers/{server_id}/tags/{tag}"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % "index", check_str=base.PROJECT_READER_OR_ADMIN,
        description="List the tags of a server.",
        operations=[{"method": "GET", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "show", check_str=base.PROJECT_READER_OR_ADMIN,
        description="Check whether a server has a tag.",
        operations=[{"method": "GET", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "update", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Add one tag to a server.",
        operations=[{"method": "PUT", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "update_all", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Replace all tags of a server.",
        operations=[{"method": "PUT", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "delete", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Remove one tag from a server.",
        operations=[{"method": "DELETE", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "delete_all", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Remove all tags of a server.",
        operations=[{"method": "DELETE", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-server-tags rules."""
    return rules
