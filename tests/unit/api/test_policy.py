"""Policy defaults and nova.policy.authorize."""

from importlib import metadata

import pytest
from oslo_policy import policy as oslo_policy

from nova import context, exception, policies, policy


def _ctx(user, project, *roles):
    return context.RequestContext(user_id=user, project_id=project, roles=list(roles))


MEMBER = ("u1", "p1", "member", "reader")
READER = ("u2", "p1", "reader")
OTHER_MEMBER = ("u3", "p2", "member", "reader")
ADMIN = ("admin", "p9", "admin", "member", "reader")
OWN = {"project_id": "p1", "user_id": "u1"}


@pytest.mark.parametrize("who, action, allowed", [
    (MEMBER, "os_compute_api:servers:create", True),
    (MEMBER, "os_compute_api:servers:show", True),
    (READER, "os_compute_api:servers:show", True),
    (READER, "os_compute_api:servers:create", False),
    (READER, "os_compute_api:servers:delete", False),
    (OTHER_MEMBER, "os_compute_api:servers:show", False),
    (OTHER_MEMBER, "os_compute_api:servers:delete", False),
    (ADMIN, "os_compute_api:servers:delete", True),
    (MEMBER, "os_compute_api:servers:index:get_all_tenants", False),
    (ADMIN, "os_compute_api:servers:detail:get_all_tenants", True),
    (MEMBER, "os_compute_api:os-flavor-manage:create", False),
    (ADMIN, "os_compute_api:os-flavor-manage:delete", True),
    (MEMBER, "os_compute_api:os-services:list", False),
    (MEMBER, "os_compute_api:os-hypervisors:list", False),
    (ADMIN, "os_compute_api:os-hypervisors:list-detail", True),
    (READER, "os_compute_api:limits", True),
    (MEMBER, "os_compute_api:limits:other_project", False),
    (READER, "os_compute_api:os-flavor-extra-specs:index", True),
    (MEMBER, "os_compute_api:os-flavor-extra-specs:create", False),
    (MEMBER, "os_compute_api:os-console-output", True),
    (MEMBER, "os_compute_api:os-remote-consoles", True),
    (READER, "os_compute_api:os-remote-consoles", False),
])
def test_personas(api_conf, who, action, allowed):
    assert policy.authorize(_ctx(*who), action, OWN, fatal=False) is allowed


def test_denial_raises_forbidden_with_upstream_message(api_conf):
    with pytest.raises(exception.PolicyNotAuthorized) as err:
        policy.authorize(_ctx(*READER), "os_compute_api:servers:create", OWN)
    assert err.value.code == 403
    assert err.value.format_message() == (
        "Policy doesn't allow os_compute_api:servers:create to be performed.")


def test_default_target_is_the_callers_project(api_conf):
    assert policy.authorize(_ctx(*MEMBER), "os_compute_api:servers:create")
    assert policy.authorize(_ctx(*OTHER_MEMBER), "os_compute_api:servers:create")


def test_key_pairs_belong_to_their_user(api_conf):
    owner, stranger = _ctx(*MEMBER), _ctx("u9", "p1", "member", "reader")
    target = {"user_id": "u1"}
    assert policy.authorize(owner, "os_compute_api:os-keypairs:show", target)
    assert not policy.authorize(stranger, "os_compute_api:os-keypairs:show", target, fatal=False)
    assert policy.authorize(_ctx(*ADMIN), "os_compute_api:os-keypairs:delete", target)


def test_system_scoped_token_is_refused_for_project_rules(api_conf):
    ctx = context.RequestContext(user_id="admin", roles=["admin"], system_scope="all")
    with pytest.raises(exception.PolicyNotAuthorized):
        policy.authorize(ctx, "os_compute_api:os-services:list", {})


def test_rules_can_be_overridden(api_conf):
    policy.init(rules={"os_compute_api:os-services:list": "@"})
    assert policy.authorize(_ctx(*READER), "os_compute_api:os-services:list")


def test_unknown_rule_is_a_programming_error(api_conf):
    with pytest.raises(oslo_policy.PolicyNotRegistered):
        policy.authorize(_ctx(*ADMIN), "os_compute_api:no-such-rule")


def test_check_is_admin(api_conf):
    assert policy.check_is_admin(_ctx(*ADMIN))
    assert not policy.check_is_admin(_ctx(*MEMBER))


def test_every_rule_is_unique_and_documented():
    rules = policies.list_rules()
    names = [rule.name for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        if rule.name.startswith("os_compute_api:"):
            assert isinstance(rule, oslo_policy.DocumentedRuleDefault), rule.name
            assert rule.operations and rule.description, rule.name


def test_entry_point_lists_the_rules():
    (entry,) = [ep for ep in metadata.entry_points(group="oslo.policy.policies")
                if ep.name == "nova"]
    assert entry.load() is policies.list_rules


MANAGER = ("u4", "p1", "manager", "member", "reader")
ONLY_ROLE = ("u5", "p1", "observer")


@pytest.mark.parametrize("who, rule, allowed", [
    (MANAGER, "project_manager_or_admin", True),
    (MEMBER, "project_manager_or_admin", False),
    (ADMIN, "project_manager_or_admin", True),
    (("u6", "p2", "manager"), "project_manager_or_admin", False),
    (MANAGER, "project_member_or_admin", True),
    (READER, "project_member_or_admin", False),
])
def test_manager_persona(api_conf, who, rule, allowed):
    assert policy.authorize(_ctx(*who), rule, OWN, fatal=False) is allowed


def test_new_defaults_are_enforced_by_default(api_conf):
    # A role outside the personas gets nothing, even in its own project.
    assert not policy.authorize(_ctx(*ONLY_ROLE), "os_compute_api:servers:show", OWN,
                                fatal=False)
    assert not policy.authorize(_ctx(*READER), "os_compute_api:servers:delete", OWN,
                                fatal=False)


def test_enforce_new_defaults_false_adds_the_legacy_defaults(api_conf):
    api_conf.config(enforce_new_defaults=False, group="oslo_policy")
    policy.reset()
    # Legacy admin_or_owner: any role in the project may act.
    assert policy.authorize(_ctx(*ONLY_ROLE), "os_compute_api:servers:show", OWN)
    assert policy.authorize(_ctx(*READER), "os_compute_api:servers:delete", OWN)
    # Another project's member still may not; admin-only rules stay so.
    assert not policy.authorize(_ctx(*OTHER_MEMBER), "os_compute_api:servers:delete",
                                OWN, fatal=False)
    assert not policy.authorize(_ctx(*MEMBER), "os_compute_api:os-services:list", OWN,
                                fatal=False)


def test_policy_file_overrides_a_default(api_conf, tmp_path):
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(
        '"os_compute_api:servers:delete": "rule:context_is_admin"\n'
        '"project_reader_api": "role:observer and project_id:%(project_id)s"\n')
    api_conf.config(policy_file=str(policy_file), group="oslo_policy")
    policy.reset()
    assert not policy.authorize(_ctx(*MEMBER), "os_compute_api:servers:delete", OWN,
                                fatal=False)
    assert policy.authorize(_ctx(*ADMIN), "os_compute_api:servers:delete", OWN)
    # A persona redefined once changes every rule built on it.
    assert policy.authorize(_ctx(*ONLY_ROLE), "os_compute_api:servers:show", OWN)
    assert not policy.authorize(_ctx(*READER), "os_compute_api:servers:show", OWN,
                                fatal=False)
    # Untouched rules keep their defaults.
    assert policy.authorize(_ctx(*MEMBER), "os_compute_api:servers:create", OWN)


def test_every_api_rule_is_project_scoped():
    for rule in policies.list_rules():
        if rule.name.startswith("os_compute_api:"):
            assert rule.scope_types == ["project"], rule.name
