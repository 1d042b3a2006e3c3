"""Boot benchmark: how fast the control plane turns POST /servers into ACTIVE.

Sets up a private deployment (its own databases, RabbitMQ vhost, Placement,
Glance with one image, and nova-conductor, nova-scheduler, nova-compute
with the fake driver, nova-api as separate processes), then measures K
times (--runs):

1. sequential boots: --servers N servers one after the other, latency from
   sending POST /servers to the first GET /servers/{id} that says ACTIVE
   (polled every --poll-interval s): median, p90, servers/s;
2. concurrent boots: --concurrent C servers POSTed at once from C threads:
   wall time until the last is ACTIVE, servers/s;
3. GET /servers/detail with --detail-servers servers alive (more are booted
   to reach that count): median over --detail-requests requests;
4. resident memory (RSS) of each nova daemon with 100 servers alive, and
   the total;

and prints the medians over the runs with the ratio to upstream Nova 34's
figures measured on the same kind of machine. Everything is removed at the
end (servers, daemons, databases, vhost, state dir) unless --keep. See
tools/bench/README.rst. Run as root with nova's python::

    .venv/bin/python tools/bench/boot.py [--servers 20] [--runs 3]

This is a benchmark, not a test: it prints figures and exits 0 unless the
deployment fails; it never asserts a target.
"""

import argparse
import concurrent.futures
import contextlib
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

import bench_stats
import psutil
import requests
from sqlalchemy.engine import make_url

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOLS = REPO / "tools"
BIN = pathlib.Path(sys.executable).parent
# Start order: the conductor first (nova-compute waits for it), the API last.
DAEMONS = ("nova-conductor", "nova-scheduler", "nova-compute", "nova-api")
COMPUTE_HOST = "bench-compute"
ADMIN_TOKEN = "admin:admin"
USER_TOKEN = "bench:bench"

#: Upstream Nova 34 on the same kind of 2-core machine (the issue's figures),
#: and this project's first-cut targets; (metric, upstream, target, unit).
REFERENCE = {
    "seq_median_s": (0.50, 0.100),
    "conc_wall_s": (8.1, 2.0),
    "detail_median_s": (0.531, 0.100),
    "rss_total_mib": (1049.0, 600.0),
}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port():
    """Return a TCP port on 127.0.0.1 nobody listens on right now (int)."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args):
    env = dict(os.environ, PATH=os.environ.get("PATH", "") + ":/usr/sbin")
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, env=env,
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=120)


class Deployment:
    """The private deployment the benchmark boots servers on.

    :param workdir: pathlib.Path for configuration, logs and SQLite files.
    :param db_url: server URL without database name (MariaDB or
        PostgreSQL), or "sqlite" for SQLite files under ``workdir``.
    :param placement_db: "sqlite" (Placement's own file) or "server" (a
        database on ``db_url``'s server).
    :param placement_threads: Placement's HTTP threads; None picks 1 on
        SQLite, 4 on a database server.
    """

    def __init__(self, workdir, db_url, placement_db="sqlite", placement_threads=None):
        self.workdir = workdir
        if placement_threads is None:
            # On SQLite, writes from several threads fail with "database is
            # locked" (a read transaction that upgrades to a write gets
            # SQLITE_BUSY at once): one thread serialises them. On MariaDB
            # 16 threads (placement.sh's default) exhaust Placement's pool of
            # 5 + 10 connections under 20 concurrent claims and requests
            # fail after its 30 s pool timeout; 4 threads stay below it.
            placement_threads = 1 if placement_db == "sqlite" else 4
        self.placement_threads = placement_threads
        self.db_url = db_url
        self.placement_db = placement_db
        self.suffix = secrets.token_hex(4)
        self.prefix = f"nova_bench_{self.suffix}"
        self.vhost = f"nova_bench_{self.suffix}"
        self.api_port = free_port()
        self.placement_port = free_port()
        self.glance_port = free_port()
        self.procs = {}
        self.created_dbs = []
        self.vhost_created = False
        self.started_services = []
        self.image_id = None
        self.flavor_id = None

    # -- set-up ---------------------------------------------------------------

    def _db(self, name):
        if self.db_url == "sqlite":
            return f"sqlite:///{self.workdir}/{name}.sqlite"
        url = make_url(self.db_url).set(database=f"{self.prefix}_{name}")
        if url.get_backend_name() == "mysql":
            url = url.update_query_dict({"charset": "utf8mb4"})
        return url.render_as_string(hide_password=False)

    def _quickstart_db(self, action, names):
        subprocess.run([sys.executable, str(TOOLS / "lib" / "quickstart_db.py"), action,
                        self.db_url, *names], check=True, stdin=subprocess.DEVNULL,
                       stdout=sys.stderr)

    def _service_env(self):
        return dict(
            os.environ,
            NOVA_PYTHON=sys.executable,
            PLACEMENT_STATE_DIR=str(self.workdir / "placement"),
            PLACEMENT_PORT=str(self.placement_port),
            PLACEMENT_DATABASE_URL=(self._db("placement") if self.placement_db == "server"
                                    else f"sqlite:///{self.workdir}/placement/placement.sqlite"),
            PLACEMENT_THREADS=str(self.placement_threads),
            GLANCE_STATE_DIR=str(self.workdir / "glance"),
            GLANCE_PORT=str(self.glance_port),
        )

    def _service(self, script, action):
        subprocess.run(["bash", str(TOOLS / "services" / script), action], check=True,
                       env=self._service_env(), stdin=subprocess.DEVNULL,
                       stdout=sys.stderr)

    def create(self):
        """Databases, vhost, Placement, Glance + image, config, cells, daemons."""
        if self.db_url != "sqlite":
            names = [f"{self.prefix}_{n}" for n in ("api", "cell0", "cell1", "placement")]
            self.created_dbs = names
            self._quickstart_db("create", names)
        rabbitmqctl("add_vhost", self.vhost)
        self.vhost_created = True
        rabbitmqctl("set_permissions", "-p", self.vhost, "guest", ".*", ".*", ".*")
        log(f"databases {self.prefix}_*, vhost {self.vhost}")
        for script in ("placement.sh", "glance.sh"):
            self.started_services.append(script)
            self._service(script, "start")
        self.upload_image()
        self.write_config()
        manage = [str(BIN / "nova-manage"), "--config-file", str(self.workdir / "nova.conf")]
        for args in (["api_db", "sync"],
                     ["cell_v2", "map_cell0", "--database_connection", self._db("cell0")],
                     ["cell_v2", "create_cell", "--name", "cell1"],
                     ["db", "sync"]):
            subprocess.run(manage + args, check=True, stdin=subprocess.DEVNULL,
                           capture_output=True)
        for binary in DAEMONS:
            self.start_daemon(binary)
        self.wait_api()
        self.wait_host_mapped(manage)
        self.create_flavor()

    def upload_image(self):
        data = self.workdir / "bench-image.raw"
        data.write_bytes(b"\0" * 65536)
        out = subprocess.run(
            [sys.executable, str(TOOLS / "services" / "upload_image.py"),
             "--url", f"http://127.0.0.1:{self.glance_port}", "--name", "bench",
             "--disk-format", "raw", str(data)],
            check=True, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        self.image_id = out.stdout.strip().splitlines()[-1]
        log(f"image {self.image_id} in Glance at port {self.glance_port}")

    def _common_conf(self):
        return f"""[DEFAULT]
host = {COMPUTE_HOST}
my_ip = 127.0.0.1
transport_url = rabbit://guest:guest@127.0.0.1:5672/{self.vhost}
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

[scheduler]
workers = 1

[quota]
instances = -1
cores = -1
ram = -1

[placement]
auth_type = admin_token
endpoint = http://127.0.0.1:{self.placement_port}
token = admin

[glance]
endpoint_override = http://127.0.0.1:{self.glance_port}

[oslo_concurrency]
lock_path = {self.workdir}/lock
"""

    def write_config(self):
        for sub in ("state", "instances", "lock", "log"):
            (self.workdir / sub).mkdir(exist_ok=True)
        (self.workdir / "nova.conf").write_text(
            self._common_conf()
            + f"\n[api_database]\nconnection = {self._db('api')}\n"
            + f"\n[database]\nconnection = {self._db('cell1')}\n")
        # nova-compute reaches the database through the conductor only.
        (self.workdir / "nova-compute.conf").write_text(self._common_conf())

    def start_daemon(self, binary):
        conf = "nova-compute.conf" if binary == "nova-compute" else "nova.conf"
        with open(self.workdir / "log" / f"{binary}.log", "ab") as out:
            self.procs[binary] = subprocess.Popen(
                [str(BIN / binary), "--config-file", str(self.workdir / conf)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def check_alive(self):
        for binary, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.workdir / "log" / f"{binary}.log").read_text(errors="replace")
                raise RuntimeError(f"{binary} exited {proc.returncode}:\n{tail[-3000:]}")

    def wait_api(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url("/"), timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("nova-api did not answer")

    def wait_host_mapped(self, manage, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            hosts = subprocess.run(manage + ["cell_v2", "list_hosts"], capture_output=True,
                                   text=True, stdin=subprocess.DEVNULL).stdout
            if COMPUTE_HOST in hosts:
                log(f"compute host {COMPUTE_HOST} mapped")
                return
            subprocess.run(manage + ["cell_v2", "discover_hosts"], capture_output=True,
                           stdin=subprocess.DEVNULL)
            time.sleep(1)
        raise RuntimeError("the compute host was never mapped to cell1")

    def url(self, path):
        return f"http://127.0.0.1:{self.api_port}{path}"

    def create_flavor(self):
        resp = requests.post(
            self.url("/v2.1/flavors"), headers={"X-Auth-Token": ADMIN_TOKEN},
            json={"flavor": {"name": "bench", "ram": 64, "vcpus": 1, "disk": 1}}, timeout=30)
        resp.raise_for_status()
        self.flavor_id = resp.json()["flavor"]["id"]

    # -- tear-down ----------------------------------------------------------

    def destroy(self):
        """Stop every daemon and service, drop databases, delete the vhost."""
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        for script in reversed(self.started_services):
            with contextlib.suppress(subprocess.CalledProcessError):
                self._service(script, "stop")
        if self.created_dbs:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._quickstart_db("drop", self.created_dbs)
        if self.vhost_created:
            with contextlib.suppress(subprocess.CalledProcessError):
                rabbitmqctl("delete_vhost", self.vhost)

    def cpu_seconds(self):
        """Return {binary: user+system CPU seconds so far} (process and children)."""
        result = {}
        for binary, proc in self.procs.items():
            total = 0.0
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(proc.pid)
                for p in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        times = p.cpu_times()
                        total += times.user + times.system
            result[binary] = total
        return result

    # -- memory -------------------------------------------------------------

    def rss_mib(self):
        """Return {binary: MiB resident}, each summed over the process and its children."""
        result = {}
        for binary, proc in self.procs.items():
            total = 0
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(proc.pid)
                for p in [process, *process.children(recursive=True)]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        total += p.memory_info().rss
            result[binary] = total / 2**20
        return result


class Client:
    """The benchmark's HTTP side: one keep-alive session per thread."""

    def __init__(self, deployment, poll_interval):
        self.dep = deployment
        self.poll_interval = poll_interval
        self._local = threading.local()
        #: GET /servers/{id} sent by wait_active (not thread-safe; the
        #: sequential phase alone reads it).
        self.polls = 0
        #: (POST sent, answer received) monotonic times of the last POST.
        self.last_post = (0.0, 0.0)

    def session(self):
        sess = getattr(self._local, "session", None)
        if sess is None:
            sess = requests.Session()
            sess.headers["X-Auth-Token"] = USER_TOKEN
            self._local.session = sess
        return sess

    def post_server(self, name, fresh_connection=False):
        """POST /servers; return (server id, monotonic send time).

        ``fresh_connection``: one TCP connection for this request only.
        Concurrent boots use it because nova-api's HTTP server (cheroot)
        keeps at most 10 idle keep-alive connections and closes the others,
        and a POST sent on a connection the server is closing gets a reset
        that no client may retry blindly.
        """
        body = {"server": {"name": name, "flavorRef": self.dep.flavor_id,
                           "imageRef": self.dep.image_id}}
        sent = time.monotonic()
        if fresh_connection:
            resp = requests.post(self.dep.url("/v2.1/servers"), json=body, timeout=60,
                                 headers={"X-Auth-Token": USER_TOKEN, "Connection": "close"})
        else:
            resp = self.session().post(self.dep.url("/v2.1/servers"), json=body, timeout=60)
        self.last_post = (sent, time.monotonic())
        if resp.status_code != 202:
            raise RuntimeError(f"POST /servers: {resp.status_code} {resp.text[:500]}")
        return resp.json()["server"]["id"], sent

    def wait_active(self, server_id, interval, timeout=120):
        """Poll GET /servers/{id}; return the monotonic time ACTIVE was first seen."""
        deadline = time.monotonic() + timeout
        url = self.dep.url(f"/v2.1/servers/{server_id}")
        while time.monotonic() < deadline:
            resp = self.session().get(url, timeout=60)
            now = time.monotonic()
            self.polls += 1
            if resp.status_code == 200:
                status = resp.json()["server"]["status"]
                if status == "ACTIVE":
                    return now
                if status == "ERROR":
                    raise RuntimeError(f"server {server_id} went to ERROR: "
                                       f"{resp.json()['server'].get('fault')}")
            time.sleep(interval)
        raise RuntimeError(f"server {server_id} not ACTIVE within {timeout} s")

    def boot(self, name, interval):
        """Boot one server; return (id, POST send time, ACTIVE time)."""
        server_id, sent = self.post_server(name)
        return server_id, sent, self.wait_active(server_id, interval)

    def list_ids(self):
        resp = self.session().get(self.dep.url("/v2.1/servers"), timeout=60)
        resp.raise_for_status()
        return [s["id"] for s in resp.json()["servers"]]

    def delete_all(self, timeout=300):
        """DELETE every server of the project and wait until none is listed."""
        for server_id in self.list_ids():
            self.session().delete(self.dep.url(f"/v2.1/servers/{server_id}"), timeout=60)
        deadline = time.monotonic() + timeout
        while self.list_ids():
            if time.monotonic() > deadline:
                raise RuntimeError("servers still listed after DELETE")
            time.sleep(0.2)


def boot_concurrently(client, count, prefix, interval, timeout=300):
    """Boot ``count`` servers at once; return (wall s, ids).

    ``count`` threads each send one POST /servers (released together by a
    barrier); meanwhile one poller lists GET /servers?status=ACTIVE every
    ``interval`` s, so polling costs the API one request per interval
    whatever ``count`` is. Wall time runs from the first POST sent to the
    poll that first shows every new server ACTIVE.

    :raises RuntimeError: a POST fails, a server goes to ERROR, or not all
        are ACTIVE within ``timeout`` s.
    """
    barrier = threading.Barrier(count)

    def one(i):
        barrier.wait()
        return client.post_server(f"{prefix}-{i}", fresh_connection=True)

    sess = client.session()
    active_url = client.dep.url("/v2.1/servers?status=ACTIVE&limit=1000")
    error_url = client.dep.url("/v2.1/servers?status=ERROR&limit=1000")
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(one, i) for i in range(count)]
        deadline = time.monotonic() + timeout
        polls = 0
        while True:
            resp = sess.get(active_url, timeout=60)
            seen = time.monotonic()
            resp.raise_for_status()
            active = {s["id"] for s in resp.json()["servers"]}
            if all(f.done() for f in futures):
                results = [f.result() for f in futures]
                ids = [r[0] for r in results]
                if active.issuperset(ids):
                    return seen - min(r[1] for r in results), ids
                polls += 1
                if polls % 20 == 0:
                    failed = {s["id"] for s in sess.get(error_url, timeout=60).json()["servers"]}
                    if failed.intersection(ids):
                        raise RuntimeError(f"servers went to ERROR: {failed.intersection(ids)}")
            if seen > deadline:
                raise RuntimeError(f"not all {count} servers ACTIVE within {timeout} s")
            time.sleep(interval)


def measure(dep, client, args, run):
    """One run of the four measurements; return {metric: number}."""
    figures = {}
    client.delete_all()
    # Sequential.
    latencies = []
    post_times = []
    client.polls = 0
    cpu0 = dep.cpu_seconds()
    t0 = time.monotonic()
    for i in range(args.servers):
        server_id, sent, active = client.boot(f"seq-{run}-{i}", args.poll_interval)
        latencies.append(active - sent)
        post_times.append(client.last_post[1] - client.last_post[0])
    seq_total = time.monotonic() - t0
    cpu1 = dep.cpu_seconds()
    polls = client.polls
    for binary in DAEMONS:
        figures[f"cpu_{binary}_ms"] = (cpu1[binary] - cpu0[binary]) * 1000 / args.servers
    # What the polling cost nova-api, to tell it from the POST's own cost.
    show_url = dep.url(f"/v2.1/servers/{server_id}")
    api0 = dep.cpu_seconds()["nova-api"]
    show_times = []
    for _ in range(30):
        t = time.monotonic()
        client.session().get(show_url, timeout=60).raise_for_status()
        show_times.append(time.monotonic() - t)
    cpu_per_show = (dep.cpu_seconds()["nova-api"] - api0) / 30
    figures["seq_post_median_s"] = bench_stats.median(post_times)
    figures["show_median_s"] = bench_stats.median(show_times)
    figures["polls_per_boot"] = polls / args.servers
    figures["cpu_api_post_ms"] = (figures["cpu_nova-api_ms"]
                                  - polls / args.servers * cpu_per_show * 1000)
    figures["seq_median_s"] = bench_stats.median(latencies)
    figures["seq_p90_s"] = bench_stats.percentile(latencies, 90)
    figures["seq_servers_per_s"] = bench_stats.rate(args.servers, seq_total)
    # Concurrent.
    wall, _ = boot_concurrently(client, args.concurrent, f"conc-{run}",
                                args.concurrent_poll_interval)
    figures["conc_wall_s"] = wall
    figures["conc_servers_per_s"] = bench_stats.rate(args.concurrent, wall)
    # Fill up to --detail-servers, then list.
    missing = args.detail_servers - len(client.list_ids())
    while missing > 0:
        batch = min(missing, args.concurrent)
        boot_concurrently(client, batch, f"fill-{run}-{missing}", args.concurrent_poll_interval)
        missing -= batch
    durations = []
    detail_url = dep.url("/v2.1/servers/detail")
    count = None
    for _ in range(args.detail_requests):
        t = time.monotonic()
        resp = client.session().get(detail_url, timeout=60)
        durations.append(time.monotonic() - t)
        resp.raise_for_status()
        count = len(resp.json()["servers"])
    figures["detail_servers"] = count
    figures["detail_median_s"] = bench_stats.median(durations)
    figures["detail_p90_s"] = bench_stats.percentile(durations, 90)
    rss = dep.rss_mib()
    for binary, mib in rss.items():
        figures[f"rss_{binary}_mib"] = mib
    figures["rss_total_mib"] = sum(rss.values())
    return figures


def format_table(summary, runs, args):
    """Return the printed report (str): one line per metric."""
    rows = [
        ("seq_median_s", f"POST->ACTIVE median, sequential (N={args.servers})", 1000, "ms"),
        ("seq_p90_s", f"POST->ACTIVE p90, sequential (N={args.servers})", 1000, "ms"),
        ("seq_servers_per_s", "servers/s, sequential", 1, "/s"),
        ("seq_post_median_s", "  of which POST /servers answered, median", 1000, "ms"),
        ("show_median_s", "  GET /servers/{id} (the poll), median", 1000, "ms"),
        ("polls_per_boot", "  polls per sequential boot", 1, ""),
        ("conc_wall_s", f"{args.concurrent} concurrent boots, all ACTIVE", 1000, "ms"),
        ("conc_servers_per_s", "servers/s, concurrent", 1, "/s"),
        ("detail_median_s", "GET /servers/detail median", 1000, "ms"),
        ("detail_p90_s", "GET /servers/detail p90", 1000, "ms"),
    ]
    rows += [(f"cpu_{b}_ms", f"CPU per sequential boot, {b}", 1, "ms") for b in DAEMONS]
    rows.append(("cpu_api_post_ms", "  nova-api CPU per boot without the polls", 1, "ms"))
    rows += [(f"rss_{b}_mib", f"RSS {b}", 1, "MiB") for b in DAEMONS]
    rows.append(("rss_total_mib", "RSS all nova daemons", 1, "MiB"))
    lines = [f"{'metric':44} {'median':>10} {'runs':>24} {'upstream':>9} {'ratio':>6} "
             f"{'target':>8}  met"]
    for key, label, scale, unit in rows:
        if key not in summary:
            continue
        value = summary[key] * scale
        per_run = " ".join(f"{r[key] * scale:.0f}" if scale != 1 or r[key] > 20
                           else f"{r[key]:.1f}" for r in runs if key in r)
        fmt = ".1f" if unit == "/s" else ".0f"
        line = f"{label:44} {value:>7{fmt}} {unit:3}{per_run:>23}"
        if key in REFERENCE:
            upstream, target = REFERENCE[key]
            line += (f" {upstream * scale:>9.0f} {bench_stats.ratio(summary[key], upstream):>6.2f}"
                     f" {target * scale:>8.0f}  {'yes' if summary[key] <= target else 'NO'}")
        lines.append(line)
    lines.append(f"(GET /servers/detail listed {summary.get('detail_servers', 0):.0f} servers; "
                 f"ratio = ours / upstream Nova 34; times in ms)")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=20,
                        help="servers booted one after the other per run (default 20)")
    parser.add_argument("--concurrent", type=int, default=20,
                        help="servers booted at once (default 20)")
    parser.add_argument("--detail-servers", type=int, default=100,
                        help="servers alive while timing GET /servers/detail (default 100)")
    parser.add_argument("--detail-requests", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--poll-interval", type=float, default=0.005,
                        help="s between GETs of a sequential boot (default 0.005)")
    parser.add_argument("--concurrent-poll-interval", type=float, default=0.02,
                        help="s between the GET /servers?status=ACTIVE polls of the "
                             "concurrent boots (default 0.02)")
    parser.add_argument("--db-url", default="mysql+pymysql://root@127.0.0.1:3306",
                        help="database server URL without a database name, or 'sqlite' "
                             "(default MariaDB at 127.0.0.1)")
    parser.add_argument("--placement-db", choices=("sqlite", "server"),
                        help="Placement on a SQLite file served by one thread, or on "
                             "--db-url's server with 16 threads (the default unless "
                             "--db-url is sqlite)")
    parser.add_argument("--placement-threads", type=int,
                        help="Placement's HTTP threads (default 1 on SQLite, 4 otherwise)")
    parser.add_argument("--workdir", help="state dir (default: a new one under /tmp)")
    parser.add_argument("--keep", action="store_true",
                        help="leave servers, daemons, databases and vhost in place")
    parser.add_argument("--pause", action="store_true",
                        help="wait for Enter before the measurements (to attach py-spy)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.placement_db is None:
        args.placement_db = "sqlite" if args.db_url == "sqlite" else "server"
    if args.placement_db == "server" and args.db_url == "sqlite":
        sys.exit("--placement-db server needs a database server --db-url")
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="nova-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    dep = Deployment(workdir, args.db_url, args.placement_db, args.placement_threads)
    client = Client(dep, args.poll_interval)
    runs = []
    failed = True
    try:
        log(f"setting up in {workdir}")
        dep.create()
        log("warming up (one boot)")
        client.boot("warm-up", args.poll_interval)
        if args.pause:
            pids = " ".join(f"{b}={p.pid}" for b, p in dep.procs.items())
            input(f"daemons: {pids}; press Enter to measure ")
        load = os.getloadavg()
        for run in range(args.runs):
            log(f"run {run + 1}/{args.runs}")
            runs.append(measure(dep, client, args, run))
            dep.check_alive()
        summary = bench_stats.summarize_runs(runs)
        print(f"boot benchmark: fake driver, nova DBs on {args.db_url}, Placement on "
              f"{args.placement_db} ({dep.placement_threads} HTTP threads), RabbitMQ; "
              f"{args.runs} runs; load average before "
              f"{load[0]:.2f}, after {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
        print(format_table(summary, runs, args))
        failed = False
    finally:
        if args.keep:
            log(f"kept: {workdir}, API at {dep.url('/')}, databases {dep.prefix}_*, "
                f"vhost {dep.vhost}")
        else:
            with contextlib.suppress(Exception):
                if dep.procs.get("nova-api") and dep.procs["nova-api"].poll() is None:
                    client.delete_all(timeout=120)
            dep.destroy()
            if failed and (workdir / "log").is_dir():
                kept_logs = pathlib.Path(tempfile.mkdtemp(prefix="nova-bench-logs-"))
                shutil.copytree(workdir / "log", kept_logs, dirs_exist_ok=True)
                for service_log in ("placement/placement.log", "glance/glance-api.log"):
                    with contextlib.suppress(OSError):
                        shutil.copy(workdir / service_log, kept_logs)
                log(f"the daemons' logs are in {kept_logs}")
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
