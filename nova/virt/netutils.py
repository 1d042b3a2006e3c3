"""network_data.json from an instance's network_info.

The document the metadata service and the config drive serve under
``openstack/<version>/network_data.json`` (LIBERTY and later): ``links``
(one per VIF: its tap name, MAC and MTU), ``networks`` (one per IPv4
subnet with an address on the VIF) and ``services`` (DNS servers).
"""

import ipaddress


def _link(vif):
    meta = vif["network"].get("meta") or {}
    link = {
        "id": vif.get("devname") or ("tap" + vif["id"][:11]),
        "vif_id": vif["id"],
        "type": vif.get("type", "bridge"),
        "ethernet_mac_address": vif["address"],
    }
    if meta.get("mtu"):
        link["mtu"] = meta["mtu"]
    return link


def _network(index, link_id, vif, subnet, address):
    meta = vif["network"].get("meta") or {}
    network = {"id": f"network{index}", "link": link_id,
               "network_id": vif["network"]["id"]}
    if meta.get("dhcp_server"):
        # The guest is expected to ask DHCP, which hands out the same address.
        network["type"] = f"ipv{subnet.get('version', 4)}_dhcp"
        return network
    net = ipaddress.ip_network(subnet["cidr"], strict=False)
    network.update(type=f"ipv{net.version}", ip_address=address, netmask=str(net.netmask))
    gateway = (subnet.get("gateway") or {}).get("address")
    routes = []
    if gateway:
        default = "0.0.0.0" if net.version == 4 else "::"
        routes.append({"network": default, "netmask": default, "gateway": gateway})
    network["routes"] = routes
    network["services"] = [{"type": "dns", "address": d["address"]}
                           for d in subnet.get("dns", [])]
    return network


def get_network_metadata(network_info):
    """Return the network_data.json dict for ``network_info`` (list of VIF dicts).

    No VIFs gives ``{"links": [], "networks": [], "services": []}``.
    """
    links, networks, services = [], [], []
    for vif in network_info or []:
        link = _link(vif)
        links.append(link)
        for subnet in vif["network"].get("subnets", []):
            for ip in subnet.get("ips", []):
                if ip.get("type", "fixed") != "fixed":
                    continue
                networks.append(_network(len(networks), link["id"], vif, subnet,
                                         ip["address"]))
            for dns in subnet.get("dns", []):
                service = {"type": "dns", "address": dns["address"]}
                if service not in services:
                    services.append(service)
    return {"links": links, "networks": networks, "services": services}
