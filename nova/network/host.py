"""What nova-compute does on its own host for an instance's VIFs.

The compute build path calls ``plug_vifs`` before ``driver.spawn`` and the
delete path ``unplug_vifs`` after ``driver.destroy``; both take the
instance and its network_info (a list of VIF dicts in upstream's shape,
as the network service stores it in the instance's info cache).
Everything acts on the calling process's network namespace (see
nova.network.linux_net).
"""

from oslo_log import log as logging

from nova.network import firewall, linux_net

LOG = logging.getLogger(__name__)


def _bridged(network_info):
    """The VIFs of network_info this host wires: bridge VIFs with an IPv4 subnet."""
    return [vif for vif in network_info or []
            if vif.get("type", "bridge") == "bridge"
            and vif["network"].get("bridge") and linux_net.ipv4_subnet(vif)]


def plug_vifs(instance, network_info):
    """Wire each VIF: bridge + gateway, static DHCP lease, metadata redirect,
    floating IP NAT and the port's security group filter.

    Idempotent: plugging again (a reboot, a host restart) changes nothing
    that is already in place. The tap device itself is created by libvirt
    when the guest starts (nova.virt.libvirt.vif).

    :param instance: an Instance (uuid, hostname).
    :param network_info: list of VIF dicts.
    """
    for vif in _bridged(network_info):
        subnet = linux_net.ipv4_subnet(vif)
        meta = vif["network"].get("meta") or {}
        linux_net.ensure_bridge(vif["network"]["bridge"], linux_net.gateway_address(vif),
                                subnet["cidr"], meta.get("mtu"))
        linux_net.ensure_network_nat(vif)
        firewall.setup_port(vif)
        linux_net.add_leases(vif, instance.hostname)
        linux_net.set_floating_ips(vif)
        LOG.info("Instance %s: VIF %s (%s, %s) plugged into %s", instance.uuid,
                 vif["id"], vif["address"], ",".join(linux_net.fixed_ips(vif)),
                 vif["network"]["bridge"])


def unplug_vifs(instance, network_info):
    """Undo plug_vifs for each VIF: its leases, floating NAT and filter go.

    The bridge, its dnsmasq (while other leases remain) and the metadata
    redirect stay for the network's other guests. Idempotent.
    """
    for vif in _bridged(network_info):
        linux_net.remove_floating_ips(vif)
        linux_net.remove_leases(vif)
        firewall.remove_port(vif)
        LOG.info("Instance %s: VIF %s unplugged", instance.uuid, vif["id"])


def update_floating_ips(instance, network_info):
    """Make the host's floating IP NAT match network_info (associate/disassociate)."""
    for vif in _bridged(network_info):
        linux_net.set_floating_ips(vif)


def refresh_security_groups(security_groups):
    """Apply new rules of security groups to the running guests of this host.

    :param security_groups: os-security-groups dicts with ``name`` and
        ``rules`` (see nova.network.firewall.refresh_security_groups).
    """
    firewall.refresh_security_groups(security_groups)
