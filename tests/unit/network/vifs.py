"""network_info VIFs in the shape the network service hands the compute host."""


def make_vif(index=3, bridge="br100", fixed="10.0.0.{i}", floating=(), groups=("default",),
             dhcp=True):
    """One bridge VIF on 10.0.0.0/24 with fixed IP 10.0.0.<index>."""
    vif_id = f"{index:08x}-aaaa-4bbb-8ccc-000000000000"
    address = fixed.format(i=index)
    return {
        "id": vif_id,
        "address": f"fa:16:3e:00:00:{index:02x}",
        "type": "bridge",
        "devname": "tap" + vif_id[:11],
        "network": {
            "id": "5e0d5b0e-1d2c-4f3b-9a8e-7c6d5e4f3a21",
            "label": "private",
            "bridge": bridge,
            "subnets": [{
                "cidr": "10.0.0.0/24", "version": 4,
                "gateway": {"address": "10.0.0.1"},
                "dns": [{"address": "10.0.0.1"}],
                "ips": [{"address": address, "type": "fixed", "version": 4,
                         "floating_ips": [{"address": f, "type": "floating"}
                                          for f in floating]}],
            }],
            "meta": {"dhcp_server": "10.0.0.1", "mtu": 1400} if dhcp else {"mtu": 1400},
        },
        "meta": {"security_groups": list(groups)},
    }
