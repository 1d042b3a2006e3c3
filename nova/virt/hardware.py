"""Plain value types the virt drivers hand back to the compute manager."""

import dataclasses


@dataclasses.dataclass(frozen=True)
class InstanceInfo:
    """What a driver knows about one guest right now.

    :ivar state: a nova.compute.power_state value (int).
    :ivar internal_id: the hypervisor's own id for the guest (libvirt domain
        name or UUID), for logs only.
    """

    state: int
    internal_id: str | None = None


@dataclasses.dataclass(frozen=True)
class ConsoleVNC:
    """Where a guest's VNC server listens, as seen from nova-novncproxy."""

    host: str
    port: int
    internal_access_path: str | None = None


@dataclasses.dataclass(frozen=True)
class ConsoleSpice:
    """Where a guest's SPICE server listens, as seen from the console proxies.

    ``tls_port`` is the SPICE server's TLS port, or None without TLS.
    """

    host: str
    port: int
    tls_port: int | None = None
    internal_access_path: str | None = None


@dataclasses.dataclass(frozen=True)
class ConsoleSerial:
    """Where a guest's serial port listens (TCP, raw), as seen from nova-serialproxy."""

    host: str
    port: int
    internal_access_path: str | None = None


@dataclasses.dataclass(frozen=True)
class HostResources:
    """A node's capacity and usage as the hypervisor reports it.

    Memory in MiB, disk in GiB, CPUs in logical host CPUs. ``*_used`` is what
    the hypervisor sees consumed (guests plus the host itself), which the
    resource tracker reports for os-hypervisors; Placement inventory is built
    from the totals.
    """

    hypervisor_hostname: str
    vcpus: int
    memory_mb: int
    local_gb: int
    vcpus_used: int = 0
    memory_mb_used: int = 0
    local_gb_used: int = 0
    hypervisor_type: str = "fake"
    hypervisor_version: int = 1000
    cpu_info: str = "{}"
    disk_available_least: int | None = None
    host_ip: str | None = None
    #: [(architecture, hypervisor type, vm mode)] the node can run, for
    #: the ImagePropertiesFilter.
    supported_instances: tuple = (("x86_64", "fake", "hvm"),)

    def as_dict(self):
        """Return the fields as the dict ComputeNode.update_from_virt_driver takes."""
        values = dataclasses.asdict(self)
        values["supported_instances"] = [list(t) for t in self.supported_instances]
        return values
