"""Soft server group policies as weighers: prefer, do not require.

"soft-affinity" (2.15) ranks hosts by how many members of the group they
already hold, so members gather where they can; "soft-anti-affinity"
ranks them by the opposite, so members spread where they can. Unlike the
hard filters, a host never drops out: when the preferred host is full
the member goes elsewhere. The group's ``hosts`` (one entry per member,
filled in by the conductor and extended as this request's instances are
placed) is what is counted.
"""

from nova.scheduler import utils
from nova.scheduler.filters import affinity_filter
from nova.scheduler.weights import base


def _members_on(host_state, spec_obj, policy):
    group = utils.get_field(spec_obj, "instance_group")
    if not group or affinity_filter.group_policy(group) != policy:
        return 0
    return list(utils.get_field(group, "hosts") or []).count(host_state.host)


class ServerGroupSoftAffinityWeigher(base.BaseHostWeigher):
    """Score = members of a soft-affinity group on the host
    ([filter_scheduler] soft_affinity_weight_multiplier)."""

    multiplier_option = "soft_affinity_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return _members_on(host_state, spec_obj, "soft-affinity")


class ServerGroupSoftAntiAffinityWeigher(base.BaseHostWeigher):
    """Score = minus the members of a soft-anti-affinity group on the host
    ([filter_scheduler] soft_anti_affinity_weight_multiplier)."""

    multiplier_option = "soft_anti_affinity_weight_multiplier"

    def weigh(self, host_state, spec_obj):
        return -_members_on(host_state, spec_obj, "soft-anti-affinity")
