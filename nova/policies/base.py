"""Personas shared by every policy module, named and defined as upstream's.

Rules reference these through ``rule:`` so an operator can redefine a
persona in policy.yaml once. Targets carry the resource's ``project_id``
(and ``user_id`` for user-owned resources such as key pairs).

* ADMIN - a user with the admin role, in any project.
* PROJECT_MANAGER / PROJECT_MEMBER / PROJECT_READER - the manager, member
  or reader role on the resource's project. Keystone's default roles imply
  each other (admin implies manager implies member implies reader), so an
  admin token carries all four and a manager token the lower three.
* PROJECT_MANAGER_OR_ADMIN / PROJECT_MEMBER_OR_ADMIN /
  PROJECT_READER_OR_ADMIN - what the API's rules use. Upstream gives the
  manager persona the moves that need no host name (cold and live
  migration without a host, force-completing a live migration, listing
  migrations); everything else a project does is the member's or the
  reader's.

``[oslo_policy] enforce_new_defaults`` (default True) decides whether the
legacy defaults these personas replaced still count: when it is False
each persona is OR'd with its deprecated rule (``is_admin:True`` for the
admin and manager personas, ``is_admin:True or project_id:%(project_id)s``
for member and reader: any role in the project), as upstream does for
operators still on the old policy. Every rule is project-scoped
(``scope_types=["project"]``): a system- or domain-scoped token is
refused. oslo.policy releases that still have ``[oslo_policy]
enforce_scope`` apply it themselves; newer ones (6.x) always check scope.
"""

from oslo_policy import policy

RULE_ANY = "@"
RULE_NOBODY = "!"

ADMIN = "rule:context_is_admin"
PROJECT_MANAGER = "rule:project_manager_api"
PROJECT_MEMBER = "rule:project_member_api"
PROJECT_READER = "rule:project_reader_api"
PROJECT_MANAGER_OR_ADMIN = "rule:project_manager_or_admin"
PROJECT_MEMBER_OR_ADMIN = "rule:project_member_or_admin"
PROJECT_READER_OR_ADMIN = "rule:project_reader_or_admin"

#: Rules about a project's resources are project-scoped, as upstream's.
PROJECT_SCOPE = ["project"]

_DEPRECATED_REASON = (
    "The Compute API's policies use the admin, manager, member and reader "
    "personas with project scope; the legacy defaults only apply while "
    "[oslo_policy] enforce_new_defaults is False")
#: The legacy defaults the personas replaced (upstream's, deprecated in 21.0.0).
DEPRECATED_ADMIN = policy.DeprecatedRule(
    name="admin_api", check_str="is_admin:True",
    deprecated_reason=_DEPRECATED_REASON, deprecated_since="21.0.0")
DEPRECATED_ADMIN_OR_OWNER = policy.DeprecatedRule(
    name="admin_or_owner", check_str="is_admin:True or project_id:%(project_id)s",
    deprecated_reason=_DEPRECATED_REASON, deprecated_since="21.0.0")

rules = [
    policy.RuleDefault("context_is_admin", "role:admin",
                       "Decides what is an administrator (also is_admin of contexts).",
                       deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault("project_manager_api", "role:manager and project_id:%(project_id)s",
                       "A manager of the resource's project.",
                       deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault("project_member_api", "role:member and project_id:%(project_id)s",
                       "A member of the resource's project.",
                       deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault("project_reader_api", "role:reader and project_id:%(project_id)s",
                       "A reader of the resource's project.",
                       deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault("project_manager_or_admin",
                       "rule:project_manager_api or rule:context_is_admin",
                       "A manager of the resource's project, or an administrator.",
                       deprecated_rule=DEPRECATED_ADMIN),
    policy.RuleDefault("project_member_or_admin",
                       "rule:project_member_api or rule:context_is_admin",
                       "A member of the resource's project, or an administrator.",
                       deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
    policy.RuleDefault("project_reader_or_admin",
                       "rule:project_reader_api or rule:context_is_admin",
                       "A reader of the resource's project, or an administrator.",
                       deprecated_rule=DEPRECATED_ADMIN_OR_OWNER),
]


def list_rules():
    """Return the persona rules."""
    return rules
