"""The compute node's record and its Placement inventory, kept in step with the host.

At start and every periodic run the tracker asks the virt driver what the
node has, writes the compute_nodes row (through the conductor, as every
object write from nova-compute), and sets the node's resource provider
inventory for VCPU, MEMORY_MB and DISK_GB with the allocation ratios and
reserved amounts from configuration, and the traits nova owns on it
(image types the driver boots, COMPUTE_STATUS_DISABLED). Placement, not this tracker, decides
whether an instance fits: the scheduler's claim is the only admission check.

One nova-compute may serve many nodes (the fake driver's [fake_driver]
node_count), so a periodic run costs one instance query for the whole host,
a database write only for a node whose figures changed, and Placement
requests only for a node whose inventory changed since it was last set
(re-checked against Placement every PLACEMENT_RECHECK_SECONDS).
"""

import logging
import math
import threading
import time

import os_traits

from nova import conf as nova_conf
from nova import exception, objects
from nova.compute import vm_states
from nova.scheduler import utils as sched_utils
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

#: Statuses of a move whose instance runs on the destination with the new
#: flavor (until it is confirmed or, once reverted, back on the source).
_ARRIVED = ("finished", "confirming", "reverting")
CONF = nova_conf.CONF

#: Traits naming the image disk formats a driver boots.
IMAGE_TYPE_TRAIT_PREFIX = "COMPUTE_IMAGE_TYPE_"
#: Seconds after which a node's provider and inventory are read from
#: Placement again even though the host reports the same inventory (someone
#: may have changed or deleted them in Placement meanwhile).
PLACEMENT_RECHECK_SECONDS = 300
#: Seconds a read of the compute service's disabled flag is reused (0: read on
#: every update, so a disabled service shows in Placement on the next periodic).
SERVICE_RECHECK_SECONDS = 0


def _ratio(configured, initial):
    # Upstream's rule: an explicit [DEFAULT] *_allocation_ratio wins, otherwise
    # the initial_* value applies (it seeds new nodes).
    return configured if configured else initial


def allocation_ratios():
    """Return {resource class: allocation ratio} from configuration."""
    return {
        sched_utils.VCPU: _ratio(CONF.cpu_allocation_ratio, CONF.initial_cpu_allocation_ratio),
        sched_utils.MEMORY_MB: _ratio(CONF.ram_allocation_ratio,
                                      CONF.initial_ram_allocation_ratio),
        sched_utils.DISK_GB: _ratio(CONF.disk_allocation_ratio,
                                    CONF.initial_disk_allocation_ratio),
    }


def inventory_from_resources(resources):
    """Return the Placement inventory dict for a node's HostResources.

    :returns: {"VCPU": {...}, "MEMORY_MB": {...}, "DISK_GB": {...}}, each with
        total, reserved, min_unit, max_unit, step_size, allocation_ratio.
        Reserved disk is [DEFAULT] reserved_host_disk_mb rounded up to GiB.
        A class whose total is 0 is left out (Placement refuses it).
    """
    ratios = allocation_ratios()
    totals = {
        sched_utils.VCPU: (resources.vcpus, CONF.reserved_host_cpus),
        sched_utils.MEMORY_MB: (resources.memory_mb, CONF.reserved_host_memory_mb),
        sched_utils.DISK_GB: (resources.local_gb,
                              math.ceil(CONF.reserved_host_disk_mb / 1024)),
    }
    inventory = {}
    for rc, (total, reserved) in totals.items():
        if total <= 0:
            continue
        inventory[rc] = {
            "total": total,
            "reserved": min(reserved, total),
            "min_unit": 1,
            "max_unit": total,
            "step_size": 1,
            "allocation_ratio": ratios[rc],
        }
    return inventory


class ResourceTracker:
    """Owns one host's compute node records and provider inventories.

    :param host: this service's host name ([DEFAULT] host).
    :param driver: the ComputeDriver.
    :param reportclient: a SchedulerReportClient.
    """

    def __init__(self, host, driver, reportclient):
        self.host = host
        self.driver = driver
        self.reportclient = reportclient
        self.compute_nodes = {}  # nodename -> ComputeNode
        # Build outcomes and the periodic update save the same records.
        self._lock = threading.Lock()
        #: nodename -> (provider uuid, inventory dict, monotonic time) last
        #: written to or found in Placement.
        self._reported = {}
        #: node uuid -> ComputeNode read by load_host_nodes(), not yet used.
        self._prefetched = {}
        #: (service disabled flag, monotonic time read) or None.
        self._disabled = None

    @staticmethod
    def _sum_usage(instances):
        vcpus = memory_mb = disk_gb = running = 0
        for instance in instances:
            if instance.vm_state == vm_states.DELETED:
                continue
            flavor = instance.flavor
            vcpus += flavor.vcpus
            memory_mb += flavor.memory_mb
            disk_gb += flavor.root_gb + flavor.ephemeral_gb
            running += 1
        return vcpus, memory_mb, disk_gb, running

    def _usage(self, context, nodename):
        """Sum the flavors of the live instances on ``nodename``."""
        return self._sum_usage(objects.InstanceList.get_by_host_and_node(
            context, self.host, nodename, expected_attrs=["flavor"]))

    def host_usage(self, context):
        """Return {nodename: (vcpus, memory_mb, disk_gb, running)} of this host.

        One query for all the host's nodes; a node without instances is
        absent (its usage is all zeros).
        """
        by_node = {}
        for instance in objects.InstanceList.get_by_host(
                context, self.host, expected_attrs=["flavor"]):
            by_node.setdefault(instance.node, []).append(instance)
        usage = {name: self._sum_usage(instances) for name, instances in by_node.items()}
        for nodename, flavor in self._moving_flavors(context):
            vcpus, memory_mb, disk_gb, running = usage.get(nodename, (0, 0, 0, 0))
            usage[nodename] = (vcpus + flavor.vcpus, memory_mb + flavor.memory_mb,
                               disk_gb + flavor.root_gb + flavor.ephemeral_gb, running)
        return usage

    def _moving_flavors(self, context):
        """[(nodename, flavor)] that unfinished resizes and cold migrations hold here.

        Besides the instances it runs, a host holds, as in Placement: as a
        move's source, the old flavor until the move is confirmed or
        reverted (the guest and its disk stay here), also for a resize to
        this same host; as its destination, the new flavor from the claim
        until the instance arrives. Never raises: the move records are a
        refinement, their absence must not stop the resource report.
        """
        try:
            moves = objects.MigrationList.get_by_filters(
                context, {"host": self.host, "in_progress": True,
                          "migration_type": ["resize", "migration"]})
        except Exception:
            LOG.exception("Could not read the moves of host %s", self.host)
            return []
        held = []
        for migration in moves:
            try:
                instance = objects.Instance.get_by_uuid(
                    context, migration.instance_uuid,
                    expected_attrs=["flavor", "old_flavor", "new_flavor"])
            except exception.InstanceNotFound:
                continue
            if instance.vm_state == vm_states.DELETED:
                continue
            old = instance.old_flavor or instance.flavor
            new = instance.new_flavor or instance.flavor
            arrived = migration.status in _ARRIVED
            if migration.source_compute == self.host:
                if instance.host != self.host or (
                        migration.dest_compute == self.host and arrived):
                    # The guest (or, on the same host, its old disk) is kept.
                    held.append((migration.source_node, old))
            if migration.dest_compute == self.host and migration.dest_node:
                if instance.host != self.host or (
                        migration.source_compute == self.host and not arrived):
                    # Claimed here, the instance is not here with it yet.
                    held.append((migration.dest_node, new))
        return held

    def load_host_nodes(self, context):
        """Read every compute node record of this host in one query.

        Later update_available_resource() calls use them instead of one
        lookup per node (a host serving 1,000 nodes starts in one query).
        """
        try:
            nodes = objects.ComputeNodeList.get_by_host(context, self.host)
        except exception.ComputeHostNotFound:
            return
        self._prefetched = {node.uuid: node for node in nodes}

    def _node_record(self, context, nodename, node_uuid, service_id):
        node = self.compute_nodes.get(nodename)
        if node is not None:
            return node, False
        node = self._prefetched.pop(node_uuid, None)
        if node is not None:
            return node, False
        try:
            node = objects.ComputeNode.get_by_uuid(context, node_uuid)
            return node, False
        except exception.ComputeHostNotFound:
            node = objects.ComputeNode(context)
            node.uuid = node_uuid
            node.host = self.host
            node.service_id = service_id
            node.mapped = 0
            return node, True

    def _set_failed_builds(self, nodename, new_count):
        """Save stats["failed_builds"] = new_count(current) when it changes."""
        with self._lock:
            node = self.compute_nodes.get(nodename)
            if node is None:
                return
            stats = dict(node.stats or {}) if node.obj_attr_is_set("stats") else {}
            current = int(stats.get("failed_builds") or 0)
            count = new_count(current)
            if count == current:
                return
            stats["failed_builds"] = str(count)
            node.stats = stats
            node.save()

    def build_failed(self, nodename):
        """Count one more consecutive failed build on ``nodename``.

        The count is the compute node's stats["failed_builds"]; the
        scheduler's BuildFailureWeigher ranks the node lower for it.
        A node this tracker does not know is ignored.
        """
        self._set_failed_builds(nodename, lambda current: current + 1)

    def build_succeeded(self, nodename):
        """Reset ``nodename``'s consecutive failed builds to 0 (saved only if not 0)."""
        self._set_failed_builds(nodename, lambda current: 0)

    def update_available_resource(self, context, nodename, service_id=None, usage=None):
        """Refresh the node's record and its Placement provider and inventory.

        The record is written only when a field changed; Placement is asked
        only when the inventory differs from the one last set for the node,
        or PLACEMENT_RECHECK_SECONDS after that.

        :param nodename: one of driver.get_available_nodes().
        :param service_id: the nova-compute services row id (new nodes only).
        :param usage: (vcpus, memory_mb, disk_gb, running instances) on the
            node, from host_usage(); read from the database when None.
        :returns: the saved ComputeNode.
        :raises: the report client's ResourceProvider* errors when Placement
            refuses the provider or inventory; the record is saved first.
        """
        resources = self.driver.get_available_resource(nodename)
        node_uuid = self.driver.get_node_uuid(nodename)
        node, is_new = self._node_record(context, nodename, node_uuid, service_id)
        node.update_from_virt_driver(resources.as_dict())
        ratios = allocation_ratios()
        node.cpu_allocation_ratio = ratios[sched_utils.VCPU]
        node.ram_allocation_ratio = ratios[sched_utils.MEMORY_MB]
        node.disk_allocation_ratio = ratios[sched_utils.DISK_GB]
        if usage is None:
            usage = self._usage(context, nodename)
        vcpus, memory_mb, disk_gb, running = usage
        node.vcpus_used = vcpus
        node.memory_mb_used = memory_mb + CONF.reserved_host_memory_mb
        node.local_gb_used = disk_gb + math.ceil(CONF.reserved_host_disk_mb / 1024)
        node.free_ram_mb = node.memory_mb - node.memory_mb_used
        node.free_disk_gb = node.local_gb - node.local_gb_used
        node.running_vms = running
        node.current_workload = 0
        with self._lock:
            self._save_node(node, is_new, nodename, node_uuid)

        inventory = inventory_from_resources(resources)
        traits = self._wanted_traits(context)
        last = self._reported.get(nodename)
        now = time.monotonic()
        if (last is not None and last[:3] == (node_uuid, inventory, traits)
                and now - last[3] < PLACEMENT_RECHECK_SECONDS):
            return node
        self._reported.pop(nodename, None)
        self.reportclient.ensure_resource_provider(context, node_uuid, nodename)
        self.reportclient.set_inventory_for_provider(context, node_uuid, inventory)
        self._set_traits(context, node_uuid, traits)
        self._reported[nodename] = (node_uuid, inventory, traits, now)
        return node

    def _service_disabled(self, context):
        try:
            return bool(objects.Service.get_by_compute_host(context, self.host).disabled)
        except exception.ComputeHostNotFound:
            return False

    def _wanted_traits(self, context, service_disabled=None):
        """The frozenset of traits nova owns that the node's provider should have.

        COMPUTE_IMAGE_TYPE_* for the disk formats the driver boots (read by
        the image type pre-filter), and COMPUTE_STATUS_DISABLED while the
        compute service is disabled (the scheduler's pre-filter then leaves
        the node out). The service record is read at most once every
        SERVICE_RECHECK_SECONDS, not once per node of a many-node host.

        :param service_disabled: the service's disabled flag; None reads it.
        """
        if service_disabled is None:
            now = time.monotonic()
            if self._disabled is None or now - self._disabled[1] > SERVICE_RECHECK_SECONDS:
                self._disabled = (self._service_disabled(context), now)
            service_disabled = self._disabled[0]
        wanted = set(virt_driver.image_type_traits(self.driver.capabilities))
        if service_disabled:
            wanted.add(os_traits.COMPUTE_STATUS_DISABLED)
        return frozenset(wanted)

    def _set_traits(self, context, node_uuid, wanted):
        owned = set(os_traits.get_traits(IMAGE_TYPE_TRAIT_PREFIX)) | {
            os_traits.COMPUTE_STATUS_DISABLED}
        self.reportclient.update_provider_traits(
            context, node_uuid, add=set(wanted), remove=owned - set(wanted))

    def update_provider_traits(self, context, node_uuid, service_disabled=None):
        """Set the traits nova owns on the node's provider, keep the others.

        See _wanted_traits for which; traits an operator set stay.

        :param service_disabled: the service's disabled flag; None reads it.
        """
        if service_disabled is not None:
            self._disabled = (service_disabled, time.monotonic())
        self._set_traits(context, node_uuid,
                         self._wanted_traits(context, service_disabled))

    def _save_node(self, node, is_new, nodename, node_uuid):
        if is_new:
            node.create()
            LOG.info("Compute node record created for %s:%s with uuid %s",
                     self.host, nodename, node_uuid)
        else:
            node.save()
        self.compute_nodes[nodename] = node
