"""[network] options: which network service gives servers their NICs."""

from oslo_config import cfg

network_group = cfg.OptGroup(
    "network",
    title="Network service options",
    help="The network service behind the compute API's networking (doc/source/networking.rst).")

network_opts = [
    cfg.StrOpt(
        "backend",
        default="nova-network",
        choices=[("nova-network", "The built-in flat DHCP network service: networks, "
                                  "fixed and floating IPs and security groups in the "
                                  "cell database, bridges and dnsmasq on each compute "
                                  "host.")],
        help="""
The network service nova.network.api.API speaks to. Only the built-in
service (nova-network's lineage) exists; a Neutron backend can take the same
interface later.

Default: nova-network
""",
    ),
]


def register_opts(conf):
    """Register the [network] group on ``conf``."""
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def list_opts():
    """Return {network_group: [options]} for the config generator."""
    return {network_group: network_opts}
