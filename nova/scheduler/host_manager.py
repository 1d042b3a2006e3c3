"""Host states: what the filters and weighers know about each candidate node.

A HostState joins three sources for one compute node: Placement's provider
summary (capacity and usage per resource class, the freshest numbers), the
compute_nodes row of its cell (host, hypervisor type, supported instances)
and the nova-compute service row (enabled, up). Capacity follows Placement:
(total - reserved) * allocation_ratio - used.
"""

import logging
import threading
import time

from oslo_serialization import jsonutils

from nova import conf as nova_conf
from nova import context as nova_context
from nova import objects, servicegroup
from nova.objects import service as service_obj
from nova.scheduler import utils

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Seconds to wait for all cells when loading compute nodes.
CELL_TIMEOUT = 60


def _capacity(summary, resource_class):
    """Return (capacity, used) of ``resource_class`` in a provider summary."""
    resource = (summary.get("resources") or {}).get(resource_class) or {}
    return resource.get("capacity", 0), resource.get("used", 0)


def _int_stat(compute_node, name):
    """An integer entry of the compute node's stats (0 when absent or bad)."""
    stats = compute_node.stats if compute_node.obj_attr_is_set("stats") else None
    try:
        return int((stats or {}).get(name) or 0)
    except ValueError:
        return 0


def _metrics(compute_node):
    """{name: value} from the compute node's metrics JSON list ({} when none)."""
    raw = compute_node.metrics if compute_node.obj_attr_is_set("metrics") else None
    if not raw:
        return {}
    try:
        entries = jsonutils.loads(raw)
    except ValueError:
        LOG.warning("Compute node %s has unreadable metrics", compute_node.uuid)
        return {}
    return {e["name"]: e["value"] for e in entries
            if isinstance(e, dict) and "name" in e and "value" in e}


class AggregateIndex:
    """The host aggregates of every host, read on first use (one query).

    Shared by the HostStates of one request so that only requests whose
    filters look at aggregates pay for reading them.
    """

    def __init__(self, context):
        self._context = context
        self._by_host = None
        self._lock = threading.Lock()

    def for_host(self, host):
        """Return the list of objects.Aggregate ``host`` belongs to."""
        with self._lock:
            if self._by_host is None:
                by_host = {}
                for aggregate in objects.AggregateList.get_all(self._context):
                    for member in aggregate.hosts or []:
                        by_host.setdefault(member, []).append(aggregate)
                self._by_host = by_host
        return self._by_host.get(host, [])


class HostState:
    """One candidate node as the filters and weighers see it.

    :ivar uuid: the compute node / resource provider UUID.
    :ivar free_ram_mb: MiB still allocatable; free_vcpus; free_disk_gb (GiB).
    :ivar supported_instances: [(arch, hypervisor_type, vm_mode)].
    :ivar host_ip: the node's IP address (str) or None.
    :ivar num_instances: live instances on the node; num_io_ops those of
        them building, resizing, rebuilding, snapshotting, rescuing or
        unshelving (objects.instance.IO_TASK_STATES).
    :ivar numa_topology: the node's NUMA topology, None when it reports none;
        pci_device_pools: its PCI device pools ([] here: no host reports any).
    :ivar aggregates: list of objects.Aggregate the host is in (read lazily).
    :ivar failed_builds: consecutive failed builds on the node (its stats).
    :ivar metrics: {metric name: value} the node reports (MetricsWeigher).
    :ivar free_pci_devices: PCI devices free for passthrough (none are
        tracked yet: 0).
    """

    def __init__(self, compute_node, service, cell_uuid, provider_summary,
                 availability_zone, load=(0, 0), aggregate_index=None):
        self.uuid = compute_node.uuid
        self.host = compute_node.host
        self.nodename = compute_node.hypervisor_hostname
        self.cell_uuid = cell_uuid
        self.hypervisor_type = compute_node.hypervisor_type
        self.hypervisor_version = compute_node.hypervisor_version
        self.availability_zone = availability_zone
        self.supported_instances = [
            (spec.arch, spec.hv_type, spec.vm_mode)
            for spec in (compute_node.supported_hv_specs or [])
        ]
        self.failed_builds = _int_stat(compute_node, "failed_builds")
        self.metrics = _metrics(compute_node)
        self.free_pci_devices = 0
        self.service_disabled = bool(service is None or service.disabled)
        self.service_up = service is not None and servicegroup.is_up(service)
        total_vcpus, used_vcpus = _capacity(provider_summary, utils.VCPU)
        total_ram, used_ram = _capacity(provider_summary, utils.MEMORY_MB)
        total_disk, used_disk = _capacity(provider_summary, utils.DISK_GB)
        self.vcpus_total, self.vcpus_used = total_vcpus, used_vcpus
        self.free_vcpus = total_vcpus - used_vcpus
        self.total_usable_ram_mb = total_ram
        self.free_ram_mb = total_ram - used_ram
        self.total_usable_disk_gb = total_disk
        self.free_disk_gb = total_disk - used_disk
        self.host_ip = str(compute_node.host_ip) if compute_node.obj_attr_is_set(
            "host_ip") and compute_node.host_ip else None
        self.num_instances, self.num_io_ops = load
        self.numa_topology = (compute_node.numa_topology
                              if compute_node.obj_attr_is_set("numa_topology") else None)
        self.pci_device_pools = []
        self._aggregate_index = aggregate_index

    @property
    def aggregates(self):
        """The objects.Aggregate list of this host ([] without an index)."""
        if self._aggregate_index is None:
            return []
        return self._aggregate_index.for_host(self.host)

    @property
    def free_disk_mb(self):
        """Free disk in MiB (upstream's name, used in JsonFilter queries)."""
        return self.free_disk_gb * 1024

    def consume_instance(self):
        """Count one more instance, building (an IO op), on this host."""
        self.num_instances += 1
        self.num_io_ops += 1

    def __repr__(self):
        return f"({self.host}, {self.nodename}) ram: {self.free_ram_mb}MB " \
               f"disk: {self.free_disk_gb}GB vcpus: {self.free_vcpus}"


class HostManager:
    """Builds HostStates for the providers Placement returned."""

    def _nodes_in_cell(self, cctxt, uuids):
        nodes = objects.ComputeNodeList.get_all_by_uuids(cctxt, uuids)
        services = {
            svc.host: svc
            for svc in objects.ServiceList.get_by_binary(
                cctxt, service_obj.COMPUTE_BINARY, include_disabled=True)
        }
        load = objects.InstanceList.get_load_by_node(cctxt)
        return [(node, services.get(node.host),
                 load.get((node.host, node.hypervisor_hostname), (0, 0)))
                for node in nodes]

    def get_host_states(self, context, provider_summaries, host_zones):
        """Return HostStates for every provider in ``provider_summaries``.

        :param provider_summaries: {rp_uuid: summary} from
            GET /allocation_candidates.
        :param host_zones: {host: availability zone} from aggregates.
        Providers with no compute node in any cell (e.g. a deleted host
        still in Placement) are left out.
        """
        uuids = list(provider_summaries)
        if not uuids:
            return []
        cells = objects.CellMappingList.get_all(context)
        results = nova_context.scatter_gather_cells(
            context, [c for c in cells if not c.is_cell0()], CELL_TIMEOUT,
            self._nodes_in_cell, uuids)
        states = []
        aggregate_index = AggregateIndex(context)
        for cell_uuid, result in results.items():
            if nova_context.is_cell_failure_sentinel(result):
                LOG.warning("Cell %s did not answer; its hosts are not candidates",
                            cell_uuid)
                continue
            for node, service, load in result:
                zone = host_zones.get(node.host) or CONF.default_availability_zone
                states.append(HostState(node, service, cell_uuid,
                                        provider_summaries[node.uuid], zone,
                                        load=load, aggregate_index=aggregate_index))
        order = {uuid: index for index, uuid in enumerate(uuids)}
        states.sort(key=lambda state: order[state.uuid])
        return states



def host_availability_zones(context):
    """Return {host: availability zone} from aggregates' availability_zone metadata.

    Hosts in no zone aggregate are absent; HostState then uses
    [DEFAULT] default_availability_zone.
    """
    zones = {}
    for aggregate in objects.AggregateList.get_by_metadata_key(context, "availability_zone"):
        zone = aggregate.metadata.get("availability_zone")
        for host in aggregate.hosts:
            zones.setdefault(host, zone)
    return zones


class CachedHostZones:
    """host_availability_zones() re-read at most every ``ttl`` seconds.

    Reading the aggregates was half of each select_destinations' own time
    (boot benchmark). Upstream keeps aggregates in memory and updates them
    on notifications; this keeps the answer at most ``ttl`` seconds old,
    so a host moved to another zone is scheduled there within that time.

    :param loader: callable(context) -> {host: zone}.
    :param ttl: seconds an answer is reused.
    """

    def __init__(self, loader=host_availability_zones, ttl=5.0):
        self._loader = loader
        self._ttl = ttl
        self._lock = threading.Lock()
        self._zones = None
        self._expires = 0.0

    def __call__(self, context):
        with self._lock:
            now = time.monotonic()
            if self._zones is None or now >= self._expires:
                self._zones = self._loader(context)
                self._expires = now + self._ttl
            return self._zones

