"""The built-in network service (nova-network lineage) and its host side.

``nova.network.api.API`` is the one interface the compute API, the
compute host and the metadata service call; [network] backend names what
is behind it. See doc/source/networking.rst.
"""
