"""openstack-placement inside this process, served over loopback HTTP.

nova-all needs a Placement service and has no other process to run it in.
``PlacementServer`` builds Placement's own WSGI app (``placement.deploy.
loadapp``) from Placement's own ConfigOpts, never nova's, migrates its
database with Placement's alembic migrations (what ``placement-manage db
sync`` runs) and serves the app with cheroot's thread pool. Nova's clients
then reach it over real HTTP, exactly as they would reach a separate
Placement, through ``[placement]`` set by ``point_nova_at``.

No Keystone: Placement runs with ``[api] auth_strategy = noauth2``, which
takes ``X-Auth-Token`` as the user and gives the admin role to the token
``admin``; nova sends that token (keystoneauth1's ``admin_token`` plugin).

Placement keeps its database engine in one process-wide transaction
context, configured once: one PlacementServer per process.
"""

import threading

from cheroot import wsgi as cheroot_wsgi
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg
from oslo_log import log as logging
from placement import conf as placement_conf
from placement import db_api as placement_db
from placement import deploy as placement_deploy
from placement.db.sqlalchemy import migration as placement_migration

LOG = logging.getLogger(__name__)

#: The token Placement's noauth2 maps to the admin role.
ADMIN_TOKEN = "admin"


def make_placement_conf(connection):
    """Return Placement's ConfigOpts for a no-Keystone, in-process service.

    :param connection: SQLAlchemy URL of Placement's database.
    :returns: a new oslo_config.cfg.ConfigOpts (not nova's CONF), parsed
        with no files, auth_strategy noauth2, no sync at start-up.
    """
    conf = cfg.ConfigOpts()
    placement_conf.register_opts(conf)
    # A required option: it must have a value before parsing checks it.
    conf.set_default("connection", connection, group="placement_database")
    conf([], project="placement", default_config_files=[], default_config_dirs=[])
    conf.set_override("auth_strategy", "noauth2", group="api")
    conf.set_override("sync_on_startup", False, group="placement_database")
    return conf


def point_nova_at(conf, url):
    """Set ``conf``'s [placement] group to reach the Placement at ``url`` as admin.

    :param conf: nova's ConfigOpts.
    :param url: Placement's endpoint, e.g. "http://127.0.0.1:8778".

    Uses set_override, so it wins over the configuration files.
    """
    # The admin_token plugin's own options (endpoint, token) exist only once
    # keystoneauth1 has loaded the plugin; registering them again is a no-op.
    loader = ks_loading.get_plugin_loader("admin_token")
    conf.register_opts(ks_loading.get_auth_plugin_conf_options(loader), group="placement")
    conf.set_override("auth_type", "admin_token", group="placement")
    conf.set_override("endpoint", url, group="placement")
    conf.set_override("token", ADMIN_TOKEN, group="placement")


def request_threads(connection, requested):
    """Return how many requests Placement may serve at once on ``connection``.

    On SQLite one: Placement's writes (claims, inventories) would otherwise
    fight over the file's single write lock and fail with "database is
    locked" under bursts of boots; its requests take milliseconds, so
    serving them one at a time costs little. Other databases get
    ``requested``.
    """
    return 1 if str(connection).startswith("sqlite") else requested


class PlacementServer:
    """Placement's API on ``host:port``, in background threads of this process.

    :param connection: SQLAlchemy URL of Placement's database (created and
        migrated to head at ``start``).
    :param host: address to listen on (loopback by default: nova in this
        process is the client).
    :param port: TCP port; 0 picks a free one (``url`` tells which).
    :param threads: cheroot worker threads (concurrent requests); one on
        SQLite, see request_threads().
    :param poll_interval: seconds between checks of the accept loop for
        ``stop()``; the longest ``stop()`` waits for the loop to notice.

    After ``start()``: ``url`` ("http://HOST:PORT"), ``app`` and
    ``placement_conf`` (Placement's ConfigOpts the app was built from).
    """

    def __init__(self, connection, host="127.0.0.1", port=8778, threads=16,
                 poll_interval=0.1):
        self.connection = connection
        self.host = host
        self.port = port
        self.threads = request_threads(connection, threads)
        self.poll_interval = poll_interval
        self.url = None
        self.app = None
        self.placement_conf = None
        self._server = None
        self._thread = None

    def start(self):
        """Migrate the database, build the app and start serving.

        :raises OSError: the address cannot be bound.
        :raises oslo_db.exception.DBError: the database cannot be reached.
        """
        conf = make_placement_conf(self.connection)
        self.placement_conf = conf
        placement_db.configure(conf)
        placement_migration.upgrade("head")
        self.app = placement_deploy.loadapp(conf)
        server = cheroot_wsgi.Server((self.host, self.port), self.app,
                                     numthreads=self.threads,
                                     server_name="placement")
        # stop() is noticed between polls of the accept loop.
        server.expiration_interval = self.poll_interval
        server.prepare()
        self._server = server
        self.port = server.bind_addr[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=server.serve, name="placement-http",
                                        daemon=True)
        self._thread.start()
        LOG.info("Placement listening on %s", self.url)

    def stop(self, timeout=10):
        """Stop accepting requests and wait up to ``timeout`` s for the server thread."""
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout)
