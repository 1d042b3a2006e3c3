"""network_info: a server's NICs as the compute host and the API see them.

A JSON-able list of VIF dicts, one per NIC, in upstream's shape (the
contract in doc/source/networking.rst)::

    {"id": vif uuid, "address": MAC, "type": "bridge", "devname": "tap" + id[:11],
     "network": {"id": network uuid, "label": ..., "bridge": ...,
                 "subnets": [{"cidr": ..., "version": 4,
                              "gateway": {"address": ...}, "dns": [{"address": ...}],
                              "ips": [{"address": ..., "type": "fixed", "version": 4,
                                       "floating_ips": [{"address": ...,
                                                         "type": "floating"}]}]}],
                 "meta": {"dhcp_server": ..., "mtu": ...}},
     "meta": {"security_groups": [names]}}

It is stored in the instance's info cache and passed to
``ComputeDriver.spawn(network_info=...)`` and ``nova.network.host``.
"""

#: VIF type of a NIC on a Linux bridge (upstream's VIF_TYPE_BRIDGE).
VIF_TYPE_BRIDGE = "bridge"
#: Length of the tap device name's uuid part (upstream's NIC_NAME_LEN - 3).
_DEVNAME_UUID_LEN = 11
#: MTU when the network names none (bytes).
DEFAULT_MTU = 1500


def devname(vif_uuid):
    """The tap device of a VIF: "tap" + the first 11 characters of its uuid."""
    return "tap" + vif_uuid[:_DEVNAME_UUID_LEN]


def build_vif(network, vif, fixed_ips, floating_ips=None, security_groups=None):
    """Return one VIF dict.

    :param network: objects.Network the NIC is on.
    :param vif: objects.VirtualInterface.
    :param fixed_ips: addresses (str) of the NIC on that network.
    :param floating_ips: {fixed address: [floating address, ...]}.
    :param security_groups: names of the server's security groups.
    """
    floating_ips = floating_ips or {}
    dns = [{"address": a} for a in (network.dns1, network.dns2) if a]
    return {
        "id": vif.uuid,
        "address": vif.address,
        "type": VIF_TYPE_BRIDGE,
        "devname": devname(vif.uuid),
        "network": {
            "id": network.uuid,
            "label": network.label,
            "bridge": network.bridge,
            "subnets": [{
                "cidr": network.cidr,
                "version": 4,
                "gateway": {"address": network.gateway},
                "dns": dns,
                "ips": [{"address": address, "type": "fixed", "version": 4,
                         "floating_ips": [{"address": f, "type": "floating", "version": 4}
                                          for f in floating_ips.get(address, [])]}
                        for address in fixed_ips],
            }],
            "meta": {"dhcp_server": network.dhcp_server or network.gateway,
                     "mtu": network.mtu or DEFAULT_MTU},
        },
        "meta": {"security_groups": list(security_groups or [])},
    }


def addresses(network_info):
    """The ``addresses`` of a server view (api-ref "Show Server Details").

    :returns: {network label: [{"version", "addr", "OS-EXT-IPS:type",
        "OS-EXT-IPS-MAC:mac_addr"}, ...]}, fixed addresses before the
        floating ones of each NIC.
    """
    result = {}
    for vif in network_info or []:
        network = vif.get("network") or {}
        entries = result.setdefault(network.get("label"), [])
        for subnet in network.get("subnets") or []:
            for ip in subnet.get("ips") or []:
                entries.append(_address(ip, "fixed", vif))
                for floating in ip.get("floating_ips") or []:
                    entries.append(_address(floating, "floating", vif))
    return result


def _address(ip, kind, vif):
    return {"version": ip.get("version", 4), "addr": ip["address"],
            "OS-EXT-IPS:type": kind, "OS-EXT-IPS-MAC:mac_addr": vif.get("address")}


def fixed_addresses(network_info):
    """Every fixed address (str) in ``network_info``."""
    return [ip["address"] for vif in network_info or []
            for subnet in (vif.get("network") or {}).get("subnets") or []
            for ip in subnet.get("ips") or []]
