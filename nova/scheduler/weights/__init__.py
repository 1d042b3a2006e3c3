"""Host weighers: rank the hosts that passed the filters.

Each weigher scores hosts on one resource; scores are normalised to 0..1
across the candidate hosts and multiplied by the weigher's multiplier from
[filter_scheduler], so operators choose spreading (positive multiplier) or
stacking (negative) per resource. The sum over weighers ranks the hosts.
"""

from nova.scheduler.weights import (
    affinity,
    build_failure,
    cpu,
    cross_cell,
    disk,
    hypervisor_version,
    image_props,
    io_ops,
    metrics,
    num_instances,
    pci,
    ram,
)
from nova.scheduler.weights.base import BaseHostWeigher, WeighedHost, weigh_hosts

ALL_WEIGHERS = {cls.__name__: cls for cls in (
    ram.RAMWeigher, cpu.CPUWeigher, disk.DiskWeigher,
    affinity.ServerGroupSoftAffinityWeigher, affinity.ServerGroupSoftAntiAffinityWeigher,
    build_failure.BuildFailureWeigher, cross_cell.CrossCellWeigher,
    hypervisor_version.HypervisorVersionWeigher, image_props.ImagePropertiesWeigher,
    io_ops.IoOpsWeigher, metrics.MetricsWeigher, num_instances.NumInstancesWeigher,
    pci.PCIWeigher)}


def load_weighers(names):
    """Instantiate weighers by class name; "all" selects every known weigher.

    :param names: [filter_scheduler] weight_classes, e.g.
        ["nova.scheduler.weights.all_weighers"] or ["RAMWeigher", "CPUWeigher"].
    :raises: KeyError for an unknown name.
    """
    if any(name.endswith("all_weighers") or name == "all" for name in names):
        return [cls() for cls in ALL_WEIGHERS.values()]
    return [ALL_WEIGHERS[name.rsplit(".", 1)[-1]]() for name in names]


__all__ = ["ALL_WEIGHERS", "BaseHostWeigher", "WeighedHost", "load_weighers", "weigh_hosts"]
