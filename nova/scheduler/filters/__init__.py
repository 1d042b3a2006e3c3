"""Host filters: each one drops hosts that cannot take the requested instance.

A filter is a class with ``host_passes(host_state, spec_obj) -> bool``; the
scheduler runs the classes named in [filter_scheduler] enabled_filters, in
that order, after Placement has already ruled out hosts without capacity.
New filters register by being imported here (ALL_FILTERS) under the class
name operators write in the config.
"""

import logging

from nova import exception
from nova.scheduler.filters import (
    affinity_filter,
    aggregate_image_properties_isolation,
    aggregate_instance_extra_specs,
    aggregate_multitenancy_isolation,
    all_hosts_filter,
    availability_zone_filter,
    compute_capabilities_filter,
    compute_filter,
    image_props_filter,
    io_ops_filter,
    isolated_hosts_filter,
    json_filter,
    metrics_filter,
    num_instances_filter,
    numa_topology_filter,
    pci_passthrough_filter,
    type_filter,
)
from nova.scheduler.filters.base import BaseHostFilter

__all__ = ["ALL_FILTERS", "BaseHostFilter", "load_filters"]

LOG = logging.getLogger(__name__)


ALL_FILTERS = {
    cls.__name__: cls
    for cls in (
        affinity_filter.DifferentHostFilter,
        affinity_filter.SameHostFilter,
        affinity_filter.ServerGroupAffinityFilter,
        affinity_filter.ServerGroupAntiAffinityFilter,
        affinity_filter.SimpleCIDRAffinityFilter,
        aggregate_image_properties_isolation.AggregateImagePropertiesIsolation,
        aggregate_instance_extra_specs.AggregateInstanceExtraSpecsFilter,
        aggregate_multitenancy_isolation.AggregateMultiTenancyIsolation,
        all_hosts_filter.AllHostsFilter,
        availability_zone_filter.AvailabilityZoneFilter,
        compute_capabilities_filter.ComputeCapabilitiesFilter,
        compute_filter.ComputeFilter,
        image_props_filter.ImagePropertiesFilter,
        io_ops_filter.AggregateIoOpsFilter,
        io_ops_filter.IoOpsFilter,
        isolated_hosts_filter.IsolatedHostsFilter,
        json_filter.JsonFilter,
        metrics_filter.MetricsFilter,
        num_instances_filter.AggregateNumInstancesFilter,
        num_instances_filter.NumInstancesFilter,
        numa_topology_filter.NUMATopologyFilter,
        pci_passthrough_filter.PciPassthroughFilter,
        type_filter.AggregateTypeAffinityFilter,
    )
}


def load_filters(names):
    """Instantiate the filters named in ``names`` (config order).

    :raises: InvalidInput naming the unknown filter, so a typo in
        enabled_filters stops the scheduler at start instead of letting
        every host through.
    """
    filters = []
    for name in names:
        try:
            filters.append(ALL_FILTERS[name]())
        except KeyError:
            raise exception.InvalidInput(
                reason=f"unknown scheduler filter {name!r} in [filter_scheduler] "
                       f"enabled_filters; available: {sorted(ALL_FILTERS)}") from None
    return filters
