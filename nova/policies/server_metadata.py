"""Policies of /servers/{server_id}/metadata (targets: the server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:server-metadata:%s"

_ALL = "/servers/{server_id}/metadata"
_ONE = "/servers/{server_id}/metadata/{key}"

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % "index", check_str=base.PROJECT_READER_OR_ADMIN,
        description="List all metadata of a server.",
        operations=[{"method": "GET", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "show", check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show one metadata item of a server.",
        operations=[{"method": "GET", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "create", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Add or change metadata items of a server (merge).",
        operations=[{"method": "POST", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "update_all", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Replace all metadata of a server.",
        operations=[{"method": "PUT", "path": _ALL}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "update", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Set one metadata item of a server.",
        operations=[{"method": "PUT", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=BASE % "delete", check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Delete one metadata item of a server.",
        operations=[{"method": "DELETE", "path": _ONE}], scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the server-metadata rules."""
    return rules
