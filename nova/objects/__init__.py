"""Nova's versioned objects.

Object classes are published here as attributes (``objects.Instance``) by the
registry when their module is imported; ``register_all()`` imports them all.
Call it once at service start-up (and in tests) before using any object.
"""

import importlib

#: Object modules under nova.objects, imported by register_all().
_OBJECT_MODULES = (
    "aggregate",
    "block_device_mapping",
    "build_request",
    "floating_ip",
    "fixed_ip",
    "cell_mapping",
    "compute_node",
    "console_auth_token",
    "flavor",
    "host_mapping",
    "hv_spec",
    "image_meta",
    "instance",
    "instance_mapping",
    "instance_action",
    "instance_fault",
    "instance_group",
    "instance_info_cache",
    "keypair",
    "migration",
    "network",
    "network_request",
    "request_spec",
    "security_group",
    "selection",
    "service",
    "tag",
    "task_log",
    "virtual_interface",
)


def register_all():
    """Import every object module so each class registers and is published here."""
    for name in _OBJECT_MODULES:
        importlib.import_module(f"nova.objects.{name}")
