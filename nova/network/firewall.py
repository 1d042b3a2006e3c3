"""Security groups on a compute host: nftables rules per guest port.

Guest traffic is bridged (guest to guest on one bridge) or comes from the
host itself (its gateway address, NATed floating IPs), so the rules live in
one table of the ``bridge`` family, ``nova_filter``, which sees both: the
``forward`` hook for frames between bridge ports and the ``output`` hook
for frames the host sends. Each guest port (the VIF's tap ``devname``) gets
two chains:

* ``to-<tap>`` (ingress to the guest): ARP and DHCP answers pass; so do
  packets that are not the opening of a connection (TCP without a lone SYN,
  DNS answers, ICMP errors and echo replies), and packets from a member of
  one of the port's groups (upstream's default: ingress only from the same
  group); then each rule of the port's groups in os-security-group-rules
  shape; everything else is dropped.
* ``from-<tap>`` (egress): allowed, but only with the VIF's own MAC and
  fixed IPs (no spoofing another guest).

The kernels these hosts run have no connection tracking for bridged frames
(nf_conntrack_bridge), so "not an opening" is judged per packet rather
than by a tracked connection: a guest's own UDP conversations other than
DNS get no answers through a group that does not allow them.

The whole table is rendered from the host's state file and replaced in one
nft transaction, so a rule change reaches running guests at once.
"""

import json
import os

from oslo_concurrency import lockutils
from oslo_log import log as logging

import nova.conf
from nova.network import linux_net

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

FILTER_TABLE = "nova_filter"
_LOCK = "nova-firewall"


def _state_path():
    os.makedirs(CONF.networks_path, exist_ok=True)
    return os.path.join(CONF.networks_path, "firewall.json")


def read_state():
    """{"ports": {devname: {"mac", "ips", "groups"}}, "groups": {name: {"rules", "members"}}}."""
    try:
        with open(_state_path()) as handle:
            state = json.load(handle)
    except FileNotFoundError:
        state = {}
    state.setdefault("ports", {})
    state.setdefault("groups", {})
    return state


def _write_state(state):
    tmp = _state_path() + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(state, handle, sort_keys=True)
    os.replace(tmp, _state_path())


def group_members(state, name):
    """Sorted IPv4 addresses of ``name``'s members: ports on this host plus
    the members the network service reported (other hosts' guests)."""
    members = set(state["groups"].get(name, {}).get("members", []))
    for port in state["ports"].values():
        if name in port["groups"]:
            members.update(port["ips"])
    return sorted(members)


def _set(values):
    return "{ " + ", ".join(values) + " }"


def rule_match(rule, state):
    """The nft match (str) of one security group rule, or None when it matches nothing.

    :param rule: os-security-group-rules shape: ``ip_protocol`` ("tcp",
        "udp", "icmp" or None for any), ``from_port``/``to_port`` (ports; for
        icmp the type and code, -1 for any), ``ip_range`` {"cidr"} or
        ``group`` {"name"} (source: the members of that group).
    """
    parts = []
    group = rule.get("group") or {}
    cidr = (rule.get("ip_range") or {}).get("cidr")
    if group.get("name"):
        members = group_members(state, group["name"])
        if not members:
            return None
        parts.append(f"ip saddr {_set(members)}")
    elif cidr:
        if ":" in cidr:
            return None  # IPv6 guests are not served here
        parts.append(f"ip saddr {cidr}")
    else:
        parts.append("meta protocol ip")
    protocol = (rule.get("ip_protocol") or "").lower() or None
    low, high = rule.get("from_port"), rule.get("to_port")
    if protocol in ("tcp", "udp"):
        if low in (None, -1) and high in (None, -1):
            parts.append(f"meta l4proto {protocol}")
        elif low == high or high in (None, -1):
            parts.append(f"{protocol} dport {int(low)}")
        else:
            parts.append(f"{protocol} dport {int(low)}-{int(high)}")
    elif protocol == "icmp":
        parts.append("meta l4proto icmp")
        if low not in (None, -1):
            parts.append(f"icmp type {int(low)}")
            if high not in (None, -1):
                parts.append(f"icmp code {int(high)}")
    elif protocol is not None:
        parts.append(f"meta l4proto {protocol}")
    return " ".join(parts)


def ruleset(state):
    """The nft script (str) that replaces table ``bridge nova_filter`` with ``state``."""
    forward, output, chains = [], [], []
    for dev in sorted(state["ports"]):
        port = state["ports"][dev]
        forward.append(f'oifname "{dev}" jump to-{dev}')
        forward.append(f'iifname "{dev}" jump from-{dev}')
        output.append(f'oifname "{dev}" jump to-{dev}')
        ingress = [
            "ether type arp accept",
            "ether type != ip drop",
            "udp sport 67 udp dport 68 accept",
            "tcp flags & (syn | ack) != syn accept",
            "udp sport 53 accept",
            "icmp type { echo-reply, destination-unreachable, time-exceeded } accept",
        ]
        same_group = set()
        for name in port["groups"]:
            same_group.update(group_members(state, name))
        same_group.difference_update(port["ips"])
        if same_group:
            ingress.append(f"ip saddr {_set(sorted(same_group))} accept")
        for name in sorted(set(port["groups"])):
            for rule in state["groups"].get(name, {}).get("rules", []):
                match = rule_match(rule, state)
                if match:
                    ingress.append(f"{match} accept")
        ingress.append("drop")
        egress = [
            f"ether saddr != {port['mac']} drop",
            "ether type arp accept",
            "udp sport 68 udp dport 67 accept",
        ]
        if port["ips"]:
            egress.append(f"ip saddr != {_set(port['ips'])} drop")
        egress.append("accept")
        chains.append((f"to-{dev}", ingress))
        chains.append((f"from-{dev}", egress))
    lines = [f"table bridge {FILTER_TABLE}", f"delete table bridge {FILTER_TABLE}",
             f"table bridge {FILTER_TABLE} {{"]
    for name, rules in chains:
        lines.append(f"  chain {name} {{")
        lines.extend(f"    {rule}" for rule in rules)
        lines.append("  }")
    for name, rules in (("forward", forward), ("output", output)):
        lines.append(f"  chain {name} {{")
        lines.append(f"    type filter hook {name} priority 0; policy accept;")
        lines.extend(f"    {rule}" for rule in rules)
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _apply(state):
    linux_net.execute("nft", "-f", "-", process_input=ruleset(state))
    _write_state(state)


def _group_names_and_defs(security_groups):
    """Split a VIF's meta security_groups (names or os-security-groups dicts)."""
    names, defs = [], {}
    for group in security_groups or []:
        if isinstance(group, str):
            names.append(group)
        else:
            names.append(group["name"])
            defs[group["name"]] = group
    return names, defs


def _store_group(state, group):
    entry = state["groups"].setdefault(group["name"], {"rules": [], "members": []})
    if "rules" in group:
        entry["rules"] = list(group["rules"])
    if "members" in group:
        entry["members"] = list(group["members"])


def setup_port(vif):
    """Filter the VIF's tap device by its security groups.

    :param vif: a network_info VIF; ``meta.security_groups`` is a list of
        group names (ingress from the same groups only) or of
        os-security-groups dicts (``name``, ``rules``, optional ``members``:
        fixed IPs of the group's guests on other hosts).
    """
    names, defs = _group_names_and_defs((vif.get("meta") or {}).get("security_groups"))
    with lockutils.lock(_LOCK):
        state = read_state()
        for group in defs.values():
            _store_group(state, group)
        state["ports"][vif["devname"]] = {
            "mac": vif["address"], "ips": linux_net.fixed_ips(vif), "groups": names}
        _apply(state)


def remove_port(vif):
    """Stop filtering the VIF's tap device (idempotent)."""
    with lockutils.lock(_LOCK):
        state = read_state()
        if state["ports"].pop(vif["devname"], None) is None:
            return
        _apply(state)


def refresh_security_groups(security_groups):
    """Replace the rules (and remote members) of groups; running guests follow at once.

    :param security_groups: os-security-groups dicts, each with ``name`` and
        ``rules`` (os-security-group-rules shape), optionally ``members``.
        Groups no port here uses are remembered for ports plugged later.
    """
    with lockutils.lock(_LOCK):
        state = read_state()
        for group in security_groups:
            _store_group(state, group)
        _apply(state)
