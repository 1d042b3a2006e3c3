"""Policies of the server action table (nova.compute.server_actions).

One rule per policy name the table uses, with the default and description
of its row and every route that row (or rows sharing the rule) serves;
targets carry the server's project_id. Rules that refine an action but
are not rows of their own follow.
"""

from oslo_policy import policy

from nova.compute import server_actions
from nova.policies import base

UNLOCK_OVERRIDE = "os_compute_api:os-lock-server:unlock:unlock_override"
UNSHELVE_TO_HOST = "os_compute_api:os-shelve:unshelve_to_host"
MIGRATE_TO_HOST = "os_compute_api:os-migrate-server:migrate:host"


def _operations(rows):
    ops = []
    for row in rows:
        method, path = row.operation
        if row.is_action:
            path = f"{path} ({row.key})"
        if {"method": method, "path": path} not in ops:
            ops.append({"method": method, "path": path})
    return ops


def _table_rules():
    by_policy = {}
    for row in server_actions.ROWS:
        by_policy.setdefault(row.policy, []).append(row)
    return [
        policy.DocumentedRuleDefault(
            name=name, check_str=rows[0].check_str, description=rows[0].description,
            operations=_operations(rows), scope_types=base.PROJECT_SCOPE)
        for name, rows in by_policy.items()
    ]


rules = _table_rules() + [
    policy.DocumentedRuleDefault(
        name=UNLOCK_OVERRIDE, check_str=base.ADMIN,
        description="Unlock a server that an administrator locked.",
        operations=[{"method": "POST", "path": "/servers/{server_id}/action (unlock)"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=UNSHELVE_TO_HOST, check_str=base.ADMIN,
        description="Unshelve a server to a host named in the request (2.91).",
        operations=[{"method": "POST", "path": "/servers/{server_id}/action (unshelve)"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=MIGRATE_TO_HOST, check_str=base.ADMIN,
        description="Cold migrate a server to a host named in the request (2.56).",
        operations=[{"method": "POST", "path": "/servers/{server_id}/action (migrate)"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the server action rules."""
    return rules
