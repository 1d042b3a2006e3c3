"""Policy of the OS-EXT-SRV-ATTR:* fields in server bodies (host, instance name...)."""

from oslo_policy import policy

from nova.policies import base

EXTENDED_ATTRS = "os_compute_api:os-extended-server-attributes"

rules = [
    policy.DocumentedRuleDefault(
        name=EXTENDED_ATTRS,
        check_str=base.ADMIN,
        description="Show the OS-EXT-SRV-ATTR:* fields (host, hypervisor_hostname, "
                    "instance_name and, from 2.3, reservation_id, launch_index, hostname, "
                    "kernel_id, ramdisk_id, root_device_name, user_data) of servers.",
        operations=[{"method": "GET", "path": "/servers/{server_id}"},
                    {"method": "GET", "path": "/servers/detail"},
                    {"method": "POST", "path": "/servers"}],
        scope_types=base.PROJECT_SCOPE),
]


def list_rules():
    """Return the extended server attributes rule."""
    return rules
