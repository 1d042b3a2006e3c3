"""Policy of the remote console API and its legacy os-getVNCConsole action."""

from oslo_policy import policy

from nova.policies import base

#: The rule name; upstream uses one rule for every console protocol.
REMOTE_CONSOLES = "os_compute_api:os-remote-consoles"

rules = [
    policy.DocumentedRuleDefault(
        name=REMOTE_CONSOLES,
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description="Generate a URL to a server's remote console (VNC, SPICE, RDP, "
                    "serial, MKS).",
        operations=[
            {"method": "POST", "path": "/servers/{server_id}/action (os-getVNCConsole)"},
            {"method": "POST", "path": "/servers/{server_id}/action (os-getSPICEConsole)"},
            {"method": "POST", "path": "/servers/{server_id}/action (os-getSerialConsole)"},
            {"method": "POST", "path": "/servers/{server_id}/remote-consoles"},
        ],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the remote console rule."""
    return rules
