"""Policies of os-instance-actions (targets: the server's project_id)."""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-instance-actions:%s"
LIST = BASE % "list"
SHOW = BASE % "show"
EVENTS = BASE % "events"
EVENTS_DETAILS = BASE % "events:details"

_INDEX = "/servers/{server_id}/os-instance-actions"
_SHOW = "/servers/{server_id}/os-instance-actions/{request_id}"

rules = [
    policy.DocumentedRuleDefault(
        name=LIST, check_str=base.PROJECT_READER_OR_ADMIN,
        description="List the actions of a server.",
        operations=[{"method": "GET", "path": _INDEX}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=SHOW, check_str=base.PROJECT_READER_OR_ADMIN,
        description="Show one action of a server, with its events.",
        operations=[{"method": "GET", "path": _SHOW}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=EVENTS, check_str=base.ADMIN,
        description="See the events of an action before 2.51, and from 2.51 each "
                    "event's traceback, and from 2.62 its host's name.",
        operations=[{"method": "GET", "path": _SHOW}], scope_types=base.PROJECT_SCOPE),
    policy.DocumentedRuleDefault(
        name=EVENTS_DETAILS, check_str=base.ADMIN,
        description="See the details (the error message) of each event (2.84).",
        operations=[{"method": "GET", "path": _SHOW}], scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-instance-actions rules."""
    return rules
