"""A whole control plane as separate processes, with faults the tests inject.

``FaultCloud`` is what tests/integration/test_fault_injection.py breaks:
nova-conductor, nova-scheduler, nova-compute (``fake.FakeDriver``) and
nova-api (noauth2, one worker) as separate processes of the running
python's venv, on RabbitMQ and on MariaDB or PostgreSQL, with the real
Placement daemon (tools/services/placement.sh) and an in-process Glance
fake (``tests.fixtures.images.FakeGlanceServer``) holding one image.

Every nova daemon reaches the broker and its databases through loopback TCP
proxies (``tests.fixtures.tcp_proxy``), so a test takes RabbitMQ or the
database away from nova alone (``broker.stop()``, ``database.stop()``)
without touching the servers other test runs share; Placement keeps its own
direct connection. ``kill(binary)`` sends SIGKILL, ``start(binary)`` starts
the daemon again with the same configuration.

Names carry a random suffix (databases, vhost, ports); ``destroy()`` removes
everything.
"""

import concurrent.futures
import contextlib
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time

import requests
import sqlalchemy as sa

from tests.fixtures import images
from tests.fixtures.tcp_proxy import TCPProxy

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools"
BIN = pathlib.Path(sys.executable).parent
QUICKSTART_DB = TOOLS / "lib" / "quickstart_db.py"

#: SQLAlchemy URL of each database server, without a database name, and the
#: (host, port) the proxy forwards to.
DB_SERVERS = {
    "mysql": ("mysql+pymysql://root@127.0.0.1:{port}", ("127.0.0.1", 3306)),
    "postgresql": ("postgresql+psycopg2://postgres@127.0.0.1:{port}", ("127.0.0.1", 5432)),
}
#: Start order: the conductor first (nova-compute waits for it), the API last.
DAEMONS = ("nova-conductor", "nova-scheduler", "nova-compute", "nova-api")
COMPUTE_HOST = "fault-compute"
ADMIN = "admin"
#: Seconds after which the conductor takes over a build that made no
#: progress; half the default (60) to keep the suite short, still far above
#: what scheduling takes here.
STALE_BUILD_TIMEOUT = 30


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now (int)."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args):
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=120)


def database_url(server_url, name):
    """URL of database ``name`` on ``server_url`` (utf8mb4 on MySQL), as str."""
    return subprocess.run([sys.executable, str(QUICKSTART_DB), "url", server_url, name],
                          check=True, capture_output=True, text=True).stdout.strip()


class FaultCloud:
    """One private control plane; see the module docstring.

    :param workdir: pathlib.Path for configuration files and logs.
    :param backend: "mysql" or "postgresql".
    """

    def __init__(self, workdir, backend="mysql"):
        self.workdir = pathlib.Path(workdir)
        self.backend = backend
        suffix = secrets.token_hex(4)
        self.prefix = f"nova_fault_{suffix}"
        self.vhost = f"nova_fault_{suffix}"
        self.db_names = {n: f"{self.prefix}_{n}" for n in ("api", "cell0", "cell1",
                                                           "placement")}
        server_url, upstream = DB_SERVERS[backend]
        self.broker = TCPProxy(("127.0.0.1", 5672))
        self.database = TCPProxy(upstream)
        self._server_url = server_url
        self.direct_db_url = server_url.format(port=upstream[1])
        self.api_port = free_port()
        self.placement_port = free_port()
        self.placement_url = f"http://127.0.0.1:{self.placement_port}"
        self.glance = images.FakeGlanceServer(images.seed(images.FakeImageService()))
        self.image_id = images.IMAGE_ID
        self.procs = {}
        self.flavor_id = None
        self._created_dbs = False
        self._vhost = False
        self._placement = False
        self._engines = {}

    # -- set-up ---------------------------------------------------------------

    def _service_env(self):
        return dict(os.environ, NOVA_PYTHON=sys.executable,
                    PLACEMENT_STATE_DIR=str(self.workdir / "placement"),
                    PLACEMENT_PORT=str(self.placement_port),
                    PLACEMENT_DATABASE_URL=database_url(self.direct_db_url,
                                                        self.db_names["placement"]),
                    PLACEMENT_THREADS="4")

    def create(self):
        """Databases, vhost, proxies, Placement, Glance, configuration, cells, daemons."""
        for sub in ("state", "instances", "lock", "log"):
            (self.workdir / sub).mkdir(parents=True, exist_ok=True)
        self._created_dbs = True
        subprocess.run([sys.executable, str(QUICKSTART_DB), "create", self.direct_db_url,
                        *self.db_names.values()], check=True, capture_output=True)
        rabbitmqctl("add_vhost", self.vhost)
        self._vhost = True
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        self.broker.start()
        self.database.start()
        self.glance.start()
        self._placement = True
        subprocess.run(["bash", str(TOOLS / "services" / "placement.sh"), "start"],
                       check=True, env=self._service_env(), capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=180)
        self.write_config()
        for args in (["api_db", "sync"],
                     ["cell_v2", "map_cell0", "--database_connection", self.db_url("cell0")],
                     ["cell_v2", "create_cell", "--name", "cell1"],
                     ["db", "sync"]):
            self.nova_manage(*args)
        for binary in DAEMONS:
            self.start(binary)
        self.wait_for(self.api_answers, 90, "nova-api answering")
        self.wait_for(self._host_mapped, 120, "the compute host mapped to cell1")
        resp = self.admin().post(self.url("/v2.1/flavors"), timeout=30, json={
            "flavor": {"name": "fault", "ram": 64, "vcpus": 1, "disk": 1}})
        resp.raise_for_status()
        self.flavor_id = resp.json()["flavor"]["id"]

    def db_url(self, name, direct=False):
        """URL of this cloud's database ``name`` ("api", "cell0", "cell1"), as str.

        :param direct: True for the database server itself, False (what the
            daemons use) for the proxy the tests can stop.
        """
        server = (self.direct_db_url if direct
                  else self._server_url.format(port=self.database.port))
        return database_url(server, self.db_names[name])

    def _conf(self, with_db):
        text = f"""[DEFAULT]
host = {COMPUTE_HOST}
my_ip = 127.0.0.1
transport_url = rabbit://guest:guest@127.0.0.1:{self.broker.port}/{self.vhost}
state_path = {self.workdir}/state
instances_path = {self.workdir}/instances
compute_driver = fake.FakeDriver
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = {self.api_port}
osapi_compute_workers = 1
debug = false

[api]
auth_strategy = noauth2

[wsgi]
api_paste_config = {REPO}/etc/nova/api-paste.ini

[conductor]
workers = 1
stale_build_timeout = {STALE_BUILD_TIMEOUT}

[scheduler]
workers = 1

[quota]
instances = -1
cores = -1
ram = -1

[placement]
auth_type = admin_token
endpoint = {self.placement_url}
token = admin

[glance]
endpoint_override = {self.glance.url}

[oslo_concurrency]
lock_path = {self.workdir}/lock

# Reconnect within two seconds once the broker is back (the defaults back
# off up to 30 s); the outage tests wait for it.
[oslo_messaging_rabbit]
rabbit_retry_interval = 1
rabbit_retry_backoff = 1
rabbit_interval_max = 2
"""
        if with_db:
            text += (f"\n[api_database]\nconnection = {self.db_url('api')}\n"
                     f"\n[database]\nconnection = {self.db_url('cell1')}\n")
        return text

    def write_config(self):
        (self.workdir / "nova.conf").write_text(self._conf(with_db=True))
        # nova-compute reaches the database through the conductor only.
        (self.workdir / "nova-compute.conf").write_text(self._conf(with_db=False))

    def nova_manage(self, *args):
        """Run nova-manage with nova.conf; return its stdout; raise on failure."""
        result = subprocess.run(
            [str(BIN / "nova-manage"), "--config-file", str(self.workdir / "nova.conf"),
             *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        if result.returncode != 0:
            raise AssertionError(f"nova-manage {' '.join(args)} exited {result.returncode}:"
                                 f"\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _host_mapped(self):
        if COMPUTE_HOST in self.nova_manage("cell_v2", "list_hosts"):
            return True
        self.nova_manage("cell_v2", "discover_hosts")
        return False

    # -- daemons --------------------------------------------------------------

    def start(self, binary):
        """Start ``binary`` (a console script); its output goes to log/<binary>.log."""
        conf = "nova-compute.conf" if binary == "nova-compute" else "nova.conf"
        with open(self.workdir / "log" / f"{binary}.log", "ab") as out:
            self.procs[binary] = subprocess.Popen(
                [str(BIN / binary), "--config-file", str(self.workdir / conf)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def kill(self, binary):
        """SIGKILL ``binary`` and every process of its session (its workers)."""
        proc = self.procs[binary]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def dead(self):
        """Binaries whose process has exited (list of str)."""
        return [b for b, p in self.procs.items() if p.poll() is not None]

    def log_tails(self, chars=3000):
        parts = []
        for binary in DAEMONS:
            path = self.workdir / "log" / f"{binary}.log"
            if path.exists():
                parts.append(f"---- {binary} ----\n"
                             + path.read_text(errors="replace")[-chars:])
        return "\n".join(parts)

    def log_lines(self, binary, pattern):
        """Lines of ``binary``'s log containing ``pattern`` (list of str)."""
        path = self.workdir / "log" / f"{binary}.log"
        return [line for line in path.read_text(errors="replace").splitlines()
                if pattern in line]

    def wait_for(self, predicate, timeout, message, interval=0.5):
        """Poll ``predicate()`` until truthy; return its value or raise AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(requests.RequestException):
                value = predicate()
                if value:
                    return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{message}: not within {timeout} s\n{self.log_tails()}")
            time.sleep(interval)

    # -- HTTP -----------------------------------------------------------------

    def url(self, path):
        return f"http://127.0.0.1:{self.api_port}{path}"

    @staticmethod
    def session(user, project):
        """A requests.Session authenticated as ``user`` in ``project`` (noauth2)."""
        sess = requests.Session()
        sess.headers["X-Auth-Token"] = f"{user}:{project}"
        return sess

    def admin(self, project="admin"):
        return self.session(ADMIN, project)

    def api_answers(self):
        return requests.get(self.url("/"), timeout=2).status_code == 200

    def post_servers(self, project, count, prefix, fire=None):
        """POST /servers ``count`` times at once, each on its own connection.

        :param fire: called (no arguments) as the first POST is sent.
        :returns: the responses (requests.Response or the exception raised),
            in order.
        """
        started = concurrent.futures.Future()

        def one(index):
            if not started.done():
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    started.set_result(time.monotonic())
                    if fire:
                        fire()
            try:
                return requests.post(
                    self.url("/v2.1/servers"), timeout=60,
                    headers={"X-Auth-Token": f"user:{project}", "Connection": "close"},
                    json={"server": {"name": f"{prefix}-{index}", "imageRef": self.image_id,
                                     "flavorRef": self.flavor_id}})
            except requests.RequestException as exc:
                return exc

        with concurrent.futures.ThreadPoolExecutor(count) as pool:
            return list(pool.map(one, range(count)))

    def servers(self, project):
        """GET /servers/detail of ``project`` as admin: list of server dicts."""
        resp = self.admin(project).get(self.url("/v2.1/servers/detail?limit=1000"),
                                       timeout=30)
        resp.raise_for_status()
        return resp.json()["servers"]

    def delete_all(self, project, timeout=120):
        """DELETE every server of ``project``; wait until none is listed and
        none holds a Placement allocation any more."""
        sess = self.admin(project)
        ids = set()
        for server in self.servers(project):
            ids.add(server["id"])
            sess.delete(self.url(f"/v2.1/servers/{server['id']}"), timeout=30)
        self.wait_for(lambda: not self.servers(project), timeout,
                      f"servers of {project} deleted")
        self.wait_for(lambda: not ids & self.allocation_consumers(), 30,
                      f"allocations of the deleted servers of {project} removed")

    def set_instances_quota(self, project, limit):
        resp = self.admin().put(self.url(f"/v2.1/os-quota-sets/{project}"), timeout=30,
                                json={"quota_set": {"instances": limit}})
        resp.raise_for_status()

    def quota_in_use(self, project):
        resp = self.admin(project).get(
            self.url(f"/v2.1/os-quota-sets/{project}/detail"), timeout=30)
        resp.raise_for_status()
        return resp.json()["quota_set"]["instances"]["in_use"]

    # -- Placement and the databases ------------------------------------------

    def placement(self, path):
        resp = requests.get(self.placement_url + path, timeout=30, headers={
            "X-Auth-Token": "admin", "OpenStack-API-Version": "placement 1.28"})
        resp.raise_for_status()
        return resp.json()

    def allocation_consumers(self):
        """Consumer UUIDs holding an allocation on any provider (set of str)."""
        consumers = set()
        for provider in self.placement("/resource_providers")["resource_providers"]:
            consumers.update(self.placement(
                f"/resource_providers/{provider['uuid']}/allocations")["allocations"])
        return consumers

    def query(self, name, sql):
        """Run ``sql`` on database ``name`` directly (not through the proxy); rows."""
        if name not in self._engines:
            self._engines[name] = sa.create_engine(self.db_url(name, direct=True),
                                                   poolclass=sa.pool.NullPool)
        with self._engines[name].connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text(sql))]

    # -- tear-down -------------------------------------------------------------

    def destroy(self):
        """Kill every daemon, stop the services, drop the databases, delete the vhost."""
        for binary in list(self.procs):
            if self.procs[binary].poll() is None:
                self.kill(binary)
        for engine in self._engines.values():
            engine.dispose()
        if self._placement:
            subprocess.run(["bash", str(TOOLS / "services" / "placement.sh"), "stop"],
                           env=self._service_env(), capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60, check=False)
        self.glance.stop()
        self.broker.stop()
        self.database.stop()
        if self._created_dbs:
            subprocess.run([sys.executable, str(QUICKSTART_DB), "drop", self.direct_db_url,
                            *self.db_names.values()], capture_output=True, timeout=120,
                           check=False)
        if self._vhost:
            with contextlib.suppress(subprocess.CalledProcessError):
                rabbitmqctl("delete_vhost", self.vhost)
