"""[DEFAULT] options of the compute host's side of built-in networking.

What nova-compute sets up on its own host for a FlatDHCP network (see
nova/network/linux_net.py): where dnsmasq keeps its files, how long its
leases last, where the metadata address 169.254.169.254 is redirected,
which interface carries floating IPs and which traffic is NATed on its way
out. Names as upstream nova-network's.
"""

from oslo_config import cfg

linux_net_opts = [
    cfg.StrOpt(
        "networks_path",
        default="$state_path/networks",
        help="""
Directory of the files dnsmasq uses on this compute host.

One set per bridge: ``nova-<bridge>.conf`` (the DHCP hosts file: one static
lease per fixed IP), ``nova-<bridge>.pid`` and ``nova-<bridge>.leases``.
The security group and NAT state of the host is kept here too.

Related options:
* state_path
""",
    ),
    cfg.IntOpt(
        "dhcp_lease_time",
        default=86400,
        min=120,
        help="""
Lifetime of a DHCP lease dnsmasq hands out, in seconds.

A guest renews after half of it. The address never changes: every lease is
static (one per fixed IP), so a short lifetime only costs DHCP traffic.
""",
    ),
    cfg.StrOpt(
        "metadata_host",
        default="$my_ip",
        help="""
Address of nova-api-metadata as this compute host reaches it.

Guests ask http://169.254.169.254/; the host redirects that address, port
80, to metadata_host:metadata_port (DNAT). A loopback address is allowed
(the bridge is then allowed to route to loopback), which is how a compute
host in a namespace of tools/hosts.sh reaches a forwarded port.

Related options:
* metadata_port
* my_ip
""",
    ),
    cfg.PortOpt(
        "metadata_port",
        default=8775,
        help="""
Port of nova-api-metadata on metadata_host (see there).

Related options:
* metadata_host
* metadata_listen_port
""",
    ),
    cfg.StrOpt(
        "public_interface",
        default="eth0",
        help="""
Interface of this compute host that carries floating IPs.

A floating IP associated with a guest here is added to this interface (as a
/32) so that its neighbours reach it; the host then translates it 1:1 to
the guest's fixed IP. When the interface does not exist the translation is
still set up (the host itself reaches the floating IP) but the address is
not added.
""",
    ),
    cfg.ListOpt(
        "force_snat_range",
        default=[],
        help="""
Destinations (CIDRs) that guests reach through outbound NAT.

Traffic from a fixed network to one of these ranges leaves with this
host's address (masquerade), so guests reach networks that have no route
back to them. Empty (the default): no outbound NAT, guests reach only
their own network, this host and what routes to them. ``0.0.0.0/0`` NATs
everything that leaves the fixed network.

Possible values:
* A list of IPv4 CIDRs, e.g. ``0.0.0.0/0`` or ``203.0.113.0/24``.
""",
    ),
]

configdrive_opts = [
    cfg.BoolOpt(
        "force_config_drive",
        default=False,
        help="""
Give every new guest a config drive, whether or not its request asked.

A config drive is an ISO 9660 volume labelled ``config-2`` attached as a
CD-ROM, with the documents of the metadata service's OpenStack layout
(``openstack/<version>/meta_data.json``, ``user_data``,
``network_data.json``, ``vendor_data.json``), for guests that cannot or
should not reach http://169.254.169.254/. The server's ``config_drive``
attribute (POST /servers) asks for one per server.
""",
    ),
]


def register_opts(conf):
    """Register the options above in [DEFAULT] on ``conf``."""
    conf.register_opts(linux_net_opts + configdrive_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": linux_net_opts + configdrive_opts}
