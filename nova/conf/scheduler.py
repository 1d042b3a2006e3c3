"""[scheduler] and [filter_scheduler]: how nova-scheduler picks hosts.

[scheduler] covers the service and its Placement queries; [filter_scheduler]
the filters that drop hosts and the weighers that rank the rest.
"""

from oslo_config import cfg

scheduler_group = cfg.OptGroup(
    "scheduler",
    title="Scheduler options",
    help="Options of the nova-scheduler service and its Placement queries.",
)

filter_scheduler_group = cfg.OptGroup(
    "filter_scheduler",
    title="Filter scheduler options",
    help="""
The host filters and weighers nova-scheduler applies to Placement's
allocation candidates. Weigher multipliers may be changed at run time
(SIGHUP).
""",
)

scheduler_opts = [
    cfg.IntOpt(
        "max_attempts",
        default=3,
        min=1,
        help="""
How many hosts a server build may try: the selected host plus
(max_attempts - 1) alternates returned with it, used for reschedules when a
build fails on a host.

Default: 3

Possible values:
* A positive integer; 1 disables rescheduling.
""",
    ),
    cfg.IntOpt(
        "discover_hosts_in_cells_interval",
        default=-1,
        min=-1,
        help="""
Seconds between two runs of a periodic task in nova-scheduler that maps new
compute hosts to their cells (what ``nova-manage cell_v2 discover_hosts``
does).

Default: -1

Possible values:
* -1: never (run nova-manage cell_v2 discover_hosts instead).
* 0: at the default periodic task spacing (60 seconds).
* A positive integer number of seconds.
""",
    ),
    cfg.IntOpt(
        "periodic_task_interval",
        default=60,
        help="""
Seconds between two runs of the scheduler's periodic tasks.

Default: 60

Possible values:
* 0: at the default spacing (60 seconds).
* A positive integer number of seconds.
* A negative integer: never.

Related options:
* discover_hosts_in_cells_interval
""",
    ),
    cfg.IntOpt(
        "workers",
        min=0,
        help="""
Number of nova-scheduler worker processes.

Default: unset, meaning one per CPU of the host.

Possible values:
* A positive integer.
""",
    ),
    cfg.IntOpt(
        "max_placement_results",
        default=1000,
        min=1,
        help="""
Largest number of allocation candidates requested from Placement per
request (the ``limit`` query parameter). A smaller value makes scheduling
faster in big clouds but may miss hosts the filters would have kept.

Default: 1000

Possible values:
* A positive integer.
""",
    ),
    cfg.BoolOpt(
        "query_placement_for_availability_zone",
        default=True,
        help="""
Turn a requested availability zone into a member_of query on Placement (the
aggregates mirrored for the zone), so only hosts of the zone come back.

Default: True

Related options:
* [filter_scheduler] enabled_filters (AvailabilityZoneFilter does the same
  check in the scheduler when this is False)
""",
    ),
    cfg.BoolOpt(
        "limit_tenants_to_placement_aggregate",
        default=False,
        help="""
Tenant isolation in Placement: a project named in an aggregate's
``filter_tenant_id`` metadata (or any key starting with it, e.g.
``filter_tenant_id2``, for more projects) gets candidates only from the
hosts of such aggregates, through a member_of query. Projects named in no
aggregate go anywhere, unless placement_aggregate_required_for_tenants.
Aggregate hosts are mirrored as Placement aggregates by os-aggregates.

Default: False

Related options:
* placement_aggregate_required_for_tenants
""",
    ),
    cfg.BoolOpt(
        "placement_aggregate_required_for_tenants",
        default=False,
        help="""
With limit_tenants_to_placement_aggregate, a project named in no
aggregate's filter_tenant_id metadata gets no host at all (the build fails
with "No valid host") instead of any host.

Default: False

Related options:
* limit_tenants_to_placement_aggregate
""",
    ),
    cfg.BoolOpt(
        "query_placement_for_image_type_support",
        default=False,
        help="""
Ask Placement only for compute nodes whose virt driver supports the image's
disk format: the request requires the trait COMPUTE_IMAGE_TYPE_<FORMAT>
(e.g. COMPUTE_IMAGE_TYPE_QCOW2), which every nova-compute reports on its
node providers for the formats its driver can boot. Leave it off while
some compute hosts do not report the traits yet.

Default: False
""",
    ),
    cfg.BoolOpt(
        "enable_isolated_aggregate_filtering",
        default=False,
        help="""
Keep an aggregate's hosts for the requests that ask for its traits: an
aggregate with metadata ``trait:<TRAIT_NAME>=required`` is left out of the
candidates (a forbidden member_of query) of every request whose flavor
extra specs and image properties do not require all of that aggregate's
traits.

Default: False
""",
    ),
]

filter_scheduler_opts = [
    cfg.IntOpt(
        "host_subset_size",
        default=1,
        min=1,
        help="""
The scheduler picks at random among this many best-weighed hosts, which
lowers collisions between schedulers racing for the same best host.

Default: 1 (always the best host).

Possible values:
* A positive integer.
""",
    ),
    cfg.ListOpt(
        "enabled_filters",
        default=[
            "ComputeFilter",
            "ComputeCapabilitiesFilter",
            "ImagePropertiesFilter",
            "ServerGroupAntiAffinityFilter",
            "ServerGroupAffinityFilter",
        ],
        help="""
Filters applied to each request, by class name, in this order. Cheap
filters that drop many hosts belong first. Nova ships
AggregateImagePropertiesIsolation, AggregateInstanceExtraSpecsFilter,
AggregateIoOpsFilter, AggregateMultiTenancyIsolation,
AggregateNumInstancesFilter, AggregateTypeAffinityFilter, AllHostsFilter,
AvailabilityZoneFilter, ComputeCapabilitiesFilter, ComputeFilter,
DifferentHostFilter, ImagePropertiesFilter, IoOpsFilter,
IsolatedHostsFilter, JsonFilter, MetricsFilter, NUMATopologyFilter,
NumInstancesFilter, PciPassthroughFilter, SameHostFilter,
ServerGroupAffinityFilter, ServerGroupAntiAffinityFilter and
SimpleCIDRAffinityFilter; another name makes scheduling fail with an error
naming it.

Default: ComputeFilter, ComputeCapabilitiesFilter, ImagePropertiesFilter,
ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter.
Availability zones are enforced by Placement (see
[scheduler] query_placement_for_availability_zone); add
AvailabilityZoneFilter only when that is off.
""",
    ),
    cfg.IntOpt(
        "max_io_ops_per_host",
        default=8,
        min=0,
        help="""
IoOpsFilter passes a host only while fewer than this many of its instances
are in IO-heavy states (building, resize migrating or preparing, rebuilding,
snapshot or backup, rescuing, unshelving). AggregateIoOpsFilter uses it for
hosts whose aggregates set no max_io_ops_per_host.

Default: 8

Possible values:
* 0 or a positive integer.
""",
    ),
    cfg.IntOpt(
        "max_instances_per_host",
        default=50,
        min=1,
        help="""
NumInstancesFilter passes a host only while it runs fewer instances than
this. AggregateNumInstancesFilter uses it for hosts whose aggregates set no
max_instances_per_host.

Default: 50

Possible values:
* A positive integer.
""",
    ),
    cfg.ListOpt(
        "isolated_images",
        default=[],
        help="""
Image UUIDs that IsolatedHostsFilter keeps on the isolated_hosts.

Default: [] (no isolated image)

Related options:
* isolated_hosts, restrict_isolated_hosts_to_isolated_images
""",
    ),
    cfg.ListOpt(
        "isolated_hosts",
        default=[],
        help="""
Host names (compute service hosts) that IsolatedHostsFilter reserves for the
isolated_images: those images build only there.

Default: [] (no isolated host)

Related options:
* isolated_images, restrict_isolated_hosts_to_isolated_images
""",
    ),
    cfg.BoolOpt(
        "restrict_isolated_hosts_to_isolated_images",
        default=True,
        help="""
With IsolatedHostsFilter: when True the isolated_hosts take only the
isolated_images; when False they take any image (the isolated images still
go only to them).

Default: True

Related options:
* isolated_images, isolated_hosts
""",
    ),
    cfg.StrOpt(
        "aggregate_image_properties_isolation_namespace",
        help="""
AggregateImagePropertiesIsolation looks only at aggregate metadata keys that
start with this namespace followed by
aggregate_image_properties_isolation_separator (e.g. ``isolation.``).

Default: unset (every metadata key is compared with the image properties)

Related options:
* aggregate_image_properties_isolation_separator
""",
    ),
    cfg.StrOpt(
        "aggregate_image_properties_isolation_separator",
        default=".",
        help="""
The separator between aggregate_image_properties_isolation_namespace and
the rest of a metadata key.

Default: "."

Related options:
* aggregate_image_properties_isolation_namespace
""",
    ),
    cfg.ListOpt(
        "weight_classes",
        default=["nova.scheduler.weights.all_weighers"],
        help="""
Weigher classes that rank the hosts left by the filters, as full Python
paths; ``nova.scheduler.weights.all_weighers`` stands for all of them.

Default: nova.scheduler.weights.all_weighers

Related options:
* the *_weight_multiplier options
""",
    ),
    cfg.FloatOpt(
        "ram_weight_multiplier",
        default=1.0,
        mutable=True,
        help="""
Weight of free RAM in the ranking. Positive spreads servers over hosts,
negative stacks them on the fullest host that still fits.

Default: 1.0
""",
    ),
    cfg.FloatOpt(
        "cpu_weight_multiplier",
        default=1.0,
        mutable=True,
        help="""
Weight of free vCPUs in the ranking. Positive spreads, negative stacks.

Default: 1.0
""",
    ),
    cfg.FloatOpt(
        "disk_weight_multiplier",
        default=1.0,
        mutable=True,
        help="""
Weight of free disk in the ranking. Positive spreads, negative stacks.

Default: 1.0
""",
    ),
    cfg.FloatOpt(
        "soft_affinity_weight_multiplier",
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Weight of the members of a "soft-affinity" server group already on a host:
the larger it is against the other multipliers, the more strongly members
gather on one host. 0 ignores the soft-affinity policy.

Default: 1.0

Related options:
* soft_anti_affinity_weight_multiplier
""",
    ),
    cfg.FloatOpt(
        "soft_anti_affinity_weight_multiplier",
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Weight of the members of a "soft-anti-affinity" server group already on a
host, counted against it: the larger it is against the other multipliers,
the more strongly members spread over hosts. 0 ignores the
soft-anti-affinity policy.

Default: 1.0

Related options:
* soft_affinity_weight_multiplier
""",
    ),
    cfg.FloatOpt(
        "build_failure_weight_multiplier",
        default=1000000.0,
        mutable=True,
        help="""
Weight of a host's recent build failures, counted against it: each failed
build on a host adds one, a successful build resets it to zero. The large
default makes a host whose builds keep failing the last choice whatever the
other weighers say; 0 ignores build failures.

Default: 1000000.0
""",
    ),
    cfg.FloatOpt(
        "cross_cell_move_weight_multiplier",
        default=1000000.0,
        mutable=True,
        help="""
Weight of staying in the instance's own cell during a move (resize, cold
migration) that may cross cells: hosts of the source cell get it, hosts of
other cells do not. Positive prefers the source cell, negative prefers
other cells. Has no effect on new builds or in a cloud with one cell.

Default: 1000000.0
""",
    ),
    cfg.FloatOpt(
        "hypervisor_version_weight_multiplier",
        default=1.0,
        mutable=True,
        help="""
Weight of the hypervisor version the compute node reports. Positive
prefers the newest hypervisors, negative the oldest, 0 ignores versions.

Default: 1.0
""",
    ),
    cfg.FloatOpt(
        "image_props_weight_multiplier",
        default=0.0,
        mutable=True,
        help="""
Weight of the instances already on a host that were booted from images
sharing the requested image's properties. Positive gathers instances with
like images (e.g. the same os_distro) on the same hosts, negative spreads
them. 0 (the default) turns the weigher off.

Default: 0.0

Related options:
* image_props_weight_setting
""",
    ),
    cfg.ListOpt(
        "image_props_weight_setting",
        default=[],
        mutable=True,
        help="""
Which image properties count for image_props_weight_multiplier and how
much, as ``name=ratio`` pairs, e.g. ``os_distro=10, hw_machine_type=1``.
Empty: every property of the requested image counts with ratio 1.
A property not listed counts 0; an entry that is not ``name=number`` is
ignored with a warning.

Default: empty

Related options:
* image_props_weight_multiplier
""",
    ),
    cfg.FloatOpt(
        "io_ops_weight_multiplier",
        default=-1.0,
        mutable=True,
        help="""
Weight of the I/O heavy operations in progress on a host (instances
building, resizing, migrating, rebuilding, snapshotting, backing up,
rescuing, unshelving). Negative (the default) prefers quiet hosts,
positive busy ones.

Default: -1.0
""",
    ),
    cfg.FloatOpt(
        "num_instances_weight_multiplier",
        default=0.0,
        mutable=True,
        help="""
Weight of the number of instances on a host. Positive stacks instances on
the hosts holding the most, negative spreads them; 0 (the default) ignores
the count.

Default: 0.0
""",
    ),
    cfg.FloatOpt(
        "pci_weight_multiplier",
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Weight of PCI devices: a request without PCI devices prefers hosts with
fewer free PCI devices, so hosts with devices stay free for the requests
that need them; a request with PCI devices prefers hosts with more. 0
ignores PCI devices; negative values are refused.

Default: 1.0
""",
    ),
]


def register_opts(conf):
    """Register [scheduler] and [filter_scheduler] on ``conf``."""
    conf.register_group(scheduler_group)
    conf.register_opts(scheduler_opts, group=scheduler_group)
    conf.register_group(filter_scheduler_group)
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)


def list_opts():
    """Return both groups' options for the config generator."""
    return {
        scheduler_group: scheduler_opts,
        filter_scheduler_group: filter_scheduler_opts,
    }
