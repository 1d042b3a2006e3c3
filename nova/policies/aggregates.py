"""Policies of host aggregates (os-aggregates), administrators only."""

from oslo_policy import policy

from nova.policies import base

AGGREGATES = "os_compute_api:os-aggregates:%s"


def _rule(name, description, method, path):
    return policy.DocumentedRuleDefault(
        name=AGGREGATES % name, check_str=base.ADMIN, description=description,
        operations=[{"method": method, "path": path}], scope_types=base.PROJECT_SCOPE)


_ACTION = "/os-aggregates/{aggregate_id}/action"

rules = [
    _rule("index", "List host aggregates.", "GET", "/os-aggregates"),
    _rule("create", "Create a host aggregate.", "POST", "/os-aggregates"),
    _rule("show", "Show a host aggregate.", "GET", "/os-aggregates/{aggregate_id}"),
    _rule("update", "Rename a host aggregate or change its availability zone.",
          "PUT", "/os-aggregates/{aggregate_id}"),
    _rule("delete", "Delete a host aggregate.", "DELETE", "/os-aggregates/{aggregate_id}"),
    _rule("add_host", "Add a host to a host aggregate (add_host action).", "POST", _ACTION),
    _rule("remove_host", "Remove a host from a host aggregate (remove_host action).",
          "POST", _ACTION),
    _rule("set_metadata", "Set or delete metadata of a host aggregate (set_metadata action).",
          "POST", _ACTION),
]


def list_rules():
    """Return the aggregates rules."""
    return rules
