"""[DEFAULT] options of nova-compute: the virt driver, where instances live,
and how much of the host is offered to guests.
"""

from oslo_config import cfg

host_opts = [
    cfg.StrOpt(
        "compute_driver",
        help="""
The virt driver nova-compute uses to run guests.

Default: unset; nova-compute refuses to start without a value.

Possible values:
* libvirt.LibvirtDriver (or the entry-point name ``libvirt``): KVM/QEMU/LXC
  guests through libvirt; see the [libvirt] group.
* fake.FakeDriver (or ``fake``): an in-memory driver with no hypervisor, for
  tests and scale experiments.
* Any name registered in the ``nova.compute.drivers`` entry-point namespace.

Related options:
* [libvirt] virt_type
""",
    ),
    cfg.StrOpt(
        "instances_path",
        default="$state_path/instances",
        help="""
Directory holding the disks, console logs and other files of each instance
on this compute host, one sub-directory per instance UUID.

Default: $state_path/instances

Possible values:
* An absolute directory path writable by the nova-compute user (and readable
  by the hypervisor).

Related options:
* state_path
""",
    ),
    cfg.IntOpt(
        "max_concurrent_builds",
        default=10,
        min=0,
        help="""
Maximum number of server builds nova-compute runs at the same time; further
builds wait for a slot.

Default: 10

Possible values:
* 0: no limit.
* A positive integer.
""",
    ),
    cfg.IntOpt(
        "sync_power_state_interval",
        default=600,
        help="""
Seconds between two runs of the task that compares each instance's power
state in the database with the hypervisor's and reconciles them.

Default: 600

Possible values:
* 0: run at the default periodic task spacing (every 60 seconds).
* A positive integer number of seconds.
* A negative integer: never run.

Related options:
* periodic_enable
""",
    ),
]

usage_audit_opts = [
    cfg.BoolOpt(
        "instance_usage_audit",
        default=False,
        help="""
Run the instance usage audit on each compute host: once per audit period,
nova-compute counts the instances that existed on it during the last
completed period and records the run, which os-instance-usage-audit-log
reports.

Related options:
* instance_usage_audit_period
""",
    ),
    cfg.StrOpt(
        "instance_usage_audit_period",
        default="month",
        regex=r"^(hour|day|month|year)(@\d+)?$",
        help="""
The period the instance usage audit and os-instance-usage-audit-log use:
``hour``, ``day``, ``month`` or ``year``, optionally with an offset
``@N`` (the minute of the hour, hour of the day, day of the month or month
of the year the period starts at; e.g. ``month@15`` runs from the 15th).

Related options:
* instance_usage_audit
""",
    ),
]

instance_opts = [
    cfg.StrOpt(
        "instance_name_template",
        default="instance-%08x",
        help="""
Python %-format template of an instance's name on the hypervisor (the
libvirt domain name and the OS-EXT-SRV-ATTR:instance_name API field). It may
use ``%(id)d`` / ``%08x`` (the instance's database id) or ``%(uuid)s``.

Default: instance-%08x (e.g. instance-0000002a)

Possible values:
* A template that yields a name unique per host, such as instance-%08x or
  instance-%(uuid)s.

Related options:
* multi_instance_display_name_template
""",
    ),
    cfg.StrOpt(
        "multi_instance_display_name_template",
        default="%(name)s-%(count)d",
        help="""
Display name given to each server of a request for several servers
(min_count/max_count above 1). Keys: name (the requested name), count (1,
2, ...), uuid.

Default: %(name)s-%(count)d

Related options:
* instance_name_template
""",
    ),
    cfg.IntOpt(
        "password_length",
        default=12,
        min=0,
        help="""
Length of the admin password nova generates for a server when the request
gives none (create, rebuild, rescue).

Default: 12

Related options:
* [api] enable_instance_password
""",
    ),
    cfg.IntOpt(
        "shutdown_timeout",
        default=60,
        min=0,
        help="""
Seconds a guest is given to shut down cleanly (ACPI power button) when a
server is stopped, shelved or rescued, before it is powered off.

Default: 60

Possible values:
* 0: power off at once, without asking the guest.
* A positive integer number of seconds. An image may set its own with
  the os_shutdown_timeout property.
""",
    ),
]

interval_opts = [
    cfg.IntOpt(
        "update_resources_interval",
        default=0,
        help="""
Seconds between two runs of the resource tracker's update of this host's
compute node record and Placement inventory.

Default: 0

Possible values:
* 0: at the default periodic task spacing (60 seconds).
* A positive integer number of seconds.
* A negative integer: never (not recommended).
""",
    ),
    cfg.IntOpt(
        "reclaim_instance_interval",
        default=0,
        help="""
Seconds a deleted server is kept in SOFT_DELETED state (restorable with the
restore action) before a periodic task really deletes it.

Default: 0

Possible values:
* 0 or less: delete at once (no soft delete).
* A positive integer number of seconds.
""",
    ),
    cfg.IntOpt(
        "shelved_offload_time",
        default=0,
        min=-1,
        help="""
Seconds a shelved server keeps its host resources before it is offloaded.

Default: 0

Possible values:
* -1: never offload.
* 0: offload at once when shelved.
* A positive integer number of seconds.

Related options:
* shelved_poll_interval
""",
    ),
    cfg.IntOpt(
        "shelved_poll_interval",
        default=3600,
        help="""
Seconds between two runs of the periodic task that offloads the servers
shelved longer than shelved_offload_time (when that is positive).

Default: 3600

Possible values:
* 0: at the default periodic task spacing (60 seconds).
* A positive integer number of seconds.
* A negative integer: never.

Related options:
* shelved_offload_time
""",
    ),
    cfg.IntOpt(
        "resize_confirm_window",
        default=0,
        min=0,
        help="""
Seconds after which a resize or cold migration waiting for confirmation
(VERIFY_RESIZE) is confirmed automatically by the destination host.

Default: 0

Possible values:
* 0: never; the user confirms or reverts.
* A positive integer number of seconds; the destination host checks about
  every resize_confirm_window seconds (at least every 10).
""",
    ),
    cfg.BoolOpt(
        "allow_resize_to_same_host",
        default=False,
        help="""
Let the scheduler choose the server's own host as the destination of a
resize. A cold migration always goes to another host.

Default: False

Possible values:
* True: the server's host is a candidate like any other (useful on a
  one-host cloud).
* False: a resize always moves the server to another host.
""",
    ),
]

allocation_ratio_opts = [
    cfg.FloatOpt(
        "cpu_allocation_ratio",
        min=0.0,
        help="""
Overcommit ratio of virtual to physical CPUs (VCPU inventory in placement).

Setting it forces the value on every resource-tracker update, overriding any
change made through the placement API.

Default: unset; a new compute node starts with initial_cpu_allocation_ratio
and keeps whatever placement holds afterwards.

Possible values:
* A positive float; 0.0 behaves like unset.

Related options:
* initial_cpu_allocation_ratio
""",
    ),
    cfg.FloatOpt(
        "ram_allocation_ratio",
        min=0.0,
        help="""
Overcommit ratio of virtual to physical RAM (MEMORY_MB inventory in
placement).

Default: unset; a new compute node starts with initial_ram_allocation_ratio
and keeps whatever placement holds afterwards.

Possible values:
* A positive float; 0.0 behaves like unset.

Related options:
* initial_ram_allocation_ratio
""",
    ),
    cfg.FloatOpt(
        "disk_allocation_ratio",
        min=0.0,
        help="""
Overcommit ratio of virtual to physical disk (DISK_GB inventory in
placement). Above 1.0 only makes sense with sparse image types such as qcow2.

Default: unset; a new compute node starts with initial_disk_allocation_ratio
and keeps whatever placement holds afterwards.

Possible values:
* A positive float; 0.0 behaves like unset.

Related options:
* initial_disk_allocation_ratio
""",
    ),
    cfg.FloatOpt(
        "initial_cpu_allocation_ratio",
        default=4.0,
        min=0.0,
        help="""
CPU overcommit ratio given to a compute node when it is first created, used
only while cpu_allocation_ratio is unset.

Default: 4.0

Possible values:
* A positive float.

Related options:
* cpu_allocation_ratio
""",
    ),
    cfg.FloatOpt(
        "initial_ram_allocation_ratio",
        default=1.0,
        min=0.0,
        help="""
RAM overcommit ratio given to a compute node when it is first created, used
only while ram_allocation_ratio is unset.

Default: 1.0

Possible values:
* A positive float.

Related options:
* ram_allocation_ratio
""",
    ),
    cfg.FloatOpt(
        "initial_disk_allocation_ratio",
        default=1.0,
        min=0.0,
        help="""
Disk overcommit ratio given to a compute node when it is first created, used
only while disk_allocation_ratio is unset.

Default: 1.0

Possible values:
* A positive float.

Related options:
* disk_allocation_ratio
""",
    ),
]

resource_tracker_opts = [
    cfg.IntOpt(
        "reserved_host_disk_mb",
        default=0,
        min=0,
        help="""
Disk space, in MiB, kept back for the host itself (the ``reserved`` amount of
the DISK_GB inventory, rounded up to whole GiB).

Default: 0

Possible values:
* A non-negative integer number of MiB.
""",
    ),
    cfg.IntOpt(
        "reserved_host_memory_mb",
        default=512,
        min=0,
        help="""
Memory, in MiB, kept back for the host's own processes (the ``reserved``
amount of the MEMORY_MB inventory).

Default: 512

Possible values:
* A non-negative integer number of MiB.
""",
    ),
    cfg.IntOpt(
        "reserved_host_cpus",
        default=0,
        min=0,
        help="""
Number of physical CPUs kept back for the host (the ``reserved`` amount of
the VCPU inventory).

Default: 0

Possible values:
* A non-negative integer.
""",
    ),
]

_DEFAULT_OPTS = (
    host_opts + instance_opts + interval_opts + allocation_ratio_opts + resource_tracker_opts
    + usage_audit_opts
)


def register_opts(conf):
    """Register the [DEFAULT] compute options on ``conf``."""
    conf.register_opts(_DEFAULT_OPTS)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": _DEFAULT_OPTS}
