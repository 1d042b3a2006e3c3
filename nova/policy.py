"""Policy enforcement for the Compute API (oslo.policy).

Defaults live in code (nova/policies, one module per resource); an operator's
policy.yaml ([oslo_policy] policy_file) overrides single rules. Controllers
call ``authorize`` with the rule name and a target describing the resource:

    policy.authorize(context, "os_compute_api:servers:show",
                     target={"project_id": instance.project_id})

The enforcer is process-wide state, like oslo.config's CONF it describes:
built once from the registered defaults and the policy file, reloaded by
oslo.policy when the file changes. ``reset()`` drops it (tests).
"""

import logging

from oslo_policy import policy as oslo_policy

import nova.conf
from nova import exception, policies

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

_ENFORCER = None


def reset():
    """Forget the enforcer (tests; the next call builds a new one)."""
    global _ENFORCER
    if _ENFORCER is not None:
        _ENFORCER.clear()
    _ENFORCER = None


def init(policy_file=None, rules=None, conf=CONF):
    """Build the enforcer if needed and return it.

    :param policy_file: path overriding [oslo_policy] policy_file.
    :param rules: optional dict rule name -> check string overriding the
        defaults in memory (tests).
    :param conf: ConfigOpts holding [oslo_policy].
    :returns: oslo_policy.policy.Enforcer with nova's defaults registered.
    """
    global _ENFORCER
    if _ENFORCER is None:
        enforcer = oslo_policy.Enforcer(conf, policy_file=policy_file)
        enforcer.register_defaults(policies.list_rules())
        _ENFORCER = enforcer
    if rules:
        _ENFORCER.set_rules(oslo_policy.Rules.from_dict(rules), overwrite=False,
                            use_conf=False)
    return _ENFORCER


def get_enforcer():
    """Return the enforcer with the operator's rules loaded.

    The ``oslo.policy.enforcer`` entry point (``oslopolicy-policy-generator
    --namespace nova``, ``oslopolicy-list-redundant``, ``oslopolicy-validator``)
    calls this in a process of its own: nova's configuration is read the
    way the services read it (nova.conf found in the usual places, none of
    the tool's command line), so ``[oslo_policy] policy_file`` and
    ``enforce_new_defaults`` apply as they would in nova-api. Only those
    tools call it: it parses CONF afresh.

    :returns: oslo_policy.policy.Enforcer.
    """
    CONF([], project="nova")
    reset()
    enforcer = init()
    enforcer.load_rules()
    return enforcer


def default_target(context):
    """Return the target for rules about the caller's own project and user."""
    return {"project_id": context.project_id, "user_id": context.user_id}


def authorize(context, action, target=None, fatal=True):
    """Check that ``context`` may perform ``action`` on ``target``.

    :param context: nova.context.RequestContext of the caller.
    :param action: registered rule name, e.g. "os_compute_api:servers:index".
    :param target: dict of resource attributes the rule may test
        (``project_id``, ``user_id``...); defaults to the caller's own
        project and user.
    :param fatal: True to raise on denial, False to return False.
    :returns: True when allowed (False when denied and not fatal).
    :raises nova.exception.PolicyNotAuthorized: denied (403 ``forbidden``,
        "Policy doesn't allow <action> to be performed."), including a
        token of the wrong scope.
    :raises oslo_policy.policy.PolicyNotRegistered: unknown rule name (a
        bug: every rule must be registered in nova/policies).
    """
    enforcer = init()
    if target is None:
        target = default_target(context)
    try:
        return enforcer.authorize(action, target, context, do_raise=fatal,
                                  exc=exception.PolicyNotAuthorized, action=action)
    except oslo_policy.InvalidScope as exc:
        LOG.debug("Policy %s denied: token scope not allowed (%s)", action, exc)
        if fatal:
            raise exception.PolicyNotAuthorized(action=action) from exc
        return False
    except exception.PolicyNotAuthorized:
        LOG.debug("Policy %s denied for %s", action, context.to_policy_values())
        raise


def check_is_admin(context):
    """Return True when ``context`` passes the ``context_is_admin`` rule."""
    return init().authorize("context_is_admin", {}, context, do_raise=False)
