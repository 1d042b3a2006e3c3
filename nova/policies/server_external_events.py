"""Policies of /os-server-external-events: the route other services call."""

from oslo_policy import policy

from nova.policies import base

CREATE = "os_compute_api:os-server-external-events:create"

rules = [
    policy.DocumentedRuleDefault(
        # Upstream gives this to the service role (the Network and Block
        # Storage services' users); administrators may send events too.
        name=CREATE, check_str="role:service or " + base.ADMIN,
        description="Send events about servers (network, volume, power) to nova.",
        operations=[{"method": "POST", "path": "/os-server-external-events"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the os-server-external-events rules."""
    return rules
