"""What a request spec asks of Placement, and small helpers shared by the scheduler."""

#: Placement resource classes nova requests for a flavor.
VCPU = "VCPU"
MEMORY_MB = "MEMORY_MB"
DISK_GB = "DISK_GB"


def _get(obj, name, default=None):
    """Read ``name`` from an object or a dict (request specs carry both).

    A versioned object without that field (e.g. pci_requests, which our
    RequestSpec does not carry) gives ``default``, as an unset one does.
    """
    if isinstance(obj, dict):
        return obj.get(name, default)
    if hasattr(obj, "obj_attr_is_set") and (
            name not in getattr(obj, "fields", {}) or not obj.obj_attr_is_set(name)):
        return default
    return getattr(obj, name, default)


def resources_from_flavor(flavor):
    """Return the Placement resources one instance of ``flavor`` needs.

    :param flavor: Flavor object or dict with vcpus, memory_mb (MiB), root_gb,
        ephemeral_gb (GiB) and swap (MiB).
    :returns: {"VCPU": int, "MEMORY_MB": int, "DISK_GB": int}; zero amounts
        are left out, as Placement refuses them.
    """
    disk_gb = (_get(flavor, "root_gb", 0) or 0) + (_get(flavor, "ephemeral_gb", 0) or 0)
    swap_mb = _get(flavor, "swap", 0) or 0
    # Swap is requested in MiB but lives on disk: round up to whole GiB.
    disk_gb += (swap_mb + 1023) // 1024
    resources = {
        VCPU: _get(flavor, "vcpus", 0) or 0,
        MEMORY_MB: _get(flavor, "memory_mb", 0) or 0,
        DISK_GB: disk_gb,
    }
    return {rc: amount for rc, amount in resources.items() if amount}


def get_field(obj, name, default=None):
    """Public form of the object-or-dict reader for filters and weighers."""
    return _get(obj, name, default)
