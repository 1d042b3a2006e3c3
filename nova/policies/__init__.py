"""Policy defaults in code, one module per resource.

Each module defines ``list_rules()`` returning its oslo.policy RuleDefaults;
``list_rules()`` here chains them for the enforcer (nova.policy) and for
the ``oslo.policy.policies`` entry point (``oslopolicy-sample-generator
--namespace nova``). Add a new module to ``_MODULES``.
"""

import importlib
import itertools

#: Policy modules, by name under nova.policies.
_MODULES = (
    "aggregates",
    "attach_interfaces",
    "availability_zone",
    "base",
    "console_auth_tokens",
    "extended_server_attributes",
    "flavor_access",
    "flavor_extra_specs",
    "flavor_manage",
    "floating_ips",
    "hosts",
    "hypervisors",
    "instance_actions",
    "instance_usage_audit_log",
    "ips",
    "keypairs",
    "limits",
    "migrations",
    "networks",
    "quota_class_sets",
    "quota_sets",
    "security_groups",
    "server_actions",
    "server_external_events",
    "server_groups",
    "server_metadata",
    "server_migrations",
    "server_password",
    "server_tags",
    "servers",
    "services",
    "simple_tenant_usage",
)


def list_rules():
    """Return every RuleDefault nova registers (list)."""
    modules = [importlib.import_module(f"nova.policies.{name}") for name in _MODULES]
    return list(itertools.chain.from_iterable(module.list_rules() for module in modules))
