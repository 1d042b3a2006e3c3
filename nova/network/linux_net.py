"""FlatDHCP on a compute host: bridge, dnsmasq, metadata redirect, NAT.

Everything here acts on the network namespace the calling process runs in:
nova-compute of a host of tools/hosts.sh runs inside that host's
namespace, so its bridges, dnsmasq processes and nftables tables never
touch the machine's own network.

Per network (one Linux bridge, named by the network's ``bridge``):

* the bridge holds the network's gateway address (``dhcp_server`` of the
  VIF's network meta, else the subnet's gateway), so the host is the
  guests' router, DHCP server and metadata server;
* one dnsmasq per bridge answers DHCP only (``--port=0``: no DNS), with
  ``--dhcp-range=<net>,static``: it leases only the addresses of its hosts
  file ``nova-<bridge>.conf`` (one ``mac,hostname,ip`` line per fixed IP),
  which is rewritten and signalled (SIGHUP) when VIFs come and go.

Per host, one nftables table ``ip nova_nat`` rendered from a small state
file and replaced atomically on every change: the redirect of
169.254.169.254:80 to [DEFAULT] metadata_host:metadata_port, 1:1 NAT of
floating IPs, and outbound NAT towards [DEFAULT] force_snat_range.
"""

import contextlib
import ipaddress
import json
import os
import signal

from oslo_concurrency import lockutils, processutils
from oslo_log import log as logging

import nova.conf

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

METADATA_ADDRESS = "169.254.169.254"
NAT_TABLE = "nova_nat"
_LOCK = "nova-linux-net"


def execute(*cmd, **kwargs):
    """Run a host command (processutils.execute); tests replace this."""
    return processutils.execute(*cmd, **kwargs)


def _path(name):
    os.makedirs(CONF.networks_path, exist_ok=True)
    return os.path.join(CONF.networks_path, name)


def hosts_file_path(bridge):
    """Path of the DHCP hosts file of ``bridge``."""
    return _path(f"nova-{bridge}.conf")


def _pid_path(bridge):
    return _path(f"nova-{bridge}.pid")


def _lease_path(bridge):
    return _path(f"nova-{bridge}.leases")


# -- what a VIF says -----------------------------------------------------------


def ipv4_subnet(vif):
    """The first IPv4 subnet dict of a VIF's network, or None."""
    for subnet in vif["network"].get("subnets", []):
        if subnet.get("version", 4) == 4:
            return subnet
    return None


def fixed_ips(vif):
    """The fixed IPv4 addresses (str) of a VIF."""
    subnet = ipv4_subnet(vif)
    if subnet is None:
        return []
    return [ip["address"] for ip in subnet.get("ips", [])
            if ip.get("type", "fixed") == "fixed"]


def floating_ips(vif):
    """[(floating address, fixed address)] of a VIF."""
    subnet = ipv4_subnet(vif)
    pairs = []
    for ip in (subnet or {}).get("ips", []):
        for fip in ip.get("floating_ips", []):
            pairs.append((fip["address"], ip["address"]))
    return pairs


def gateway_address(vif):
    """The address the bridge holds for the VIF's network: dhcp_server or gateway."""
    meta = vif["network"].get("meta") or {}
    subnet = ipv4_subnet(vif)
    if meta.get("dhcp_server"):
        return meta["dhcp_server"]
    gateway = (subnet or {}).get("gateway") or {}
    return gateway.get("address")


# -- the bridge ----------------------------------------------------------------


def _link_exists(name):
    try:
        execute("ip", "link", "show", "dev", name)
    except processutils.ProcessExecutionError:
        return False
    return True


def ensure_bridge(bridge, gateway, cidr, mtu=None):
    """Create ``bridge`` (when missing), bring it up and give it the gateway address.

    :param gateway: IPv4 address (str) the host answers on in this network.
    :param cidr: the network, e.g. "10.0.0.0/24" (its prefix length is used).
    :param mtu: the bridge's MTU (int) or None to leave the kernel's.
    """
    if not _link_exists(bridge):
        # The host is the network's only router: no STP, forward at once.
        execute("ip", "link", "add", "name", bridge, "type", "bridge",
                "stp_state", "0", "forward_delay", "0")
    if mtu:
        execute("ip", "link", "set", "dev", bridge, "mtu", str(mtu))
    execute("ip", "link", "set", "dev", bridge, "up")
    prefix = ipaddress.ip_network(cidr, strict=False).prefixlen
    execute("ip", "address", "replace", f"{gateway}/{prefix}", "dev", bridge)


def delete_bridge(bridge):
    """Stop the bridge's dnsmasq and delete the bridge (idempotent)."""
    stop_dnsmasq(bridge)
    if _link_exists(bridge):
        execute("ip", "link", "delete", "dev", bridge)
    with contextlib.suppress(FileNotFoundError):
        os.remove(hosts_file_path(bridge))


# -- dnsmasq -------------------------------------------------------------------


def host_line(mac, hostname, address):
    """One dhcp-hostsfile line: ``mac,hostname,address``.

    dnsmasq refuses a hostname with characters outside [A-Za-z0-9-]; such a
    lease is written without one (the guest still gets its address).
    """
    name = hostname or ""
    if name and all(c.isalnum() or c == "-" for c in name) and not name.startswith("-"):
        return f"{mac},{name},{address}"
    return f"{mac},{address}"


def read_hosts(bridge):
    """{mac: line} of the bridge's hosts file ({} when there is none)."""
    try:
        with open(hosts_file_path(bridge)) as handle:
            lines = [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return {}
    return {line.split(",", 1)[0]: line for line in lines}


def _write_hosts(bridge, hosts):
    path = hosts_file_path(bridge)
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        for mac in sorted(hosts):
            handle.write(hosts[mac] + "\n")
    os.replace(tmp, path)


def dnsmasq_cmd(bridge, gateway, cidr, dns=(), mtu=None):
    """The dnsmasq command line (list of str) serving DHCP on ``bridge``.

    :param dns: DNS server addresses handed to guests (DHCP option 6).
    """
    net = ipaddress.ip_network(cidr, strict=False)
    cmd = [
        "dnsmasq",
        "--conf-file=",
        "--no-hosts",
        "--no-resolv",
        "--port=0",
        "--strict-order",
        "--bind-interfaces",
        f"--interface={bridge}",
        "--except-interface=lo",
        f"--listen-address={gateway}",
        f"--pid-file={_pid_path(bridge)}",
        f"--dhcp-leasefile={_lease_path(bridge)}",
        f"--dhcp-hostsfile={hosts_file_path(bridge)}",
        f"--dhcp-range=set:{bridge},{net.network_address},static,{net.netmask},"
        f"{CONF.dhcp_lease_time}s",
        f"--dhcp-lease-max={net.num_addresses}",
        f"--dhcp-option=tag:{bridge},option:router,{gateway}",
        "--dhcp-authoritative",
        # The leases and pid files belong to the compute service's user.
        "--user=root",
    ]
    if dns:
        cmd.append(f"--dhcp-option=tag:{bridge},option:dns-server,{','.join(dns)}")
    if mtu:
        cmd.append(f"--dhcp-option=tag:{bridge},option:mtu,{mtu}")
    if CONF.api.dhcp_domain:
        cmd.append(f"--domain={CONF.api.dhcp_domain}")
    return cmd


def dnsmasq_pid(bridge):
    """Pid (int) of the bridge's running dnsmasq, or None."""
    try:
        with open(_pid_path(bridge)) as handle:
            pid = int(handle.read().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read()
    except FileNotFoundError:
        return None
    # A recycled pid is some other process: only ours counts.
    if b"dnsmasq" in cmdline and hosts_file_path(bridge).encode() in cmdline:
        return pid
    return None


def restart_dhcp(bridge, gateway, cidr, dns=(), mtu=None):
    """Make dnsmasq serve the bridge's current hosts file.

    A running dnsmasq re-reads its hosts file on SIGHUP; otherwise one is
    started (it daemonises and writes its pid file).
    """
    pid = dnsmasq_pid(bridge)
    if pid is not None:
        os.kill(pid, signal.SIGHUP)
        return
    if not os.path.exists(hosts_file_path(bridge)):
        _write_hosts(bridge, {})
    execute(*dnsmasq_cmd(bridge, gateway, cidr, dns, mtu))


def stop_dnsmasq(bridge):
    """Stop the bridge's dnsmasq if it runs."""
    pid = dnsmasq_pid(bridge)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for path in (_pid_path(bridge), _lease_path(bridge)):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def _dhcp_args(vif):
    subnet = ipv4_subnet(vif)
    dns = [d["address"] for d in subnet.get("dns", [])]
    mtu = (vif["network"].get("meta") or {}).get("mtu")
    return gateway_address(vif), subnet["cidr"], dns, mtu


def add_leases(vif, hostname):
    """Add the static leases of ``vif`` to its bridge's dnsmasq (start it if needed)."""
    bridge = vif["network"]["bridge"]
    with lockutils.lock(_LOCK):
        hosts = read_hosts(bridge)
        for address in fixed_ips(vif):
            hosts[vif["address"]] = host_line(vif["address"], hostname, address)
        _write_hosts(bridge, hosts)
        restart_dhcp(bridge, *_dhcp_args(vif))


def remove_leases(vif):
    """Remove the leases of ``vif``; the bridge's last VIF stops its dnsmasq."""
    bridge = vif["network"]["bridge"]
    with lockutils.lock(_LOCK):
        hosts = read_hosts(bridge)
        if hosts.pop(vif["address"], None) is None:
            return
        _write_hosts(bridge, hosts)
        if hosts:
            restart_dhcp(bridge, *_dhcp_args(vif))
        else:
            stop_dnsmasq(bridge)


# -- NAT: metadata redirect, floating IPs, outbound ------------------------------


def _nat_state_path():
    return _path("nat.json")


def read_nat_state():
    """The host's NAT state: {"metadata": {bridge: gateway}, "floating": {fip: fixed},
    "snat": {bridge: cidr}}."""
    try:
        with open(_nat_state_path()) as handle:
            state = json.load(handle)
    except FileNotFoundError:
        state = {}
    for key in ("metadata", "floating", "snat"):
        state.setdefault(key, {})
    return state


def nat_ruleset(state, metadata_host, metadata_port, snat_ranges):
    """The nft script (str) that replaces table ``ip nova_nat`` with ``state``.

    Pure: unit tests read it. The table is declared, deleted and declared
    again in one transaction, so applying it replaces it atomically.
    """
    prerouting, output, postrouting = [], [], []
    for bridge in sorted(state["metadata"]):
        prerouting.append(
            f'iifname "{bridge}" ip daddr {METADATA_ADDRESS} tcp dport 80 '
            f"dnat to {metadata_host}:{metadata_port}")
    for fip, fixed in sorted(state["floating"].items()):
        # Inbound from anywhere (and from this host itself) to the guest,
        # and the guest's own new connections leave as its floating IP.
        prerouting.append(f"ip daddr {fip} dnat to {fixed}")
        output.append(f"ip daddr {fip} dnat to {fixed}")
        postrouting.append(f"ip saddr {fixed} ct direction original "
                           f"ip daddr != {fixed} snat to {fip}")
    for bridge, cidr in sorted(state["snat"].items()):
        for dest in snat_ranges:
            postrouting.append(f'ip saddr {cidr} ip daddr {dest} oifname != "{bridge}" '
                               f"masquerade")
    lines = [f"table ip {NAT_TABLE}", f"delete table ip {NAT_TABLE}",
             f"table ip {NAT_TABLE} {{"]
    for name, hook, priority, rules in (("prerouting", "prerouting", -100, prerouting),
                                        ("output", "output", -100, output),
                                        ("postrouting", "postrouting", 100, postrouting)):
        lines.append(f"  chain {name} {{")
        lines.append(f"    type nat hook {hook} priority {priority}; policy accept;")
        lines.extend(f"    {rule}" for rule in rules)
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _apply_nat(state):
    with open(_nat_state_path() + ".tmp", "w") as handle:
        json.dump(state, handle, sort_keys=True)
    execute("nft", "-f", "-", process_input=nat_ruleset(
        state, CONF.metadata_host, CONF.metadata_port, CONF.force_snat_range))
    os.replace(_nat_state_path() + ".tmp", _nat_state_path())


def _sysctl(key, value):
    path = "/proc/sys/" + key.replace(".", "/")
    with open(path, "w") as handle:
        handle.write(str(value))


def ensure_network_nat(vif):
    """Metadata redirect (and outbound NAT when configured) for the VIF's bridge."""
    bridge = vif["network"]["bridge"]
    cidr = ipv4_subnet(vif)["cidr"]
    with lockutils.lock(_LOCK):
        state = read_nat_state()
        if state["metadata"].get(bridge) == gateway_address(vif) and \
                state["snat"].get(bridge) == cidr:
            return
        # Guests route through the host: forwarding on, and the redirect
        # may point at a loopback address (a forwarded port in a namespace).
        _sysctl("net.ipv4.ip_forward", 1)
        if ipaddress.ip_address(CONF.metadata_host).is_loopback:
            _sysctl(f"net.ipv4.conf.{bridge}.route_localnet", 1)
        state["metadata"][bridge] = gateway_address(vif)
        state["snat"][bridge] = cidr
        _apply_nat(state)


def _public_interface():
    name = CONF.public_interface
    return name if name and _link_exists(name) else None


def set_floating_ips(vif):
    """Make the VIF's floating IPs (network_info's floating_ips) reach it.

    Floating IPs of this VIF that are no longer listed are removed, so the
    same call serves associate and disassociate.
    """
    wanted = dict(floating_ips(vif))
    fixed = set(fixed_ips(vif))
    public = _public_interface()
    with lockutils.lock(_LOCK):
        state = read_nat_state()
        current = {f: x for f, x in state["floating"].items() if x in fixed}
        if current == wanted:
            return
        for fip in current.keys() - wanted.keys():
            del state["floating"][fip]
            if public:
                execute("ip", "address", "del", f"{fip}/32", "dev", public,
                        check_exit_code=[0, 2])
        for fip, address in wanted.items():
            state["floating"][fip] = address
            if public:
                execute("ip", "address", "replace", f"{fip}/32", "dev", public)
        _apply_nat(state)


def remove_floating_ips(vif):
    """Remove every floating IP NAT of the VIF's fixed IPs."""
    vif = json.loads(json.dumps(vif))
    subnet = ipv4_subnet(vif)
    for ip in (subnet or {}).get("ips", []):
        ip["floating_ips"] = []
    set_floating_ips(vif)


def remove_network_nat(bridge):
    """Drop the metadata redirect and outbound NAT of ``bridge``."""
    with lockutils.lock(_LOCK):
        state = read_nat_state()
        if bridge not in state["metadata"] and bridge not in state["snat"]:
            return
        state["metadata"].pop(bridge, None)
        state["snat"].pop(bridge, None)
        _apply_nat(state)
