"""The built-in network service (nova-network lineage) and its host side.

``nova.network.api.API`` is the one interface the compute API, the
compute host and the metadata service call; [network] backend names what
is behind it. ``nova.network.host`` plugs and unplugs a server's NICs on
its compute host (bridge, DHCP lease, firewall, NAT). See
doc/source/networking.rst and doc/source/compute-host-network.rst.
"""
