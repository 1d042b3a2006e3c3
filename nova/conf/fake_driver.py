"""[fake_driver]: the in-memory virt driver (``compute_driver = fake.FakeDriver``)."""

from oslo_config import cfg

fake_driver_group = cfg.OptGroup(
    "fake_driver",
    title="Fake virt driver options",
    help="""
Options of fake.FakeDriver, the driver that keeps guests in memory. It runs
no hypervisor and serves tests and scale experiments only.
""",
)

fake_driver_opts = [
    cfg.IntOpt(
        "node_count",
        default=1,
        min=1,
        help="""
Number of compute nodes one nova-compute with the fake driver serves.

Each node is a compute_nodes row and a Placement resource provider of its
own with the fake driver's full capacity, so a single nova-compute process
can stand for a large cloud (scale tests, tools/bench/scheduling.py).

Default: 1

Possible values:
* 1: one node named after [DEFAULT] host.
* N > 1: nodes named "<host>-1" ... "<host>-N".

Related options:
* compute_driver
""",
    ),
]


def register_opts(conf):
    """Register the [fake_driver] group on ``conf``."""
    conf.register_group(fake_driver_group)
    conf.register_opts(fake_driver_opts, group=fake_driver_group)


def list_opts():
    """Return {fake_driver_group: [options]} for the config generator."""
    return {fake_driver_group: fake_driver_opts}
