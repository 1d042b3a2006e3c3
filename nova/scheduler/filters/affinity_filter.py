"""Affinity filters: where the new server goes relative to others.

Server groups keep members together (affinity) or apart (anti-affinity):
the request spec carries the group with its policy and the hosts its
members already use; the conductor fills those in before scheduling.

The scheduler hints ``same_host`` / ``different_host`` (server uuids) and
``build_near_host_ip`` with ``cidr`` (os:scheduler_hints of POST /servers)
place a server relative to given servers or to a network of hosts.
"""

import collections
import ipaddress
import logging

from nova import context as nova_context
from nova import objects
from nova.scheduler import utils
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

LOG = logging.getLogger(__name__)


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


def instance_hosts(instance_uuids):
    """Return {instance uuid: compute host} for the given servers.

    One API DB query for the mappings and one query per cell holding any
    of them. Servers still being scheduled (no cell yet), unknown or
    deleted ones, and those not on a host yet are absent.
    """
    context = nova_context.get_admin_context()
    by_cell = collections.defaultdict(list)
    cells = {}
    for mapping in objects.InstanceMappingList.get_by_instance_uuids(
            context, list(instance_uuids)):
        cell = mapping.cell_mapping if mapping.obj_attr_is_set("cell_mapping") else None
        if cell is not None:
            cells[cell.uuid] = cell
            by_cell[cell.uuid].append(mapping.instance_uuid)
    hosts = {}
    for cell_uuid, uuids in by_cell.items():
        with nova_context.target_cell(context, cells[cell_uuid]) as cctxt:
            for instance in objects.InstanceList.get_by_filters(
                    cctxt, {"uuid": uuids}, expected_attrs=[]):
                if instance.host:
                    hosts[instance.uuid] = instance.host
    return hosts


class _HintedHostsFilter(base.BaseHostFilter):
    """Looks the hinted servers' hosts up once per request, then filters."""

    hint = None
    run_filter_once_per_request = True

    def filter_all(self, host_states, spec_obj):
        uuids = filter_utils.hint_list(spec_obj, self.hint)
        if not uuids:
            return list(host_states)
        hosts = set(instance_hosts(uuids).values())
        return [h for h in host_states if self._keep(h.host in hosts)]

    def host_passes(self, host_state, spec_obj):
        return bool(self.filter_all([host_state], spec_obj))

    @staticmethod
    def _keep(on_hinted_host):
        raise NotImplementedError()


class SameHostFilter(_HintedHostsFilter):
    """With hint ``same_host`` (server uuids), pass hosts running one of them.

    When none of the named servers is on a host, no host passes.
    """

    hint = "same_host"

    @staticmethod
    def _keep(on_hinted_host):
        return on_hinted_host


class DifferentHostFilter(_HintedHostsFilter):
    """With hint ``different_host`` (server uuids), pass hosts running none of them."""

    hint = "different_host"

    @staticmethod
    def _keep(on_hinted_host):
        return not on_hinted_host


class SimpleCIDRAffinityFilter(base.BaseHostFilter):
    """With hint ``build_near_host_ip``, pass hosts whose IP is in its network.

    The network is that address with the prefix of hint ``cidr`` (``/24``
    when absent), e.g. 192.0.2.10 and /24 pass hosts in 192.0.2.0/24. A
    host that reports no IP address does not pass.
    """

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        near = filter_utils.scheduler_hint(spec_obj, "build_near_host_ip")
        if not near:
            return True
        cidr = filter_utils.scheduler_hint(spec_obj, "cidr") or "/24"
        try:
            network = ipaddress.ip_network(f"{near}{cidr}", strict=False)
        except ValueError:
            LOG.warning("Scheduler hints build_near_host_ip=%r cidr=%r are not a "
                        "network; no host passes", near, cidr)
            return False
        if not host_state.host_ip:
            return False
        try:
            return ipaddress.ip_address(host_state.host_ip) in network
        except ValueError:
            return False
