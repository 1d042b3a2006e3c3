"""Host states: what the filters and weighers know about each candidate node.

A HostState joins three sources for one compute node: Placement's provider
summary (capacity and usage per resource class, the freshest numbers), the
compute_nodes row of its cell (host, hypervisor type, supported instances)
and the nova-compute service row (enabled, up). Capacity follows Placement:
(total - reserved) * allocation_ratio - used.
"""

import datetime
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
        self.host_ip = str(compute_node.host_ip) if compute_node.obj_attr_is_set(
            "host_ip") and compute_node.host_ip else None
        self.numa_topology = (compute_node.numa_topology
                              if compute_node.obj_attr_is_set("numa_topology") else None)
        self.pci_device_pools = []
        self.set_service(service, service is not None and servicegroup.is_up(service))
        self.set_capacity(provider_summary)
        self.set_request_context(load, aggregate_index)

    def set_service(self, service, up):
        """Set service_disabled and service_up from the node's compute service.

        :param service: objects.Service or None (no service row: disabled).
        :param up: whether servicegroup.is_up() holds for it now.
        """
        self.service_disabled = bool(service is None or service.disabled)
        self.service_up = bool(service is not None and up)

    def set_capacity(self, provider_summary):
        """Set the capacity and free amounts from a Placement provider summary."""
        total_vcpus, used_vcpus = _capacity(provider_summary, utils.VCPU)
        total_ram, used_ram = _capacity(provider_summary, utils.MEMORY_MB)
        total_disk, used_disk = _capacity(provider_summary, utils.DISK_GB)
        self.vcpus_total, self.vcpus_used = total_vcpus, used_vcpus
        self.free_vcpus = total_vcpus - used_vcpus
        self.total_usable_ram_mb = total_ram
        self.free_ram_mb = total_ram - used_ram
        self.total_usable_disk_gb = total_disk
        self.free_disk_gb = total_disk - used_disk

    def set_request_context(self, load, aggregate_index):
        """Set what one request reads fresh: instance counts and aggregates.

        :param load: (num_instances, num_io_ops) on the node now.
        :param aggregate_index: the request's AggregateIndex, or None.
        """
        self.num_instances, self.num_io_ops = load
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
    """Builds HostStates for the providers Placement returned.

    Compute node and service records are cached per cell and refreshed
    incrementally: the first request loads a cell's records, each later
    request reads only the rows created, updated or deleted since the
    newest change already seen (minus CHANGE_OVERLAP seconds, so a write
    committed late is not skipped), one query per table and cell. A
    provider with no cached node (a new cell) makes it re-read the cell
    mappings. Capacity is not cached: it comes with every request from
    Placement's provider summaries, which already include every claim.

    Each request gets fresh HostState objects (filters and weighers may
    change them), shallow copies of one kept per node and rebuilt when its
    record changes; the per-request parts (capacity, zone, service state)
    are set on the copy.
    """

    #: Seconds re-read before the newest change seen; covers writers whose
    #: transaction commits a little after the timestamp it wrote.
    CHANGE_OVERLAP = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._cells = None  # [CellMapping] (cell0 left out)
        self._nodes = {}  # cell uuid -> {node uuid: ComputeNode}
        self._services = {}  # cell uuid -> {host: Service}
        self._marks = {}  # cell uuid -> (node mark, service mark): datetimes
        self._templates = {}  # node uuid -> HostState of its current record
        #: Rows read since start: {"nodes": n, "services": n}; lets tests
        #: and benchmarks see that a refresh did not reload everything.
        self.rows_loaded = {"nodes": 0, "services": 0}

    def _since(self, mark):
        return mark - datetime.timedelta(seconds=self.CHANGE_OVERLAP)

    def _load_cell(self, cctxt, marks):
        """Return (nodes, services, full) read in one cell (runs in a cell thread)."""
        if marks is None:
            nodes = objects.ComputeNodeList.get_all(cctxt)
            services = objects.ServiceList.get_by_binary(
                cctxt, service_obj.COMPUTE_BINARY, include_disabled=True)
            return list(nodes), list(services), True
        node_mark, service_mark = marks
        nodes = (objects.ComputeNodeList.get_changed_since(cctxt, self._since(node_mark))
                 if node_mark else objects.ComputeNodeList.get_all(cctxt))
        services = (objects.ServiceList.get_changed_since(
                        cctxt, service_obj.COMPUTE_BINARY, self._since(service_mark))
                    if service_mark else objects.ServiceList.get_by_binary(
                        cctxt, service_obj.COMPUTE_BINARY, include_disabled=True))
        return list(nodes), list(services), False

    @staticmethod
    def _newest(records, previous):
        newest = previous
        for record in records:
            for field in ("created_at", "updated_at", "deleted_at"):
                stamp = getattr(record, field, None) if record.obj_attr_is_set(field) \
                    else None
                if stamp is None:
                    continue
                stamp = stamp.replace(tzinfo=None)
                if newest is None or stamp > newest:
                    newest = stamp
        return newest

    def _apply(self, cell_uuid, nodes, services, full):
        cached_nodes = {} if full else self._nodes.setdefault(cell_uuid, {})
        if full:
            for uuid in self._nodes.get(cell_uuid, ()):
                self._templates.pop(uuid, None)
        for node in nodes:
            self._templates.pop(node.uuid, None)
            if node.deleted:
                cached_nodes.pop(node.uuid, None)
            else:
                cached_nodes[node.uuid] = node
        cached_services = {} if full else self._services.setdefault(cell_uuid, {})
        for service in services:
            current = cached_services.get(service.host)
            if service.deleted:
                if current is not None and current.id == service.id:
                    del cached_services[service.host]
            else:
                cached_services[service.host] = service
        self._nodes[cell_uuid] = cached_nodes
        self._services[cell_uuid] = cached_services
        node_mark, service_mark = self._marks.get(cell_uuid, (None, None))
        self._marks[cell_uuid] = (self._newest(nodes, node_mark),
                                  self._newest(services, service_mark))
        self.rows_loaded["nodes"] += len(nodes)
        self.rows_loaded["services"] += len(services)

    def _refresh_all(self, context, uuids):
        """Refresh every cached cell; re-read the cell list when a uuid is unknown.

        :returns: uuids of the cells that did not answer.
        """
        if self._cells is None:
            self._cells = [c for c in objects.CellMappingList.get_all(context)
                           if not c.is_cell0()]
        failed = self._refresh_cells(context, self._cells)
        known = set()
        for nodes in self._nodes.values():
            known.update(nodes)
        if set(uuids) - known:
            # A provider nova has no node for: maybe a cell added since.
            cells = [c for c in objects.CellMappingList.get_all(context) if not c.is_cell0()]
            cached = {c.uuid for c in self._cells}
            new = [c for c in cells if c.uuid not in cached]
            self._cells = cells
            if new:
                failed |= self._refresh_cells(context, new)
        return failed

    def _refresh_cells(self, context, cells):
        marks = {c.uuid: self._marks.get(c.uuid) for c in cells}
        if len(cells) == 1:
            # One cell (the usual case): no thread to start per request.
            try:
                with nova_context.target_cell(context, cells[0]) as cctxt:
                    results = {cells[0].uuid: self._load_cell_by_uuid(cctxt, marks)}
            except Exception as exc:
                LOG.exception("Error reading the hosts of cell %s", cells[0].uuid)
                results = {cells[0].uuid: exc}
        else:
            results = nova_context.scatter_gather_cells(
                context, cells, CELL_TIMEOUT, self._load_cell_by_uuid, marks)
        failed = set()
        for cell in cells:
            result = results.get(cell.uuid)
            if result is None or nova_context.is_cell_failure_sentinel(result):
                LOG.warning("Cell %s did not answer; its hosts are not candidates",
                            cell.uuid)
                failed.add(cell.uuid)
                continue
            self._apply(cell.uuid, *result)
        return failed

    def _load_cell_by_uuid(self, cctxt, marks_by_cell):
        return self._load_cell(cctxt, marks_by_cell.get(cctxt.cell_uuid))

    def _loads(self, context, cell_uuids):
        """{cell uuid: {(host, node): (num_instances, num_io_ops)}} read now.

        One grouped query per cell (InstanceList.get_load_by_node); unlike
        node records these change with every build, so they are not cached.
        A cell that does not answer gives its nodes no load (logged).
        """
        cells = [c for c in self._cells or [] if c.uuid in cell_uuids]
        if len(cells) == 1:
            try:
                with nova_context.target_cell(context, cells[0]) as cctxt:
                    return {cells[0].uuid: objects.InstanceList.get_load_by_node(cctxt)}
            except Exception:
                LOG.exception("Error reading the instance counts of cell %s", cells[0].uuid)
                return {}
        results = nova_context.scatter_gather_cells(
            context, cells, CELL_TIMEOUT, objects.InstanceList.get_load_by_node)
        return {uuid: result for uuid, result in results.items()
                if not nova_context.is_cell_failure_sentinel(result)}

    def get_host_states(self, context, provider_summaries, host_zones):
        """Return HostStates for every provider in ``provider_summaries``.

        :param provider_summaries: {rp_uuid: summary} from
            GET /allocation_candidates.
        :param host_zones: {host: availability zone} from aggregates.
        Providers with no compute node in any cell (e.g. a deleted host
        still in Placement) are left out, and so are the nodes of a cell
        that did not answer. Node and service records come from the
        cache, refreshed first (see the class).
        """
        uuids = list(provider_summaries)
        if not uuids:
            return []
        with self._lock:
            failed = self._refresh_all(context, uuids)
            where = {}
            for cell_uuid, cell_nodes in self._nodes.items():
                if cell_uuid in failed:
                    continue
                for uuid in cell_nodes:
                    where[uuid] = cell_uuid
            states = []
            loads = self._loads(context, {c for c in where.values()})
            aggregate_index = AggregateIndex(context)
            service_up = {}  # (cell, host) -> is_up, once per service
            for uuid in uuids:
                cell_uuid = where.get(uuid)
                if cell_uuid is None:
                    continue
                template = self._templates.get(uuid)
                if template is None:
                    template = HostState(self._nodes[cell_uuid][uuid], None, cell_uuid,
                                         {}, None)
                    self._templates[uuid] = template
                service = self._services.get(cell_uuid, {}).get(template.host)
                # A shallow copy (copy.copy is several times slower).
                state = HostState.__new__(HostState)
                state.__dict__.update(template.__dict__)
                key = (cell_uuid, template.host)
                if key not in service_up:
                    service_up[key] = service is not None and servicegroup.is_up(service)
                state.set_service(service, service_up[key])
                state.set_capacity(provider_summaries[uuid])
                state.set_request_context(
                    loads.get(cell_uuid, {}).get((state.host, state.nodename), (0, 0)),
                    aggregate_index)
                state.availability_zone = (host_zones.get(state.host)
                                           or CONF.default_availability_zone)
                states.append(state)
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

