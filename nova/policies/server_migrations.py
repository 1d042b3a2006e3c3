"""Policies of /servers/{server_id}/migrations (targets: the server's project_id).

Upstream's rules, all for administrators: list and show a server's
in-progress live migrations (2.23), force one to complete (2.22), abort
one (2.24).
"""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:servers:migrations:%s"
INDEX = BASE % "index"
SHOW = BASE % "show"
FORCE_COMPLETE = "os_compute_api:servers:migrations:force_complete"
DELETE = BASE % "delete"

_COLLECTION = "/servers/{server_id}/migrations"
_MEMBER = "/servers/{server_id}/migrations/{migration_id}"

rules = [
    policy.DocumentedRuleDefault(
        name=INDEX, check_str=base.ADMIN,
        description="List the in-progress live migrations of a server (2.23).",
        operations=[{"method": "GET", "path": _COLLECTION}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.ADMIN,
        description="Show an in-progress live migration of a server (2.23).",
        operations=[{"method": "GET", "path": _MEMBER}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=FORCE_COMPLETE, check_str=base.ADMIN,
        description="Force an in-progress live migration of a server to complete (2.22).",
        operations=[{"method": "POST", "path": _MEMBER + "/action (force_complete)"}],
        scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=DELETE, check_str=base.ADMIN,
        description="Abort an in-progress live migration of a server (2.24).",
        operations=[{"method": "DELETE", "path": _MEMBER}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the server migrations rules."""
    return rules
