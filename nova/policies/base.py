"""Personas shared by every policy module, named as upstream names them.

Rules reference these through ``rule:`` so an operator can redefine a
persona in policy.yaml once. Targets carry the resource's ``project_id``
(and ``user_id`` for user-owned resources such as key pairs).

* ADMIN - a user with the admin role, in any project.
* PROJECT_MEMBER / PROJECT_READER - the member / reader role on the
  resource's project (Keystone's default roles: admin implies member
  implies reader, so an admin token carries all three).
* PROJECT_MEMBER_OR_ADMIN / PROJECT_READER_OR_ADMIN - what most calls use.
"""

from oslo_policy import policy

RULE_ANY = "@"
RULE_NOBODY = "!"

ADMIN = "rule:context_is_admin"
PROJECT_MEMBER = "rule:project_member_api"
PROJECT_READER = "rule:project_reader_api"
PROJECT_MEMBER_OR_ADMIN = "rule:project_member_or_admin"
PROJECT_READER_OR_ADMIN = "rule:project_reader_or_admin"

#: Rules about a project's resources are project-scoped, as upstream's.
PROJECT_SCOPE = ["project"]

rules = [
    policy.RuleDefault("context_is_admin", "role:admin",
                       "Decides what is an administrator (also is_admin of contexts)."),
    policy.RuleDefault("project_member_api", "role:member and project_id:%(project_id)s",
                       "A member of the resource's project."),
    policy.RuleDefault("project_reader_api", "role:reader and project_id:%(project_id)s",
                       "A reader of the resource's project."),
    policy.RuleDefault("project_member_or_admin",
                       "rule:project_member_api or rule:context_is_admin",
                       "A member of the resource's project, or an administrator."),
    policy.RuleDefault("project_reader_or_admin",
                       "rule:project_reader_api or rule:context_is_admin",
                       "A reader of the resource's project, or an administrator."),
]


def list_rules():
    """Return the persona rules."""
    return rules
