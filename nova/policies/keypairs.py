"""Policies of key pairs (os-keypairs).

Key pairs belong to a user, not a project: the target is
{"user_id": <owner>}, and the ``user_id`` query parameter (2.10) lets an
administrator act on another user's key pairs.
"""

from oslo_policy import policy

from nova.policies import base

KEYPAIRS = "os_compute_api:os-keypairs:%s"
ADMIN_OR_OWNER = "(" + base.ADMIN + ") or user_id:%(user_id)s"


def _rule(name, description, method, path):
    return policy.DocumentedRuleDefault(
        name=KEYPAIRS % name, check_str=ADMIN_OR_OWNER, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("index", "List a user's key pairs.", "GET", "/os-keypairs"),
    _rule("create", "Create or import a key pair.", "POST", "/os-keypairs"),
    _rule("delete", "Delete a key pair.", "DELETE", "/os-keypairs/{keypair_name}"),
    _rule("show", "Show a key pair.", "GET", "/os-keypairs/{keypair_name}"),
]


def list_rules():
    """Return the key pair rules."""
    return rules
