"""The runner every RPC daemon shares: service record, RPC server, heartbeat,
periodic tasks, and the signals that stop or reconfigure it.

A ``Service`` wraps one manager (``nova.manager.Manager``)::

    server = service.Service.create(binary="nova-conductor",
                                    topic="conductor",
                                    manager=ConductorManager())
    sys.exit(service.run(server, workers=1))

``start()`` does, in order: find this service's row in the ``services``
table (through objects, so in nova-compute it goes through the conductor),
``manager.init_host``, create or update the row, ``manager.pre_start_hook``,
start the RPC server on ``topic`` (server = host) with the threading
executor, ``manager.post_start_hook``, then the heartbeat
(``nova.servicegroup``) and the periodic tasks thread.

``run()`` runs services in this process: SIGTERM or SIGINT stops taking
messages, lets the ones in flight finish (up to [DEFAULT]
graceful_shutdown_timeout seconds) and returns 0; SIGHUP re-reads the
configuration files and applies the mutable options (upstream's "mutate"
restart method). With more than one worker it hands the service to
oslo.service's process launcher instead, which forks the workers.
"""

import random
import signal
import threading

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import opts as service_opts
from oslo_service import service as oslo_service

from nova import baserpc, exception, objects, rpc, servicegroup, version
from nova import conf as nova_conf
from nova import context as nova_context

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


class Service(oslo_service.ServiceBase):
    """One RPC daemon: a manager served on a topic, with its services row.

    :param host: the host name ([DEFAULT] host); the RPC server's ``server``.
    :param binary: "nova-conductor", "nova-scheduler", "nova-compute", ...
    :param topic: the RPC topic ("conductor", "scheduler", "compute").
    :param manager: a ``nova.manager.Manager`` instance, the RPC endpoint.
    :param report_interval: seconds between heartbeats ([DEFAULT]
        report_interval when None; 0 disables them).
    :param periodic_enable: run the manager's periodic tasks ([DEFAULT]
        periodic_enable when None).
    :param periodic_fuzzy_delay: upper bound (s) of the random delay before
        the first periodic run ([DEFAULT] periodic_fuzzy_delay when None).
    :param periodic_interval_max: longest sleep (s) between two periodic
        runs, whatever the tasks' spacing says.

    After ``start()``: ``service_ref`` is this service's objects.Service,
    ``rpcserver`` the oslo.messaging server.
    """

    def __init__(self, host, binary, topic, manager, report_interval=None,
                 periodic_enable=None, periodic_fuzzy_delay=None,
                 periodic_interval_max=60, servicegroup_api=None):
        super().__init__()
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.report_interval = (CONF.report_interval if report_interval is None
                                else report_interval)
        self.periodic_enable = (CONF.periodic_enable if periodic_enable is None
                                else periodic_enable)
        self.periodic_fuzzy_delay = (
            CONF.periodic_fuzzy_delay if periodic_fuzzy_delay is None
            else periodic_fuzzy_delay)
        self.periodic_interval_max = periodic_interval_max
        self.servicegroup_api = servicegroup_api or servicegroup.API()
        self.service_ref = None
        self.rpcserver = None
        self._heartbeat = None
        self._periodic_thread = None
        self._stopping = threading.Event()
        self._stopped = threading.Event()

    @classmethod
    def create(cls, host=None, binary=None, topic=None, manager=None,
               **kwargs):
        """Build a Service with defaults from the configuration.

        :param host: [DEFAULT] host when None.
        :param binary: required, e.g. "nova-compute".
        :param topic: the binary's name without "nova-" when None.
        :param manager: required, a Manager instance.
        :param kwargs: the other ``__init__`` parameters.
        :raises ValueError: binary or manager missing.
        """
        if not binary or manager is None:
            raise ValueError("Service.create needs a binary and a manager")
        if topic is None:
            topic = binary.rpartition("nova-")[2]
        return cls(host or CONF.host, binary, topic, manager, **kwargs)

    def __repr__(self):
        return (f"<{type(self).__name__}: host={self.host}, binary={self.binary}, "
                f"topic={self.topic}>")

    # -- life cycle --------------------------------------------------------

    def start(self):
        """Record the service, start serving RPC, heartbeats and periodic tasks.

        :raises: whatever the manager's hooks or the first services-table
            access raise (the daemon then exits non-zero).
        """
        LOG.info("Starting %(binary)s on %(host)s (topic %(topic)s, "
                 "version %(version)s)",
                 {"binary": self.binary, "host": self.host,
                  "topic": self.topic, "version": version.version_string})
        self._stopping.clear()
        self._stopped.clear()
        ctxt = nova_context.get_admin_context()
        service_ref = objects.Service.get_by_host_and_binary(
            ctxt, self.host, self.binary)
        self.manager.init_host(service_ref)
        self.service_ref = self._record(ctxt, service_ref)
        self.manager.pre_start_hook(self.service_ref)

        target = messaging.Target(topic=self.topic, server=self.host)
        endpoints = [self.manager, baserpc.BaseRPCAPI(self.manager.service_name)]
        endpoints.extend(self.manager.additional_endpoints)
        self.rpcserver = rpc.get_server(target, endpoints)
        self.rpcserver.start()
        self.manager.post_start_hook()

        self._heartbeat = self.servicegroup_api.join(
            self.service_ref, self.report_interval)
        if self.periodic_enable:
            self._periodic_thread = threading.Thread(
                target=self._run_periodic_tasks, daemon=True,
                name=f"periodic-{self.binary}")
            self._periodic_thread.start()
        LOG.info("%s on %s is serving topic %s", self.binary, self.host,
                 self.topic)

    def _record(self, ctxt, service_ref):
        """Create this service's row, or refresh an existing one."""
        if service_ref is not None:
            # Loading reports this code's version; saving records it, so
            # an upgraded service is seen at its new level at once.
            if service_ref.topic != self.topic:
                service_ref.topic = self.topic
            service_ref.save()
            return service_ref
        service_ref = objects.Service(
            ctxt, host=self.host, binary=self.binary, topic=self.topic,
            report_count=0, disabled=False, forced_down=False)
        try:
            service_ref.create()
        except (exception.ServiceBinaryExists, exception.ServiceTopicExists):
            # Another copy of this service (a second worker) won the race.
            service_ref = objects.Service.get_by_host_and_binary(
                ctxt, self.host, self.binary)
        return service_ref

    def _run_periodic_tasks(self):
        delay = (random.uniform(0, self.periodic_fuzzy_delay)  # noqa: S311
                 if self.periodic_fuzzy_delay else 0)
        if self._stopping.wait(delay):
            return
        ctxt = nova_context.get_admin_context()
        while not self._stopping.is_set():
            try:
                idle = self.manager.periodic_tasks(ctxt)
            except Exception:
                LOG.exception("Periodic tasks of %s failed", self.binary)
                idle = None
            if idle is None or idle > self.periodic_interval_max:
                idle = self.periodic_interval_max
            self._stopping.wait(max(idle, 0.1))

    def stop(self, graceful=True):
        """Stop taking messages, finish those in flight, stop the heartbeat.

        :param graceful: kept for oslo.service's interface; stopping is
            always graceful (in-flight messages finish).

        The services row stays (it is not deleted): the service just stops
        reporting and shows as down after service_down_time.
        """
        if self._stopping.is_set():
            return
        self._stopping.set()
        LOG.info("Stopping %s on %s", self.binary, self.host)
        if self.rpcserver is not None:
            try:
                self.rpcserver.stop()
                self.rpcserver.wait()
            except Exception:
                LOG.exception("Stopping the RPC server of %s failed", self.binary)
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None
        if self._periodic_thread is not None:
            self._periodic_thread.join()
            self._periodic_thread = None
        try:
            self.manager.cleanup_host()
        except Exception:
            LOG.exception("cleanup_host of %s failed", self.binary)
        self._stopped.set()

    def wait(self, timeout=None):
        """Block until ``stop()`` has finished; True if it has, False on timeout."""
        return self._stopped.wait(timeout)

    def reset(self):
        """Let the manager re-read mutable configuration (SIGHUP)."""
        self.manager.reset()


class _Signals:
    """Signal handlers that only record what arrived; the main loop acts.

    Doing the work in the handler itself would run it in the middle of
    whatever the main thread was doing, possibly while it holds a lock.
    """

    def __init__(self):
        self.stop_signal = None
        self.reload_requested = False
        self._previous = {}

    def install(self):
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._previous[signum] = signal.signal(signum, self._on_stop)
        self._previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, self._on_hup)

    def restore(self):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _on_stop(self, signum, frame):
        self.stop_signal = signum

    def _on_hup(self, signum, frame):
        self.reload_requested = True


def _drain(service, timeout):
    """Stop ``service`` in a thread; True if it finished within ``timeout`` s."""
    stopper = threading.Thread(target=service.stop, daemon=True,
                               name=f"stop-{service.binary}")
    stopper.start()
    stopper.join(timeout or None)
    return not stopper.is_alive()


def run(server, workers=None, conf=CONF, poll_interval=0.2):
    """Run ``server`` until SIGTERM/SIGINT; return the process exit code.

    :param server: a started-or-not ``Service``.
    :param workers: number of processes; None or 1 runs in this process,
        more forks through oslo.service's ProcessLauncher.
    :param conf: the ConfigOpts SIGHUP re-reads.
    :param poll_interval: seconds between checks for a received signal.
    :returns: 0 after a clean stop; 1 when start-up failed or in-flight
        messages did not finish within [DEFAULT] graceful_shutdown_timeout.
    """
    service_opts.register_service_opts(conf)
    if workers and workers > 1:
        launcher = oslo_service.ProcessLauncher(conf, restart_method="mutate")
        launcher.launch_service(server, workers=workers)
        return launcher.wait() or 0

    signals = _Signals()
    signals.install()
    try:
        try:
            server.start()
        except Exception:
            LOG.exception("%s failed to start", server.binary)
            _drain(server, conf.graceful_shutdown_timeout)
            return 1
        while signals.stop_signal is None:
            if signals.reload_requested:
                signals.reload_requested = False
                LOG.info("SIGHUP: re-reading configuration files")
                conf.mutate_config_files()
                server.reset()
            if server.wait(poll_interval):
                return 0
        LOG.info("Signal %s received: stopping %s",
                 signal.Signals(signals.stop_signal).name, server.binary)
        if not _drain(server, conf.graceful_shutdown_timeout):
            LOG.error("%s did not finish its in-flight messages within "
                      "graceful_shutdown_timeout (%s s)", server.binary,
                      conf.graceful_shutdown_timeout)
            return 1
        return 0
    finally:
        signals.restore()
