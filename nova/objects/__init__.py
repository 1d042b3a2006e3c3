"""Nova's versioned objects.

Object classes are published here as attributes (``objects.Instance``) by the
registry when their module is imported; ``register_all()`` imports them all.
Call it once at service start-up (and in tests) before using any object.
"""

import importlib

#: Object modules under nova.objects, imported by register_all().
_OBJECT_MODULES = (
    "aggregate",
    "cell_mapping",
    "compute_node",
    "flavor",
    "host_mapping",
    "hv_spec",
    "image_meta",
    "instance",
    "instance_mapping",
    "instance_fault",
    "instance_group",
    "instance_info_cache",
    "keypair",
    "request_spec",
    "selection",
    "service",
    "tag",
)


def register_all():
    """Import every object module so each class registers and is published here."""
    for name in _OBJECT_MODULES:
        importlib.import_module(f"nova.objects.{name}")
