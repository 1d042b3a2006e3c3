"""Policies of /os-networks (nova-network's routes, microversions 2.1-2.35).

Anyone in a project lists and shows the networks it may use; only an
administrator creates, deletes and (dis)associates them.
"""

from oslo_policy import policy

from nova.policies import base

BASE = "os_compute_api:os-networks:%s"

_ALL = "/os-networks"
_ONE = "/os-networks/{network_id}"


def _rule(name, check_str, description, method, path):
    return policy.DocumentedRuleDefault(
        name=BASE % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("list", base.PROJECT_READER_OR_ADMIN, "List networks.", "GET", _ALL),
    _rule("view", base.PROJECT_READER_OR_ADMIN, "Show a network.", "GET", _ONE),
    _rule("create", base.ADMIN, "Create a network.", "POST", _ALL),
    _rule("delete", base.ADMIN, "Delete a network.", "DELETE", _ONE),
    _rule("add", base.ADMIN, "Give a network to the caller's project.", "POST",
          _ALL + "/add"),
    _rule("disassociate", base.ADMIN,
          "Take a network from its project (disassociate action).", "POST",
          _ONE + "/action (disassociate)"),
]


def list_rules():
    """Return the os-networks rules."""
    return rules
