"""What a libvirt guest is doing: the diagnostics of GET /servers/{id}/diagnostics.

Read from the running domain (``virDomainGetInfo``, vCPU times, block and
interface counters, the balloon's memory statistics) and from its live
XML (which disks and NICs it has). The result is the driver-neutral shape
of ``ComputeDriver.get_instance_diagnostics``.
"""

import os
import time
import xml.etree.ElementTree as ET

import libvirt

from nova.compute import power_state

#: power_state -> the state name the 2.48 diagnostics give.
STATE_NAMES = {
    power_state.NOSTATE: "pending", power_state.RUNNING: "running",
    power_state.PAUSED: "paused", power_state.SHUTDOWN: "shutdown",
    power_state.CRASHED: "crashed", power_state.SUSPENDED: "suspended",
}


def _devices(xml_text):
    root = ET.fromstring(xml_text)
    disks = [target.get("dev") for target in root.findall("./devices/disk/target")
             if target.get("dev")]
    nics = []
    for iface in root.findall("./devices/interface"):
        target, mac = iface.find("target"), iface.find("mac")
        if target is not None and target.get("dev"):
            nics.append((target.get("dev"), mac.get("address") if mac is not None else None))
    return disks, nics


def _uptime(dom, run_dir="/run/libvirt/qemu"):
    # libvirt does not report how long a guest has run; its QEMU process does.
    try:
        with open(os.path.join(run_dir, f"{dom.name()}.pid")) as pid_file:
            pid = int(pid_file.read().strip())
        started = os.stat(f"/proc/{pid}").st_mtime
    except (OSError, ValueError):
        return 0
    return max(int(time.time() - started), 0)


def _safe(call, default):
    try:
        return call()
    except libvirt.libvirtError:
        return default


def read(dom, state, driver_name="libvirt", hypervisor="qemu", config_drive=False):
    """Return the diagnostics of the running (or stopped) domain ``dom``.

    :param state: the guest's power_state.
    :param hypervisor: [libvirt] virt_type ("qemu", "kvm").
    :returns: dict: state (name), driver, hypervisor, hypervisor_os
        ("linux"), uptime (s), config_drive (bool), num_cpus, num_disks,
        num_nics, memory_details {maximum, used} (MiB), cpu_details [{id,
        time (ns), utilisation (None: not measured)}], disk_details [{device,
        read_bytes, read_requests, write_bytes, write_requests,
        errors_count}], nic_details [{device, mac_address, rx_octets,
        rx_packets, rx_errors, rx_drop, rx_rate, tx_octets, tx_packets,
        tx_errors, tx_drop, tx_rate}] (rates None: not measured).
    """
    running = state == power_state.RUNNING
    _, max_kib, cur_kib, num_cpus, _ = dom.info()
    disks, nics = _devices(dom.XMLDesc(0))
    memory_used = cur_kib
    cpus = []
    disk_details = []
    nic_details = []
    if running:
        stats = _safe(dom.memoryStats, {})
        if "rss" in stats:
            memory_used = stats["rss"]
        vcpus = _safe(lambda: dom.vcpus()[0], [])
        cpus = [{"id": number, "time": cpu_time, "utilisation": None}
                for number, _, cpu_time, _ in vcpus]
        for device in disks:
            rd_req, rd_bytes, wr_req, wr_bytes, errors = _safe(
                lambda d=device: dom.blockStats(d), (0, 0, 0, 0, 0))
            disk_details.append({"device": device, "read_bytes": rd_bytes,
                                 "read_requests": rd_req, "write_bytes": wr_bytes,
                                 "write_requests": wr_req, "errors_count": errors})
        for device, mac in nics:
            (rx_bytes, rx_packets, rx_errs, rx_drop,
             tx_bytes, tx_packets, tx_errs, tx_drop) = _safe(
                lambda d=device: dom.interfaceStats(d), (0,) * 8)
            nic_details.append({
                "device": device, "mac_address": mac, "rx_octets": rx_bytes,
                "rx_packets": rx_packets, "rx_errors": rx_errs, "rx_drop": rx_drop,
                "rx_rate": None, "tx_octets": tx_bytes, "tx_packets": tx_packets,
                "tx_errors": tx_errs, "tx_drop": tx_drop, "tx_rate": None})
    return {
        "state": STATE_NAMES.get(state, "pending"),
        "driver": driver_name,
        "hypervisor": hypervisor,
        "hypervisor_os": "linux",
        "uptime": _uptime(dom) if running else 0,
        "config_drive": bool(config_drive),
        "num_cpus": num_cpus,
        "num_disks": len(disks),
        "num_nics": len(nics),
        "memory_details": {"maximum": max_kib // 1024, "used": memory_used // 1024},
        "cpu_details": cpus,
        "disk_details": disk_details,
        "nic_details": nic_details,
    }
