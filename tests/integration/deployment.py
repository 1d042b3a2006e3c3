"""A throw-away nova control plane for integration tests: real daemons as
separate processes on the local RabbitMQ and MariaDB.

``Deployment`` creates uniquely named databases (API, cell0, cell1) and a
RabbitMQ vhost, writes one configuration file per daemon (nova-compute's
without any database section), sets the databases up with nova-manage as an
operator would, starts daemons with their console scripts, and removes
everything again::

    deployment = Deployment(tmp_path)
    deployment.create()
    conductor = deployment.start("nova-conductor")
    ...
    deployment.destroy()

Several test runs can share the servers: every name carries a random suffix.
"""

import contextlib
import pathlib
import secrets
import signal
import subprocess
import sys
import time

import psutil
import pymysql

from tests.fixtures.tcp_proxy import TCPProxy

#: Where the console scripts of the nova under test are.
BIN = pathlib.Path(sys.executable).parent

MYSQL = {"host": "127.0.0.1", "port": 3306, "user": "root"}
RABBIT_URL = "rabbit://guest:guest@127.0.0.1:{port}/{vhost}"


def _mysql_url(name):
    return f"mysql+pymysql://{MYSQL['user']}@{MYSQL['host']}:{MYSQL['port']}/{name}"


def rabbitmqctl(*args, timeout=60):
    """Run rabbitmqctl; return its CompletedProcess; raise on a non-zero exit."""
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True,
                          timeout=timeout, check=True, stdin=subprocess.DEVNULL)


class BrokerProxy(TCPProxy):
    """A TCP proxy in front of RabbitMQ that the tests can take down and bring back.

    Daemons connect to the proxy's port; ``stop()`` and ``start()`` as
    ``tests.fixtures.tcp_proxy.TCPProxy``, so clients see what a broker
    restart looks like to them without touching the broker other test runs
    share.

    :param upstream: (host, port) of the real broker.
    """

    def __init__(self, upstream=("127.0.0.1", 5672)):
        super().__init__(upstream)


class Daemon:
    """One running nova daemon: its process, configuration file and log file."""

    def __init__(self, binary, conf_path, log_path, popen):
        self.binary = binary
        self.conf_path = conf_path
        self.log_path = log_path
        self.popen = popen

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        """The daemon's output so far (stdout and stderr), as text."""
        return self.log_path.read_text(errors="replace")

    def tcp_peers(self):
        """Return the (host, port) of every TCP peer of the process and its children."""
        peers = set()
        process = psutil.Process(self.pid)
        for proc in [process, *process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess):
                for conn in proc.net_connections(kind="tcp"):
                    if conn.raddr:
                        peers.add((conn.raddr.ip, conn.raddr.port))
        return peers

    def signal(self, signum):
        self.popen.send_signal(signum)

    def terminate(self, timeout=30):
        """Send SIGTERM and return the exit status; SIGKILL after ``timeout`` s."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)
            raise


class Deployment:
    """Databases, vhost, configuration and daemons of one test deployment.

    :param workdir: a pathlib.Path for configuration and log files.
    :param report_interval: seconds between heartbeats of every daemon.
    :param service_down_time: seconds after which a silent service is down.
    :param rpc_response_timeout: seconds a call waits for its answer.
    :param broker_port: where the daemons reach RabbitMQ (a BrokerProxy's
        port to be able to cut them off).
    """

    def __init__(self, workdir, report_interval=1, service_down_time=10,
                 rpc_response_timeout=5, broker_port=5672):
        self.workdir = pathlib.Path(workdir)
        self.suffix = secrets.token_hex(4)
        self.vhost = f"nova_test_{self.suffix}"
        self.transport_url = RABBIT_URL.format(port=broker_port, vhost=self.vhost)
        self.db_names = {name: f"nova_{name}_{self.suffix}"
                         for name in ("api", "cell0", "cell1")}
        self.report_interval = report_interval
        self.service_down_time = service_down_time
        self.rpc_response_timeout = rpc_response_timeout
        self.daemons = []
        self._created_dbs = []
        self._vhost_created = False

    # -- set-up --------------------------------------------------------------

    def create(self):
        """Create the databases and vhost, write the configs, run nova-manage."""
        with contextlib.closing(pymysql.connect(autocommit=True, **MYSQL)) as conn:
            with conn.cursor() as cur:
                for name in self.db_names.values():
                    cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
                    self._created_dbs.append(name)
        rabbitmqctl("add_vhost", self.vhost)
        self._vhost_created = True
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        self.write_conf("nova.conf", self.controller_conf())
        self.write_conf("nova-compute.conf", self.compute_conf("compute1"))
        manage = ["--config-file", str(self.workdir / "nova.conf")]
        self.nova_manage(*manage, "api_db", "sync")
        self.nova_manage(*manage, "cell_v2", "map_cell0", "--database_connection",
                         _mysql_url(self.db_names["cell0"]))
        self.nova_manage(*manage, "cell_v2", "create_cell", "--name", "cell1")
        self.nova_manage(*manage, "db", "sync")

    def _common(self, host):
        return {
            "DEFAULT": {
                "host": host,
                "transport_url": self.transport_url,
                "report_interval": self.report_interval,
                "service_down_time": self.service_down_time,
                "rpc_response_timeout": self.rpc_response_timeout,
                "periodic_fuzzy_delay": 0,
                "graceful_shutdown_timeout": 20,
            },
            # Reconnect quickly after a broker outage: the tests wait for it.
            "oslo_messaging_rabbit": {
                "rabbit_retry_interval": 1,
                "rabbit_retry_backoff": 1,
                "rabbit_interval_max": 2,
            },
        }

    def controller_conf(self, host="controller"):
        """Configuration of nova-conductor and nova-scheduler (dict of sections)."""
        conf = self._common(host)
        conf["database"] = {"connection": _mysql_url(self.db_names["cell1"])}
        conf["api_database"] = {"connection": _mysql_url(self.db_names["api"])}
        conf["conductor"] = {"workers": 1}
        conf["scheduler"] = {"workers": 1}
        return conf

    def compute_conf(self, host):
        """Configuration of nova-compute on ``host``: no database section at all."""
        conf = self._common(host)
        conf["DEFAULT"]["compute_driver"] = "fake.FakeDriver"
        return conf

    def write_conf(self, name, sections):
        """Write ``sections`` ({section: {option: value}}) to workdir/name; return the path."""
        lines = []
        for section, options in sections.items():
            lines.append(f"[{section}]")
            lines.extend(f"{key} = {value}" for key, value in options.items())
            lines.append("")
        path = self.workdir / name
        path.write_text("\n".join(lines))
        return path

    def nova_manage(self, *args, check=True):
        """Run nova-manage; return the CompletedProcess."""
        result = subprocess.run([str(BIN / "nova-manage"), *args], capture_output=True,
                                text=True, timeout=300, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise AssertionError(f"nova-manage {' '.join(args)} exited "
                                 f"{result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    # -- daemons -------------------------------------------------------------

    def start(self, binary, conf_name="nova.conf", log_name=None):
        """Start ``binary`` (a console script) with workdir/conf_name; return a Daemon."""
        conf_path = self.workdir / conf_name
        log_path = self.workdir / (log_name or f"{binary}.log")
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                [str(BIN / binary), "--config-file", str(conf_path)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        daemon = Daemon(binary, conf_path, log_path, popen)
        self.daemons.append(daemon)
        return daemon

    # -- what the database says ---------------------------------------------

    def query(self, database, sql, args=None):
        """Run ``sql`` on one of "api", "cell0", "cell1"; return rows as dicts."""
        with contextlib.closing(pymysql.connect(
                database=self.db_names[database], autocommit=True,
                cursorclass=pymysql.cursors.DictCursor, **MYSQL)) as conn:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return list(cur.fetchall())

    def services(self):
        """Return {(host, binary): row} of the live services rows in cell1."""
        rows = self.query("cell1", "SELECT * FROM services WHERE deleted = 0")
        return {(row["host"], row["binary"]): row for row in rows}

    def wait_for(self, predicate, timeout, interval=0.5, message="condition"):
        """Poll ``predicate()`` until truthy; return its value or raise AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {d.binary} (rc={d.popen.poll()})\n{d.log()[-3000:]}"
                                 for d in self.daemons)
                raise AssertionError(f"{message} not met within {timeout} s\n{logs}")
            time.sleep(interval)

    # -- tear-down -----------------------------------------------------------

    def destroy(self):
        """Kill what still runs, drop the databases, delete the vhost."""
        for daemon in self.daemons:
            if daemon.alive():
                daemon.popen.kill()
                daemon.popen.wait(10)
        if self._created_dbs:
            with contextlib.closing(pymysql.connect(autocommit=True, **MYSQL)) as conn:
                with conn.cursor() as cur:
                    for name in self._created_dbs:
                        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            self._created_dbs = []
        if self._vhost_created:
            rabbitmqctl("delete_vhost", self.vhost)
            self._vhost_created = False
