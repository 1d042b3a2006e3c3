"""``ControlPlane``: conductor, scheduler, computes and the Compute API in one process.

The pieces are the same the separate daemons run (``nova.service.Service``
around each manager, ``nova.api.wsgi_server.WSGIServer`` around the paste
app); only the process boundary is gone. What the caller prepares first:

1. ``nova.conf.CONF`` parsed, ``nova.objects.register_all()`` called;
2. ``nova.rpc.init(conf)`` on the transport every service shares (the
   cell mapping of ``[database]`` must carry the same ``transport_url``,
   see ``nova.embedded.cells``);
3. the databases and cell mappings (``nova.embedded.cells.ensure_cells``);
4. ``[placement]`` pointing at a running Placement.

Then::

    plane = ControlPlane()
    plane.start()            # conductor, scheduler, compute on [DEFAULT] host, API
    ...
    plane.stop()             # API first, then computes, scheduler, conductor

or piece by piece (the functional tests): ``start_conductor()``,
``start_scheduler()``, ``start_compute(host, driver)``, ``start_api(host,
port)``.

Every service talks to the databases directly: one process holds the
credentials anyway, so nova-compute does not route its object calls through
the conductor here (the indirection path has its own tests in
tests/functional/services).

``ControlPlane`` is an oslo.service ``ServiceBase``, so ``nova.service.run``
drives it: SIGTERM/SIGINT stop it gracefully, SIGHUP re-reads the mutable
options and calls every manager's ``reset``.
"""

import threading

from oslo_log import log as logging
from oslo_service import service as oslo_service

import nova.conf
from nova import context as nova_context
from nova import exception, service
from nova.api import wsgi_server
from nova.api.openstack import paste_app
from nova.compute import manager as compute_manager
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova.objects import host_mapping
from nova.scheduler import manager as scheduler_manager
from nova.scheduler import rpcapi as scheduler_rpcapi

LOG = logging.getLogger(__name__)

CONF = nova.conf.CONF

class ControlPlane(oslo_service.ServiceBase):
    """Start and stop nova's services inside this process.

    :param conf: nova's parsed ConfigOpts.
    :param report_interval: seconds between service heartbeats; None uses
        [DEFAULT] report_interval.
    :param periodic_enable: run the managers' periodic tasks; None uses
        [DEFAULT] periodic_enable.
    :param periodic_fuzzy_delay: upper bound (s) of the random delay of the
        first periodic run; None uses [DEFAULT] periodic_fuzzy_delay.

    Attributes: ``conductor``, ``scheduler`` (``nova.service.Service`` or
    None), ``computes`` ({host: Service}), ``api`` (the started
    ``WSGIServer`` or None), ``api_url`` ("http://HOST:PORT").
    """

    binary = "nova-all"

    def __init__(self, conf=CONF, report_interval=None, periodic_enable=None,
                 periodic_fuzzy_delay=None):
        super().__init__()
        self.conf = conf
        self._service_kwargs = {
            "report_interval": report_interval,
            "periodic_enable": periodic_enable,
            "periodic_fuzzy_delay": periodic_fuzzy_delay,
        }
        self.conductor = None
        self.scheduler = None
        self.computes = {}
        self.api = None
        self.api_url = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    # -- one service at a time -------------------------------------------------

    def _start_service(self, binary, topic, manager, **overrides):
        kwargs = dict(self._service_kwargs)
        kwargs.update(overrides)
        server = service.Service.create(host=manager.host, binary=binary, topic=topic,
                                        manager=manager, **kwargs)
        server.start()
        self._stopped.clear()
        return server

    def start_conductor(self, host=None):
        """Start nova-conductor on ``host`` ([DEFAULT] host); return its Service.

        :raises RuntimeError: a conductor already runs in this ControlPlane.
        """
        if self.conductor is not None:
            raise RuntimeError("the conductor is already running")
        manager = conductor_manager.ConductorManager(host=host or self.conf.host)
        self.conductor = self._start_service(
            "nova-conductor", conductor_rpcapi.RPC_TOPIC, manager)
        return self.conductor

    def start_scheduler(self, host=None):
        """Start nova-scheduler on ``host`` ([DEFAULT] host); return its Service.

        :raises RuntimeError: a scheduler already runs in this ControlPlane.
        """
        if self.scheduler is not None:
            raise RuntimeError("the scheduler is already running")
        interval = self.conf.scheduler.periodic_task_interval
        manager = scheduler_manager.SchedulerManager(host=host or self.conf.host)
        self.scheduler = self._start_service(
            "nova-scheduler", scheduler_rpcapi.RPC_TOPIC, manager,
            periodic_interval_max=interval if interval > 0 else 60)
        return self.scheduler

    def start_compute(self, host=None, driver=None):
        """Start nova-compute for ``host`` with virt driver ``driver``; return its Service.

        :param host: the compute host's name ([DEFAULT] host when None);
            several computes may run under different names.
        :param driver: a [DEFAULT] compute_driver value ("fake.FakeDriver",
            "fake.SmallFakeDriver", "libvirt.LibvirtDriver"); the
            configured one when None.
        :raises RuntimeError: a compute of that host already runs here.
        :raises nova.exception.InvalidInput: the driver cannot be loaded.

        Once it runs (the manager has reported its compute node and
        inventory while starting) the host is mapped to its cell, so the
        scheduler can pick it at once, without waiting for a periodic run
        or an operator's ``nova-manage cell_v2 discover_hosts``.
        """
        host = host or self.conf.host
        if host in self.computes:
            raise RuntimeError(f"a compute service for {host!r} is already running")
        manager = compute_manager.ComputeManager(
            compute_driver=driver or self.conf.compute_driver, host=host)
        server = self._start_service("nova-compute", compute_rpcapi.RPC_TOPIC, manager)
        self.computes[host] = server
        self.discover_hosts()
        return server

    def discover_hosts(self):
        """Map every compute host that has no host mapping yet; return the new mappings.

        By service record, so a host is mapped even before its compute node
        exists (what ``nova-manage cell_v2 discover_hosts --by-service``
        does).
        """
        ctxt = nova_context.get_admin_context()
        try:
            created = host_mapping.discover_hosts(ctxt, by_service=True)
        except exception.HostMappingExists:
            # Someone else (the scheduler's periodic task) mapped it first.
            return []
        for mapping in created:
            LOG.info("Mapped compute host %s to cell %s", mapping.host,
                     mapping.cell_mapping.uuid)
        return created

    def stop_compute(self, host):
        """Stop the compute service of ``host`` (its services row stays, it goes down)."""
        server = self.computes.pop(host)
        server.stop()

    def start_api(self, host=None, port=None, threads=None):
        """Load the Compute API paste app and serve it; return the WSGIServer.

        :param host: listen address ([DEFAULT] osapi_compute_listen).
        :param port: TCP port ([DEFAULT] osapi_compute_listen_port); 0
            picks a free one.
        :param threads: [wsgi] server_threads when None.
        :raises RuntimeError: the API already runs here.
        :raises nova.exception.ConfigNotFound: no api-paste.ini.
        :raises OSError: the address cannot be bound.
        """
        if self.api is not None:
            raise RuntimeError("the API is already running")
        conf = self.conf
        host = conf.osapi_compute_listen if host is None else host
        port = conf.osapi_compute_listen_port if port is None else port
        app = paste_app.load_app(paste_app.OSAPI_COMPUTE, conf=conf)
        server = wsgi_server.WSGIServer(
            "nova-api", app, host, port,
            threads=threads or conf.wsgi.server_threads, conf=conf)
        server.start()
        self.api = server
        self._stopped.clear()
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        shown = "::1" if shown == "::" else shown
        shown = f"[{shown}]" if ":" in shown else shown
        self.api_url = f"http://{shown}:{server.port}"
        return server

    # -- everything (ServiceBase) ------------------------------------------------

    def start(self):
        """Start conductor, scheduler, the compute of [DEFAULT] host, then the API.

        :raises: whatever a service raises while starting; the ones
            already started keep running (``stop()`` stops them).
        """
        self.start_conductor()
        self.start_scheduler()
        self.start_compute()
        self.start_api()
        LOG.info("Control plane up: Compute API at %s", self.api_url)

    def stop(self, graceful=True):
        """Stop the API, then the computes, the scheduler and the conductor.

        The API goes first so no new work arrives; the conductor goes last
        because the others may still be finishing calls into it. Each
        service lets its in-flight messages finish. Safe to call twice.
        """
        with self._lock:
            if self.api is not None:
                self.api.stop()
                if not self.api.wait(self.conf.graceful_shutdown_timeout or None):
                    LOG.warning("The API did not finish its requests in time")
                self.api = None
            for host in list(self.computes):
                self.stop_compute(host)
            for name in ("scheduler", "conductor"):
                server = getattr(self, name)
                if server is not None:
                    server.stop()
                    setattr(self, name, None)
            self._stopped.set()

    def wait(self, timeout=None):
        """Block until ``stop()`` finished; True if it did within ``timeout`` s."""
        return self._stopped.wait(timeout)

    def reset(self):
        """Let every manager re-read mutable options (SIGHUP)."""
        for server in self.services():
            server.reset()

    def services(self):
        """Return the running RPC services (list of nova.service.Service)."""
        found = [self.conductor, self.scheduler, *self.computes.values()]
        return [server for server in found if server is not None]
