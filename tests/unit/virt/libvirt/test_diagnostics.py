"""nova.virt.libvirt.diagnostics: the standard diagnostics from a domain's counters."""

import libvirt

from nova.compute import power_state
from nova.virt.libvirt import diagnostics

XML = """<domain type='qemu'><name>instance-1</name><devices>
  <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
  <interface type='bridge'><mac address='fa:16:3e:11:22:33'/><target dev='tap1'/></interface>
</devices></domain>"""


class FakeDomain:
    def __init__(self, failing_disk=None):
        self.failing_disk = failing_disk

    def name(self):
        return "instance-1"

    def info(self):
        return [libvirt.VIR_DOMAIN_RUNNING, 262144, 262144, 2, 123]

    def XMLDesc(self, flags):
        return XML

    def memoryStats(self):
        return {"actual": 262144, "rss": 102400}

    def vcpus(self):
        return ([(0, 1, 1000, 0), (1, 1, 2000, 1)], [])

    def blockStats(self, device):
        if device == self.failing_disk:
            raise libvirt.libvirtError("no such disk")
        return (5, 4096, 2, 1024, 0)

    def interfaceStats(self, device):
        return (100, 2, 0, 0, 200, 3, 0, 1)


def test_running_guest_counters_in_the_standard_shape():
    diags = diagnostics.read(FakeDomain(), power_state.RUNNING, hypervisor="qemu")
    assert diags["state"] == "running"
    assert (diags["num_cpus"], diags["num_disks"], diags["num_nics"]) == (2, 2, 1)
    assert diags["memory_details"] == {"maximum": 256, "used": 100}
    assert diags["cpu_details"] == [{"id": 0, "time": 1000, "utilisation": None},
                                    {"id": 1, "time": 2000, "utilisation": None}]
    assert diags["disk_details"][0] == {
        "device": "vda", "read_bytes": 4096, "read_requests": 5, "write_bytes": 1024,
        "write_requests": 2, "errors_count": 0}
    nic = diags["nic_details"][0]
    assert (nic["device"], nic["mac_address"], nic["rx_octets"], nic["tx_drop"]) == (
        "tap1", "fa:16:3e:11:22:33", 100, 1)


def test_a_disk_libvirt_cannot_read_counts_zero():
    diags = diagnostics.read(FakeDomain(failing_disk="sda"), power_state.RUNNING)
    assert diags["disk_details"][1]["read_bytes"] == 0


def test_a_stopped_guest_has_sizes_but_no_counters():
    diags = diagnostics.read(FakeDomain(), power_state.SHUTDOWN)
    assert diags["state"] == "shutdown"
    assert diags["uptime"] == 0
    assert diags["cpu_details"] == diags["disk_details"] == diags["nic_details"] == []
    assert diags["memory_details"]["maximum"] == 256
