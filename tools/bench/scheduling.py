"""Scheduling benchmark: boots at 1, 100 and 1,000 fake compute nodes.

For each node count N (--nodes), sets up the private deployment of
``boot.py`` (its own databases, RabbitMQ vhost, Placement, Glance, and
nova-conductor, nova-scheduler, nova-compute, nova-api as separate
processes) with one nova-compute serving N fake nodes
(``[fake_driver] node_count``), waits until Placement has N providers,
boots one warm-up server, then --servers (20) servers one after the
other, and prints per N:

* POST /servers -> ACTIVE: median and p90, from sending the POST to the
  first GET /servers/{id} (every --poll-interval s) that shows ACTIVE;
* select_destinations: median and p90 of the time the scheduler spent in
  each call (Placement query, host states, filtering, weighing, claim),
  read from the scheduler's DEBUG line for it
  (``nova.scheduler.manager`` is the one logger set to DEBUG);
* GET /allocation_candidates alone (the scheduler's query: the flavor's
  resources, limit 1000, microversion 1.36), sent --servers times from
  the benchmark with the servers alive: median, the figure upstream's
  "allocation candidates alone" compares with;
* how long nova-compute took to register the N nodes (start to N
  providers in Placement and the service reported up).

Targets (issue 12) at 1,000 nodes: POST -> ACTIVE median <= 0.2 s,
select_destinations median <= 50 ms. Upstream Nova 34 on the same kind of
machine: 0.58 s at 101 nodes, 1.06 s at 501. See tools/bench/README.rst.
Run as root with nova's python::

    .venv/bin/python tools/bench/scheduling.py [--nodes 1 100 1000]

A benchmark, not a test: it prints figures and never asserts a target.
"""

import argparse
import contextlib
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

import bench_stats
import boot
import requests
from oslo_log import log as oslo_logging

#: The scheduler's line per select_destinations (nova.scheduler.manager).
SELECT_LINE = re.compile(r"select_destinations for \d+ instance\(s\) took ([0-9.]+) ms")

#: Issue 12's targets at 1,000 nodes (seconds).
TARGETS = {"post_active": 0.200, "select": 0.050}

#: Upstream Nova 34, same kind of machine: nodes -> (POST->ACTIVE s,
#: GET /allocation_candidates alone s).
UPSTREAM = {101: (0.58, 0.032), 501: (1.06, 0.086)}


def log(msg):
    boot.log(msg)


class SchedulingDeployment(boot.Deployment):
    """boot.Deployment whose nova-compute serves ``node_count`` fake nodes."""

    def __init__(self, workdir, db_url, placement_db, node_count):
        super().__init__(workdir, db_url, placement_db)
        self.node_count = node_count

    def _common_conf(self):
        levels = oslo_logging.get_default_log_levels() + ["nova.scheduler.manager=DEBUG"]
        return super()._common_conf().replace("[DEFAULT]\n", (
            "[DEFAULT]\n"
            f"default_log_levels = {','.join(levels)}\n"), 1) + (
            f"\n[fake_driver]\nnode_count = {self.node_count}\n")

    def placement_providers(self):
        """Return the number of resource providers in Placement (int)."""
        resp = requests.get(f"http://127.0.0.1:{self.placement_port}/resource_providers",
                            headers={"X-Auth-Token": "admin",
                                     "OpenStack-API-Version": "placement 1.14"},
                            timeout=60)
        resp.raise_for_status()
        return len(resp.json()["resource_providers"])

    def wait_providers(self, started, timeout):
        """Wait until Placement has node_count providers; return seconds since ``started``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if self.placement_providers() >= self.node_count:
                return time.monotonic() - started
            time.sleep(1)
        raise RuntimeError(f"fewer than {self.node_count} providers after {timeout} s")

    def wait_compute_up(self, timeout):
        """Wait until nova-compute is reported up (it heartbeats once started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            resp = requests.get(self.url("/v2.1/os-services?binary=nova-compute"),
                                headers={"X-Auth-Token": boot.ADMIN_TOKEN}, timeout=60)
            resp.raise_for_status()
            if any(s["state"] == "up" for s in resp.json()["services"]):
                return
            time.sleep(1)
        raise RuntimeError(f"nova-compute not up after {timeout} s")

    def candidates_times(self, count):
        """Time ``count`` GET /allocation_candidates like the scheduler's; return seconds."""
        url = (f"http://127.0.0.1:{self.placement_port}/allocation_candidates"
               "?resources=DISK_GB:1,MEMORY_MB:64,VCPU:1&limit=1000")
        headers = {"X-Auth-Token": "admin", "OpenStack-API-Version": "placement 1.36"}
        times = []
        with requests.Session() as session:
            for _ in range(count):
                started = time.monotonic()
                resp = session.get(url, headers=headers, timeout=60)
                times.append(time.monotonic() - started)
                resp.raise_for_status()
        return times

    def scheduler_log(self):
        return self.workdir / "log" / "nova-scheduler.log"

    def select_times(self, offset):
        """Return ([seconds of each select_destinations], new offset) logged after ``offset``."""
        with open(self.scheduler_log(), "rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
            end = handle.tell()
        return [float(m.group(1)) / 1000 for m in SELECT_LINE.finditer(text)], end


def measure(node_count, args, workdir):
    """Set up for ``node_count`` nodes, boot, tear down; return {metric: value}."""
    dep = SchedulingDeployment(workdir, args.db_url, args.placement_db, node_count)
    client = boot.Client(dep, args.poll_interval)
    figures = {"nodes": node_count}
    failed = True
    try:
        log(f"{node_count} nodes: setting up in {workdir}")
        started = time.monotonic()
        dep.create()
        dep.wait_providers(started, args.register_timeout)
        dep.wait_compute_up(args.register_timeout)
        figures["register_s"] = time.monotonic() - started
        log(f"{node_count} nodes registered in {figures['register_s']:.0f} s; warm-up boot")
        client.boot("warm-up", args.poll_interval)
        _, offset = dep.select_times(0)
        load = os.getloadavg()[0]
        latencies = []
        for i in range(args.servers):
            _, sent, active = client.boot(f"seq-{i}", args.poll_interval)
            latencies.append(active - sent)
        figures["load_before"], figures["load_after"] = load, os.getloadavg()[0]
        selects, _ = dep.select_times(offset)
        if len(selects) != args.servers:
            raise RuntimeError(f"{len(selects)} select_destinations lines logged for "
                               f"{args.servers} boots; see {dep.scheduler_log()}")
        figures["post_active_median"] = bench_stats.median(latencies)
        figures["post_active_p90"] = bench_stats.percentile(latencies, 90)
        figures["select_median"] = bench_stats.median(selects)
        figures["select_p90"] = bench_stats.percentile(selects, 90)
        figures["candidates_median"] = bench_stats.median(dep.candidates_times(args.servers))
        dep.check_alive()
        failed = False
        return figures
    finally:
        if args.keep:
            log(f"kept: {workdir}, API at {dep.url('/')}")
        else:
            with contextlib.suppress(Exception):
                if dep.procs.get("nova-api") and dep.procs["nova-api"].poll() is None:
                    client.delete_all(timeout=300)
            dep.destroy()
            if failed and (workdir / "log").is_dir():
                kept_logs = pathlib.Path(tempfile.mkdtemp(prefix="nova-bench-logs-"))
                shutil.copytree(workdir / "log", kept_logs, dirs_exist_ok=True)
                log(f"the daemons' logs are in {kept_logs}")
            shutil.rmtree(workdir, ignore_errors=True)


def format_table(results, servers):
    """Return the printed report (str): one line per node count."""
    lines = [f"{'nodes':>6} {'POST->ACTIVE':>13} {'p90':>6} {'select_dest.':>13} {'p90':>6} "
             f"{'alloc. cand.':>13} {'register':>9} {'load':>10}",
             f"{'':>6} {'median (ms)':>13} {'(ms)':>6} {'median (ms)':>13} {'(ms)':>6} "
             f"{'alone (ms)':>13} {'nodes (s)':>9} {'before/after':>10}"]
    for r in results:
        lines.append(
            f"{r['nodes']:>6} {r['post_active_median'] * 1000:>13.0f} "
            f"{r['post_active_p90'] * 1000:>6.0f} {r['select_median'] * 1000:>13.1f} "
            f"{r['select_p90'] * 1000:>6.1f} {r['candidates_median'] * 1000:>13.1f} "
            f"{r['register_s']:>9.0f} "
            f"{r['load_before']:>5.1f}/{r['load_after']:<4.1f}")
    biggest = max(results, key=lambda r: r["nodes"])
    lines.append(
        f"at {biggest['nodes']} nodes: POST->ACTIVE median "
        f"{biggest['post_active_median'] * 1000:.0f} ms (target "
        f"{TARGETS['post_active'] * 1000:.0f} ms at 1000: "
        f"{'met' if biggest['post_active_median'] <= TARGETS['post_active'] else 'NOT met'}), "
        f"select_destinations median {biggest['select_median'] * 1000:.1f} ms (target "
        f"{TARGETS['select'] * 1000:.0f} ms: "
        f"{'met' if biggest['select_median'] <= TARGETS['select'] else 'NOT met'})")
    lines.append("upstream Nova 34: " + ", ".join(
        f"{n} nodes {post * 1000:.0f} ms POST->ACTIVE ({cand * 1000:.0f} ms in "
        f"allocation candidates alone)" for n, (post, cand) in UPSTREAM.items()))
    lines.append(f"({servers} sequential boots per node count, after one warm-up boot)")
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 100, 1000],
                        help="node counts, one deployment each (default 1 100 1000)")
    parser.add_argument("--servers", type=int, default=20,
                        help="servers booted one after the other per node count (default 20)")
    parser.add_argument("--poll-interval", type=float, default=0.005,
                        help="s between GET /servers/{id} polls (default 0.005)")
    parser.add_argument("--register-timeout", type=float, default=900,
                        help="s to wait for the nodes' providers (default 900)")
    parser.add_argument("--db-url", default="mysql+pymysql://root@127.0.0.1:3306",
                        help="database server URL without a database name, or 'sqlite'")
    parser.add_argument("--placement-db", choices=("sqlite", "server"),
                        help="Placement on SQLite or on --db-url's server (the default "
                             "unless --db-url is sqlite)")
    parser.add_argument("--workdir", help="parent state dir (default: a new one under /tmp)")
    parser.add_argument("--keep", action="store_true",
                        help="leave each deployment in place (daemons, databases, vhost)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.placement_db is None:
        args.placement_db = "sqlite" if args.db_url == "sqlite" else "server"
    parent = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="nova-bench-sched-"))
    parent.mkdir(parents=True, exist_ok=True)
    results = []
    for node_count in args.nodes:
        workdir = parent / f"nodes-{node_count}"
        workdir.mkdir(exist_ok=True)
        results.append(measure(node_count, args, workdir))
        log(f"{node_count} nodes: POST->ACTIVE median "
            f"{results[-1]['post_active_median'] * 1000:.0f} ms, select_destinations "
            f"median {results[-1]['select_median'] * 1000:.1f} ms")
    print(f"scheduling benchmark: fake driver, nova DBs on {args.db_url}, Placement on "
          f"{args.placement_db}, RabbitMQ; {os.cpu_count()} CPUs")
    print(format_table(results, args.servers))
    if not args.keep:
        shutil.rmtree(parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
