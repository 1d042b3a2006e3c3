"""Policies of flavor extra specs (os-flavor-extra-specs)."""

from oslo_policy import policy

from nova.policies import base

EXTRA_SPECS = "os_compute_api:os-flavor-extra-specs:%s"
_COLLECTION = "/flavors/{flavor_id}/os-extra_specs"
_ITEM = _COLLECTION + "/{flavor_extra_spec_key}"


def _rule(name, check_str, description, operations):
    return policy.DocumentedRuleDefault(
        name=EXTRA_SPECS % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path} for method, path in operations],
        scope_types=base.PROJECT_SCOPE)


rules = [
    _rule("index", base.PROJECT_READER_OR_ADMIN,
          "List a flavor's extra specs (also shown in flavors from 2.61 and in "
          "servers from 2.47).",
          [("GET", _COLLECTION), ("GET", "/flavors/detail"), ("GET", "/flavors/{flavor_id}"),
           ("GET", "/servers/detail"), ("GET", "/servers/{server_id}")]),
    _rule("show", base.PROJECT_READER_OR_ADMIN, "Show one extra spec of a flavor.",
          [("GET", _ITEM)]),
    _rule("create", base.ADMIN, "Create or replace extra specs of a flavor.",
          [("POST", _COLLECTION)]),
    _rule("update", base.ADMIN, "Update one extra spec of a flavor.", [("PUT", _ITEM)]),
    _rule("delete", base.ADMIN, "Delete one extra spec of a flavor.", [("DELETE", _ITEM)]),
]


def list_rules():
    """Return the extra specs rules."""
    return rules
