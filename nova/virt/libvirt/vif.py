"""Guest NICs from network_info VIFs.

A ``bridge`` VIF becomes ``<interface type="bridge">``: libvirt creates the
tap device named by the VIF's ``devname``, plugs it into the VIF's network
bridge and gives the guest a virtio NIC with the VIF's MAC address. The
bridge itself is set up before spawn (nova.network.host.plug_vifs).
"""

from nova import exception
from nova.virt.libvirt import config as vconfig


def get_config(vif):
    """Return the vconfig.GuestInterface of one VIF dict.

    :raises NovaException: a VIF type other than "bridge" (the only kind the
        built-in network service makes).
    """
    vif_type = vif.get("type", "bridge")
    if vif_type != "bridge":
        raise exception.NovaException(f"Unsupported VIF type {vif_type} for VIF {vif['id']}")
    mtu = (vif["network"].get("meta") or {}).get("mtu")
    return vconfig.GuestInterface(
        mac_address=vif["address"],
        bridge=vif["network"]["bridge"],
        target_dev=vif.get("devname") or ("tap" + vif["id"][:11]),
        model="virtio",
        mtu=mtu,
    )


def get_configs(network_info):
    """Return one GuestInterface per VIF of network_info, in order (eth0 first)."""
    return [get_config(vif) for vif in network_info or []]
