"""Moves benchmark: cold and live migration of a real guest between two hosts.

Runs against a running two-host quickstart (``tools/quickstart.sh --hosts
2``, doc/source/multihost.rst). One server of the quickstart image and
flavor is booted (admin, noauth2) and then moved back and forth ``--runs``
times (default 3) each way:

* **live migration**: POST os-migrateLive (microversion 2.34, block
  migration "auto", the scheduler's choice) to the first GET that shows the
  server ACTIVE on the other host, polled every 100 ms; and the guest's
  **pause**: the ``downtime`` (ms) libvirt reports in the statistics of
  the completed incoming job (``virDomainGetJobStats`` with
  VIR_DOMAIN_JOB_STATS_COMPLETED on the destination's libvirtd), the time
  the guest did not run;
* **cold migration**: POST migrate (then confirmResize) to ACTIVE on the
  other host, when the API serves it (400/404 otherwise: "n/a").

It prints the median and each run's value and the load average before
and after. A benchmark, not a test: it asserts nothing and pytest does not
collect it. Run as root with nova's python::

    .venv/bin/python tools/bench/moves.py [--runs 3]

See tools/bench/README.rst.
"""

import argparse
import json
import os
import pathlib
import sys
import time

import bench_stats
import libvirt
import requests

ADMIN_TOKEN = "admin:admin"
#: Poll period of GET /servers/{id} (s).
POLL_S = 0.1


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    """Return the 1/5/15 minute load averages as "a b c" (str)."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


class Cloud:
    """The Compute API of the quickstart, as the admin.

    :param api_url: e.g. http://127.0.0.1:8774.
    """

    def __init__(self, api_url):
        self.url = api_url.rstrip("/") + "/v2.1"
        self.session = requests.Session()
        self.session.headers.update({"X-Auth-Token": ADMIN_TOKEN,
                                     "Content-Type": "application/json"})

    def call(self, method, path, body=None, version="2.34"):
        """Send one request; return the requests Response."""
        return self.session.request(
            method, self.url + path, data=json.dumps(body) if body is not None else None,
            headers={"X-OpenStack-Nova-API-Version": version}, timeout=60)

    def server(self, server_id):
        resp = self.call("GET", f"/servers/{server_id}")
        resp.raise_for_status()
        return resp.json()["server"]

    def find(self, kind, name):
        """The id of the flavor or image called ``name``."""
        resp = self.call("GET", f"/{kind}")
        resp.raise_for_status()
        for item in resp.json()[kind]:
            if item["name"] == name:
                return item["id"]
        raise RuntimeError(f"no {kind[:-1]} {name}")

    def wait(self, server_id, predicate, timeout):
        """Poll the server until ``predicate(server)``; return the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            server = self.server(server_id)
            if server["status"] == "ERROR":
                raise RuntimeError(f"server {server_id} in ERROR: {server.get('fault')}")
            if predicate(server):
                return time.monotonic() - start
            time.sleep(POLL_S)
        raise RuntimeError(f"server {server_id}: condition not met in {timeout} s")


def host_of(server):
    return server["OS-EXT-SRV-ATTR:host"]


def live(cloud, hosts, server_id, timeout):
    """One live migration; return {"live_s": ..., "pause_ms": ...}."""
    source = host_of(cloud.server(server_id))
    started = time.monotonic()
    resp = cloud.call("POST", f"/servers/{server_id}/action",
                      {"os-migrateLive": {"block_migration": "auto", "host": None}})
    if resp.status_code != 202:
        raise RuntimeError(f"os-migrateLive: {resp.status_code} {resp.text}")
    cloud.wait(server_id, lambda s: host_of(s) != source and s["status"] == "ACTIVE"
               and s["OS-EXT-STS:task_state"] is None, timeout)
    result = {"live_s": time.monotonic() - started}
    dest = host_of(cloud.server(server_id))
    conn = libvirt.open(hosts[dest]["libvirt_uri"])
    try:
        stats = conn.lookupByUUIDString(server_id).jobStats(
            libvirt.VIR_DOMAIN_JOB_STATS_COMPLETED)
        if "downtime" in stats:
            result["pause_ms"] = float(stats["downtime"])
    except libvirt.libvirtError as exc:
        log(f"  no completed job statistics on {dest}: {exc}")
    finally:
        conn.close()
    return result


def cold(cloud, server_id, timeout):
    """One cold migration; return {"cold_s": ...}, or {} when not served."""
    source = host_of(cloud.server(server_id))
    started = time.monotonic()
    resp = cloud.call("POST", f"/servers/{server_id}/action", {"migrate": None})
    if resp.status_code in (400, 404):
        return {}
    if resp.status_code != 202:
        raise RuntimeError(f"migrate: {resp.status_code} {resp.text}")
    cloud.wait(server_id, lambda s: s["status"] == "VERIFY_RESIZE", timeout)
    resp = cloud.call("POST", f"/servers/{server_id}/action", {"confirmResize": None})
    if resp.status_code not in (202, 204):
        raise RuntimeError(f"confirmResize: {resp.status_code} {resp.text}")
    cloud.wait(server_id, lambda s: host_of(s) != source and s["status"] == "ACTIVE"
               and s["OS-EXT-STS:task_state"] is None, timeout)
    return {"cold_s": time.monotonic() - started}


def report(runs, load_before, load_after):
    summary = bench_stats.summarize_runs(runs)
    print(f"load average before {load_before}, after {load_after}")
    labels = {"live_s": "live migration (s)", "pause_ms": "live-migration pause (ms)",
              "cold_s": "cold migration (s)"}
    for name, label in labels.items():
        values = [run[name] for run in runs if name in run]
        if not values:
            print(f"{label:28} n/a")
            continue
        each = " ".join(f"{v:.2f}" for v in values)
        print(f"{label:28} median {summary[name]:.2f}   runs: {each}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="moves of each kind (3)")
    parser.add_argument("--state-dir", default="/var/lib/nova-quickstart",
                        help="the quickstart's state dir (its hosts/hosts.json)")
    parser.add_argument("--api-url", default="http://127.0.0.1:8774")
    parser.add_argument("--image", default="quickstart-guest")
    parser.add_argument("--flavor", default="m1.quickstart")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds for each wait (300)")
    args = parser.parse_args(argv)

    hosts = {h["name"]: h for h in json.loads(
        (pathlib.Path(args.state_dir) / "hosts" / "hosts.json").read_text())["hosts"]}
    if len(hosts) < 2:
        log("needs a quickstart with --hosts 2")
        return 2
    cloud = Cloud(args.api_url)
    body = {"server": {"name": f"bench-moves-{os.getpid()}", "networks": "none",
                       "imageRef": cloud.find("images", args.image),
                       "flavorRef": cloud.find("flavors", args.flavor)}}
    resp = cloud.call("POST", "/servers", body, version="2.37")
    resp.raise_for_status()
    server_id = resp.json()["server"]["id"]
    load_before = loadavg()
    runs = []
    try:
        cloud.wait(server_id, lambda s: s["status"] == "ACTIVE", args.timeout)
        for run in range(args.runs):
            result = live(cloud, hosts, server_id, args.timeout)
            result.update(cold(cloud, server_id, args.timeout))
            log(f"run {run + 1}/{args.runs}: {result}")
            runs.append(result)
    finally:
        cloud.call("DELETE", f"/servers/{server_id}")
    report(runs, load_before, loadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
