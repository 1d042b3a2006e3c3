"""nova-all: the whole control plane in one process, for a laptop or a demo.

Usage: ``nova-all --config-file nova-all.conf``. One process runs
nova-conductor, nova-scheduler, one nova-compute ([DEFAULT] host, with
[DEFAULT] compute_driver), the Compute API (osapi_compute_listen:port) and,
unless [nova_all] embedded_placement is False, Placement (served on
[nova_all] placement_listen:placement_listen_port, [placement] pointed at
it). At start the API database, cell0 and cell1 are synced and their cell
mappings created when missing. Glance is not included: images come from
the [glance] endpoint (tools/services/glance.sh runs one).

Defaults that differ from the separate daemons (a configuration file wins
over each): [DEFAULT] transport_url ``fake:/`` (messages stay in this
process), [DEFAULT] compute_driver ``fake.FakeDriver``, [api] auth_strategy
``noauth2`` (X-Auth-Token ``user:project``; the user ``admin`` is admin),
[api_database] and [database] connection SQLite files under [DEFAULT]
state_path (nova_api.sqlite, nova.sqlite; cell0 in nova_cell0.sqlite).

SIGTERM or SIGINT stops everything gracefully (exit 0, or 1 when work in
flight did not finish in [DEFAULT] graceful_shutdown_timeout seconds, or
when start-up failed); SIGHUP re-reads the mutable options.
See doc/source/nova-all.rst.
"""

import os
import sys

import oslo_messaging
from oslo_config import cfg
from oslo_log import log as logging
from oslo_service import service as oslo_service

from nova import conf as nova_conf
from nova import config, objects, rpc
from nova.cmd import common
from nova.embedded import cells, control_plane, placement, sqlite

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: The transport nova-all uses when [DEFAULT] transport_url is not set.
DEFAULT_TRANSPORT_URL = "fake:/"

#: The virt driver nova-all uses when [DEFAULT] compute_driver is not set.
DEFAULT_COMPUTE_DRIVER = "fake.FakeDriver"

#: Where nova-all keeps the API and cell1 databases when none is configured
#: (cell0 goes beside cell1: nova_cell0.sqlite).
DEFAULT_API_DATABASE = "sqlite:///$state_path/nova_api.sqlite"
DEFAULT_DATABASE = "sqlite:///$state_path/nova.sqlite"

nova_all_group = cfg.OptGroup(
    "nova_all",
    title="nova-all options",
    help="Options read only by nova-all, the single-process mode.",
)

nova_all_opts = [
    cfg.BoolOpt(
        "embedded_placement",
        default=True,
        help="""
Run Placement inside the nova-all process and point [placement] at it.
False uses the Placement the [placement] options name.

Default: True
""",
    ),
    cfg.HostAddressOpt(
        "placement_listen",
        default="127.0.0.1",
        help="""
Address the embedded Placement listens on.

Default: 127.0.0.1 (only this host's processes can reach it)
""",
    ),
    cfg.PortOpt(
        "placement_listen_port",
        default=8778,
        help="""
TCP port of the embedded Placement; 0 picks a free port.

Default: 8778
""",
    ),
    cfg.StrOpt(
        "placement_database_connection",
        default="sqlite:///$state_path/placement.sqlite",
        secret=True,
        help="""
SQLAlchemy URL of the embedded Placement's database; migrated to the
newest schema at start.

Default: sqlite:///$state_path/placement.sqlite
""",
    ),
]


def register_opts(conf):
    """Register the [nova_all] options on ``conf``.

    They are not in the sample configuration of the other binaries:
    nothing but nova-all reads them (doc/source/nova-all.rst lists them).
    """
    conf.register_group(nova_all_group)
    conf.register_opts(nova_all_opts, group=nova_all_group)


def set_nova_all_defaults(conf):
    """Give nova-all its own defaults for messaging, driver and auth (see module doc)."""
    # TransportURL.parse without a URL is oslo.messaging's public way of
    # registering [DEFAULT] transport_url on a ConfigOpts.
    oslo_messaging.TransportURL.parse(conf)
    conf.set_default("transport_url", DEFAULT_TRANSPORT_URL)
    conf.set_default("compute_driver", DEFAULT_COMPUTE_DRIVER)
    conf.set_default("auth_strategy", "noauth2", group="api")
    conf.set_default("connection", DEFAULT_API_DATABASE, group="api_database")
    conf.set_default("connection", DEFAULT_DATABASE, group="database")


class AllInOne(oslo_service.ServiceBase):
    """Databases, Placement and the control plane, started and stopped together.

    :param conf: nova's parsed ConfigOpts with [nova_all] registered.

    ``start()`` syncs the databases and cell mappings, starts Placement
    (when embedded), then conductor, scheduler, compute and API. ``stop()``
    stops them in the reverse order.
    """

    binary = "nova-all"

    def __init__(self, conf=CONF):
        super().__init__()
        self.conf = conf
        self.plane = control_plane.ControlPlane(conf)
        self.placement = None

    def start(self):
        conf = self.conf
        os.makedirs(conf.state_path, exist_ok=True)
        # Every service of this process shares the SQLite files (when the
        # databases are SQLite): writers must wait their turn, not fail.
        sqlite.install()
        found = cells.ensure_cells(conf)
        LOG.info("Cells ready: cell0 %s, %s %s", found.cell0.uuid, found.cell1.name,
                 found.cell1.uuid)
        if conf.nova_all.embedded_placement:
            self.placement = placement.PlacementServer(
                conf.nova_all.placement_database_connection,
                host=conf.nova_all.placement_listen,
                port=conf.nova_all.placement_listen_port)
            self.placement.start()
            placement.point_nova_at(conf, self.placement.url)
        if not (conf.glance.endpoint_override or conf.glance.auth_type):
            LOG.warning("[glance] has neither endpoint_override nor auth_type: no "
                        "image can be found, so no server can be built")
        self.plane.start()

    def stop(self, graceful=True):
        self.plane.stop()
        if self.placement is not None:
            self.placement.stop()
            self.placement = None

    def wait(self, timeout=None):
        return self.plane.wait(timeout)

    def reset(self):
        self.plane.reset()


def main(argv=None):
    """Run nova-all until SIGTERM; exit with its status."""
    register_opts(CONF)
    set_nova_all_defaults(CONF)
    config.parse_args(argv or sys.argv)
    config.log_option_values()
    objects.register_all()
    rpc.init(CONF)
    sys.exit(common.serve(AllInOne(CONF), workers=1))


if __name__ == "__main__":
    main()
