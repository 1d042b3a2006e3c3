"""The host side of a server's NICs: what nova-compute does around a guest.

Placeholder until the FlatDHCP host side (bridge, dnsmasq lease, firewall)
lands; it keeps the two functions of the contract in
doc/source/networking.rst so the build and delete paths call them already.
"""


def plug_vifs(instance, network_info):
    """Prepare this host for the guest's NICs (bridge, DHCP lease, firewall).

    :param instance: the nova Instance (uuid, hostname, display_name).
    :param network_info: list of VIF dicts (nova.network.model).
    """


def unplug_vifs(instance, network_info):
    """Undo plug_vifs for these NICs; safe to call when nothing was plugged."""
