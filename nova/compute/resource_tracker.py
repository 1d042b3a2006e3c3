"""The compute node's record and its Placement inventory, kept in step with the host.

At start and every periodic run the tracker asks the virt driver what the
node has, writes the compute_nodes row (through the conductor, as every
object write from nova-compute), and sets the node's resource provider
inventory for VCPU, MEMORY_MB and DISK_GB with the allocation ratios and
reserved amounts from configuration, and the traits nova owns on it
(image types the driver boots, COMPUTE_STATUS_DISABLED). Placement, not this tracker, decides
whether an instance fits: the scheduler's claim is the only admission check.
"""

import logging
import math
import threading

import os_traits

from nova import conf as nova_conf
from nova import exception, objects
from nova.compute import vm_states
from nova.scheduler import utils as sched_utils
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Traits naming the image disk formats a driver boots.
IMAGE_TYPE_TRAIT_PREFIX = "COMPUTE_IMAGE_TYPE_"


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

    def _usage(self, context, nodename):
        """Sum the flavors of the live instances on ``nodename``."""
        instances = objects.InstanceList.get_by_host_and_node(
            context, self.host, nodename, expected_attrs=["flavor"])
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

    def _node_record(self, context, nodename, node_uuid, service_id):
        node = self.compute_nodes.get(nodename)
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

    def update_available_resource(self, context, nodename, service_id=None):
        """Refresh the node's record and its Placement provider and inventory.

        :param nodename: one of driver.get_available_nodes().
        :param service_id: the nova-compute services row id (new nodes only).
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
        vcpus, memory_mb, disk_gb, running = self._usage(context, nodename)
        node.vcpus_used = vcpus
        node.memory_mb_used = memory_mb + CONF.reserved_host_memory_mb
        node.local_gb_used = disk_gb + math.ceil(CONF.reserved_host_disk_mb / 1024)
        node.free_ram_mb = node.memory_mb - node.memory_mb_used
        node.free_disk_gb = node.local_gb - node.local_gb_used
        node.running_vms = running
        node.current_workload = 0
        with self._lock:
            self._save_node(node, is_new, nodename, node_uuid)

        self.reportclient.ensure_resource_provider(context, node_uuid, nodename)
        self.reportclient.set_inventory_for_provider(
            context, node_uuid, inventory_from_resources(resources))
        self.update_provider_traits(context, node_uuid)
        return node

    def _service_disabled(self, context):
        try:
            return bool(objects.Service.get_by_compute_host(context, self.host).disabled)
        except exception.ComputeHostNotFound:
            return False

    def update_provider_traits(self, context, node_uuid, service_disabled=None):
        """Set the traits nova owns on the node's provider, keep the others.

        Nova owns COMPUTE_IMAGE_TYPE_* (the disk formats the driver boots,
        read by the image type pre-filter) and COMPUTE_STATUS_DISABLED
        (set while the compute service is disabled, so the scheduler's
        pre-filter leaves the node out). Traits an operator set stay.

        :param service_disabled: the service's disabled flag; None reads it.
        """
        if service_disabled is None:
            service_disabled = self._service_disabled(context)
        wanted = virt_driver.image_type_traits(self.driver.capabilities)
        if service_disabled:
            wanted.add(os_traits.COMPUTE_STATUS_DISABLED)
        owned = set(os_traits.get_traits(IMAGE_TYPE_TRAIT_PREFIX)) | {
            os_traits.COMPUTE_STATUS_DISABLED}
        self.reportclient.update_provider_traits(
            context, node_uuid, add=wanted, remove=owned - wanted)

    def _save_node(self, node, is_new, nodename, node_uuid):
        if is_new:
            node.create()
            LOG.info("Compute node record created for %s:%s with uuid %s",
                     self.host, nodename, node_uuid)
        else:
            node.save()
        self.compute_nodes[nodename] = node
