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


class HostState:
    """One candidate node as the filters and weighers see it.

    :ivar uuid: the compute node / resource provider UUID.
    :ivar free_ram_mb: MiB still allocatable; free_vcpus; free_disk_gb (GiB).
    :ivar supported_instances: [(arch, hypervisor_type, vm_mode)].
    :ivar failed_builds: consecutive failed builds on the node (its stats).
    :ivar metrics: {metric name: value} the node reports (MetricsWeigher).
    :ivar free_pci_devices: PCI devices free for passthrough (none are
        tracked yet: 0).
    """

    def __init__(self, compute_node, service, cell_uuid, provider_summary,
                 availability_zone):
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
        return [(node, services.get(node.host)) for node in nodes]

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
        for cell_uuid, result in results.items():
            if nova_context.is_cell_failure_sentinel(result):
                LOG.warning("Cell %s did not answer; its hosts are not candidates",
                            cell_uuid)
                continue
            for node, service in result:
                zone = host_zones.get(node.host) or CONF.default_availability_zone
                states.append(HostState(node, service, cell_uuid,
                                        provider_summaries[node.uuid], zone))
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

