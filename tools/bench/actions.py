"""Server actions benchmark: request to final state of each action, next to a boot.

Sets up the same private deployment as boot.py (separate daemons on
RabbitMQ, MariaDB or SQLite, Placement and Glance, the fake virt driver),
then for every row of the server action table that is a
``POST /servers/{id}/action`` (nova.compute.server_actions.ROWS, so an
action added to the table is measured without an edit here) takes
--samples measurements of: the POST sent -> the first GET /servers/{id}
(polled every --poll-interval s) that shows the action finished, i.e. the
server has no task_state any more (404 for an action that deletes it; the
202 itself for actions without a task_state, done by the time they are
answered). Each sample starts from a server in a vm_state the row allows:
ACTIVE when it may, else the first of its states a RECIPES entry reaches
from ACTIVE with other actions of the table (e.g. os-stop for os-start);
a server is reused while it is in that state, brought back into it when
it is ACTIVE, and replaced by a new one otherwise. Rows whose states no
recipe reaches are listed as not measured.

Prints the median and p90 per action and, on the same deployment, the
median of --samples sequential POST /servers -> ACTIVE. Everything is
removed at the end unless --keep. Run as root with nova's python::

    .venv/bin/python tools/bench/actions.py [--samples 20] [--db-url sqlite]

nova-compute runs with [DEFAULT] shelved_offload_time = -1 here, so shelve
and shelveOffload are measured apart (by default a shelve offloads at
once); unshelve is measured from SHELVED_OFFLOADED, the path that
schedules and boots again. A benchmark, not a test: it asserts nothing.
"""

import argparse
import contextlib
import os
import pathlib
import shutil
import sys
import tempfile
import time

import bench_stats
import boot
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from nova.compute import server_actions  # noqa: E402

#: Bodies of the actions that take arguments, by row name; every other
#: action is sent as {"<key>": null}. A callable gets the deployment.
BODIES = {
    "reboot:SOFT": {"type": "SOFT"},
    "reboot:HARD": {"type": "HARD"},
    "rebuild": lambda dep: {"imageRef": dep.image_id},
    "createImage": {"name": "bench-snapshot"},
    "createBackup": {"name": "bench-backup", "backup_type": "daily", "rotation": 1},
    "changePassword": {"adminPass": "bench-Passw0rd"},
    "os-resetState": {"state": "active"},
}

#: How to bring an ACTIVE server into a vm_state: (row name, body) steps.
RECIPES = {
    "active": [],
    "stopped": [("os-stop", None)],
    "paused": [("pause", None)],
    "suspended": [("suspend", None)],
    "rescued": [("rescue", None)],
    "shelved": [("shelve", None)],
    "shelved_offloaded": [("shelve", None), ("shelveOffload", None)],
    "error": [("os-resetState", {"state": "error"})],
}

#: The state an action is measured from when not its first reachable one.
PRE_STATE = {"unshelve": "shelved_offloaded"}


def log(msg):
    boot.log(msg)


class ActionDeployment(boot.Deployment):
    """boot.Deployment with shelve and offload apart (shelved_offload_time -1)."""

    def _common_conf(self):
        return super()._common_conf().replace(
            "[DEFAULT]\n", "[DEFAULT]\nshelved_offload_time = -1\n", 1)


class Bench:
    """Runs the measurements against a deployment as the admin."""

    def __init__(self, dep, poll_interval):
        self.dep = dep
        self.poll_interval = poll_interval
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = boot.ADMIN_TOKEN
        self.client = boot.Client(dep, poll_interval)
        self.spare = []  # servers handed back for reuse: [(id, vm_state)]

    def show(self, server_id):
        resp = self.session.get(self.dep.url(f"/v2.1/servers/{server_id}"), timeout=60)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()["server"]

    def post_action(self, server_id, row, body=None):
        """POST the action of ``row``; return the monotonic send time."""
        headers = {"OpenStack-API-Version": f"compute {row.min_version}"}
        sent = time.monotonic()
        resp = self.session.post(self.dep.url(f"/v2.1/servers/{server_id}/action"),
                                 json={row.key: body}, headers=headers, timeout=120)
        if resp.status_code not in (200, 202):
            raise RuntimeError(f"{row.name} on {server_id}: {resp.status_code} "
                               f"{resp.text[:300]}")
        return sent

    def wait_done(self, server_id, row, timeout=120):
        """Poll until the action of ``row`` is over; return (monotonic time, server)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.show(server_id)
            now = time.monotonic()
            if server is None:
                return now, None
            if row.task_state is None or server["OS-EXT-STS:task_state"] is None:
                return now, server
            time.sleep(self.poll_interval)
        raise RuntimeError(f"{row.name} on {server_id} not done within {timeout} s")

    def act(self, server_id, name, body=None):
        """Run one action to its end (no timing); return the server afterwards."""
        row = server_actions.get(name)
        self.post_action(server_id, row, body)
        return self.wait_done(server_id, row)[1]

    def server_in(self, state):
        """Return the id of a server in vm_state ``state`` with no task."""
        ready = self._take_spare(state)
        if ready is not None:
            return ready
        server_id = self._take_spare("active")
        if server_id is None:
            server_id, _sent = self.client.post_server(f"act-{len(self.spare)}")
            self.client.wait_active(server_id, self.poll_interval)
        for name, body in RECIPES[state]:
            self.act(server_id, name, body)
        return server_id

    def _take_spare(self, state):
        for index, (server_id, vm_state) in enumerate(self.spare):
            if vm_state == state:
                del self.spare[index]
                return server_id
        return None

    def give_back(self, server):
        if server is not None and server["OS-EXT-STS:task_state"] is None:
            self.spare.append((server["id"], server["OS-EXT-STS:vm_state"]))

    def measure(self, row, state, samples):
        """Return the seconds of ``samples`` runs of ``row`` from ``state``."""
        body = BODIES.get(row.name)
        if callable(body):
            body = body(self.dep)
        durations = []
        for _ in range(samples):
            server_id = self.server_in(state)
            sent = self.post_action(server_id, row, body)
            done, server = self.wait_done(server_id, row)
            durations.append(done - sent)
            self.give_back(server)
        return durations

    def boot_times(self, samples):
        times = []
        for index in range(samples):
            server_id, sent, active = self.client.boot(f"boot-{index}", self.poll_interval)
            times.append(active - sent)
            self.spare.append((server_id, "active"))
        return times


def pre_state(row):
    """The vm_state to measure ``row`` from, or None when no recipe reaches one."""
    if row.name in PRE_STATE:
        return PRE_STATE[row.name]
    if row.vm_states is server_actions.ANY or "active" in row.vm_states:
        return "active"
    return next((state for state in row.vm_states if state in RECIPES), None)


def measured_rows():
    """The action rows of the table (routes such as DELETE are not actions)."""
    return [row for row in server_actions.ROWS if row.is_action]


def format_table(results, skipped, boot_times, samples):
    lines = [f"{'action':22} {'from':18} {'median':>8} {'p90':>8}  (ms, {samples} samples)"]
    lines.append(f"{'POST /servers':22} {'-':18} "
                 f"{bench_stats.median(boot_times) * 1000:>8.0f} "
                 f"{bench_stats.percentile(boot_times, 90) * 1000:>8.0f}  -> ACTIVE")
    for name, state, durations in results:
        lines.append(f"{name:22} {state:18} {bench_stats.median(durations) * 1000:>8.0f} "
                     f"{bench_stats.percentile(durations, 90) * 1000:>8.0f}")
    for name, reason in skipped:
        lines.append(f"{name:22} not measured: {reason}")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20,
                        help="measurements per action (default 20)")
    parser.add_argument("--only", action="append", default=[],
                        help="measure only this row (repeatable), e.g. --only shelve")
    parser.add_argument("--poll-interval", type=float, default=0.005,
                        help="s between GET /servers/{id} polls (default 0.005)")
    parser.add_argument("--db-url", default="mysql+pymysql://root@127.0.0.1:3306",
                        help="database server URL without a database name, or 'sqlite'")
    parser.add_argument("--workdir", help="state dir (default: a new one under /tmp)")
    parser.add_argument("--keep", action="store_true",
                        help="leave servers, daemons, databases and vhost in place")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="nova-bench-actions-"))
    workdir.mkdir(parents=True, exist_ok=True)
    placement_db = "sqlite" if args.db_url == "sqlite" else "server"
    dep = ActionDeployment(workdir, args.db_url, placement_db)
    bench = Bench(dep, args.poll_interval)
    try:
        log(f"setting up in {workdir}")
        dep.create()
        bench.client.boot("warm-up", args.poll_interval)
        load = os.getloadavg()
        log("POST /servers -> ACTIVE")
        boot_times = bench.boot_times(args.samples)
        results, skipped = [], []
        for row in measured_rows():
            if args.only and row.name not in args.only:
                continue
            state = pre_state(row)
            if state is None:
                skipped.append((row.name, f"no recipe reaches {row.vm_states}"))
                continue
            log(f"{row.name} from {state}")
            try:
                results.append((row.name, state, bench.measure(row, state, args.samples)))
            except RuntimeError as exc:
                skipped.append((row.name, str(exc)[:120]))
            dep.check_alive()
        print(f"server actions benchmark: fake driver, nova DBs on {args.db_url}, "
              f"RabbitMQ; request -> final state; load average before {load[0]:.2f}, "
              f"after {os.getloadavg()[0]:.2f}; {os.cpu_count()} CPUs")
        print(format_table(results, skipped, boot_times, args.samples))
    finally:
        if args.keep:
            log(f"kept: {workdir}, API at {dep.url('/')}")
        else:
            with contextlib.suppress(Exception):
                if dep.procs.get("nova-api") and dep.procs["nova-api"].poll() is None:
                    for server_id in bench.client.list_ids():
                        bench.session.post(
                            dep.url(f"/v2.1/servers/{server_id}/action"),
                            json={"unlock": None}, timeout=60)
                    bench.client.delete_all(timeout=300)
            dep.destroy()
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
