"""Server group filters: keep members together (affinity) or apart (anti-affinity).

The request spec carries the server group with its policy and the hosts its
members already use; the conductor fills those in before scheduling.
"""

from nova.scheduler import utils
from nova.scheduler.filters import base


def _group(spec_obj):
    return utils.get_field(spec_obj, "instance_group")


def group_policy(group):
    """Return the policy (str) of a server group object or dict, or None."""
    policy = utils.get_field(group, "policy")
    if policy:
        return policy
    policies = utils.get_field(group, "policies") or []
    return policies[0] if policies else None


class ServerGroupAffinityFilter(base.BaseHostFilter):
    """With policy "affinity", pass only the host the group already uses."""

    def host_passes(self, host_state, spec_obj):
        group = _group(spec_obj)
        if not group or group_policy(group) != "affinity":
            return True
        hosts = utils.get_field(group, "hosts") or []
        return not hosts or host_state.host in hosts


class ServerGroupAntiAffinityFilter(base.BaseHostFilter):
    """With policy "anti-affinity", pass only hosts the group does not use yet.

    The group's rules may allow ``max_server_per_host`` members per host.
    """

    def host_passes(self, host_state, spec_obj):
        group = _group(spec_obj)
        if not group or group_policy(group) != "anti-affinity":
            return True
        hosts = list(utils.get_field(group, "hosts") or [])
        rules = utils.get_field(group, "rules") or {}
        allowed = int(rules.get("max_server_per_host", 1))
        return hosts.count(host_state.host) < allowed
