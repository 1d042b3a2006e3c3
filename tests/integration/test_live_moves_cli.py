"""Live migration and evacuate of a real guest between two hosts, with the CLI.

One private quickstart with ``--hosts 2`` (tools/hosts.sh: each host its
own namespaces, libvirtd and nova-compute, no shared storage). The guest
image is booted with ``nova_heartbeat`` on its kernel command line, so it
prints ``NOVA-GUEST-HEARTBEAT <n>`` once a second
(doc/source/guest-image.rst). What an administrator relies on:

* ``openstack server migrate --live-migration`` moves the running guest
  to the other host (the scheduler's choice): OS-EXT-SRV-ATTR:host
  changes, the domain runs in the destination's libvirtd only, and the
  guest's console goes on counting from where it was (it never booted
  again); the allocation is on the destination only;
* with the nova-compute of the server's host killed and the service
  forced down, ``openstack server evacuate`` rebuilds the server on the
  other host (it boots there from its image); when that nova-compute
  starts again it removes the old guest, and the old host's usage in
  Placement goes.
"""

import os
import re
import secrets
import signal
import time

import pytest

from tests.integration.quickstart import (
    FLAVOR,
    IMAGE,
    MARKER,
    STATE_ROOT,
    QuickstartDeployment,
    domain_exists,
    new_state_dir,
    nic_args,
    running,
    wait_for_status,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql]

HEARTBEAT = re.compile(r"NOVA-GUEST-HEARTBEAT (\d+)")
MOVE_TIMEOUT = 240
#: The API versions the commands need: "auto" block migration (2.25) and
#: the checks after the answer (2.34); evacuate without onSharedStorage.
LIVE_VERSION = "2.34"
EVACUATE_VERSION = "2.29"


def _beats(cloud, server_id):
    console = cloud.openstack("console", "log", "show", server_id).stdout
    return [int(n) for n in HEARTBEAT.findall(console)]


def _wait(predicate, timeout, message):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(2)
    pytest.fail(message, pytrace=False)


def _host_of(cloud, server_id):
    return cloud.openstack_json("server", "show", server_id)["OS-EXT-SRV-ATTR:host"]


def _provider(cloud, host):
    providers = cloud.placement(f"/resource_providers?name={host}")["resource_providers"]
    return providers[0]["uuid"]


def _usage(cloud, host):
    return cloud.placement(
        f"/resource_providers/{_provider(cloud, host)}/usages")["usages"].get("MEMORY_MB", 0)


#: The guest built for this module: a directory of its own, so the
#: heartbeat (tools/build-guest-image.sh of this tree) is in it whatever
#: tree last built the shared one; rebuilt only when the script changes.
GUEST_DIR = STATE_ROOT / "guest-moves"


@pytest.fixture(scope="module")
def two_host_cloud(libvirt_host):
    """A private quickstart with two namespaced hosts and this module's guest."""
    deployment = QuickstartDeployment("mysql", new_state_dir("moves"), name="moves",
                                      hosts=2)
    deployment.env["NOVA_QUICKSTART_GUEST_DIR"] = str(GUEST_DIR)
    with running(deployment):
        yield deployment


@pytest.fixture(scope="module")
def server(two_host_cloud):
    """A server on the first host, its guest printing heartbeats."""
    cloud = two_host_cloud
    first = cloud.hosts()[0]["name"]
    cloud.openstack("image", "set", "--property",
                    "os_command_line=console=ttyS0 nova_heartbeat", IMAGE)
    created = cloud.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE, *nic_args(cloud),
        "--availability-zone", f"nova:{first}", f"moves-{secrets.token_hex(3)}")
    server_id = created["id"]
    wait_for_status(cloud, server_id, "ACTIVE")
    try:
        yield server_id
    finally:
        cloud.openstack("server", "delete", "--wait", server_id, check=False, timeout=300)


def test_live_migration_keeps_the_guest_running(two_host_cloud, server):
    cloud = two_host_cloud
    hosts = {h["name"]: h for h in cloud.hosts()}
    source = _host_of(cloud, server)
    (dest,) = set(hosts) - {source}
    before = _wait(lambda: (lambda b: b if len(b) >= 3 else None)(_beats(cloud, server)),
                   180, "no heartbeat from the guest")

    started = time.monotonic()
    cloud.openstack("--os-compute-api-version", LIVE_VERSION, "server", "migrate",
                    "--live-migration", "--wait", server, timeout=MOVE_TIMEOUT)
    took = time.monotonic() - started

    moved = wait_for_status(cloud, server, "ACTIVE")
    assert moved["OS-EXT-SRV-ATTR:host"] == dest, (moved, cloud.log_tails())
    assert moved["OS-EXT-STS:task_state"] is None
    assert domain_exists(server, hosts[dest]["libvirt_uri"])
    assert not domain_exists(server, hosts[source]["libvirt_uri"])
    # The console (now the destination's) goes on counting: not a new boot.
    after = _wait(lambda: (lambda b: b if len(b) >= 2 else None)(_beats(cloud, server)),
                  60, "no heartbeat after the live migration")
    assert min(after) > max(before), (before[-3:], after[:3])
    assert after == list(range(after[0], after[0] + len(after))), after[:20]
    assert MARKER not in cloud.openstack("console", "log", "show", server).stdout
    # Placement: the destination only.
    allocations = cloud.placement(f"/allocations/{server}")["allocations"]
    assert list(allocations) == [_provider(cloud, dest)]
    assert _usage(cloud, source) == 0
    events = [e["Action"] for e in cloud.openstack_json("server", "event", "list", server)]
    assert "live-migration" in events
    print(f"live migration took {took:.1f} s")


def test_evacuate_from_a_dead_host(two_host_cloud, server):
    cloud = two_host_cloud
    hosts = {h["name"]: h for h in cloud.hosts()}
    dead = _host_of(cloud, server)
    (other,) = set(hosts) - {dead}
    index = hosts[dead]["index"]
    pidfile = cloud.hosts_dir / f"host{index}" / "run" / "nova-compute.pid"
    pid = int(pidfile.read_text().strip())
    os.kill(pid, signal.SIGKILL)
    cloud.openstack("--os-compute-api-version", "2.11", "compute", "service", "set",
                    "--down", dead, "nova-compute")
    try:
        # Not --wait: this openstackclient compares the lower-cased status
        # with "ACTIVE" and never sees the evacuation end.
        cloud.openstack("--os-compute-api-version", EVACUATE_VERSION, "server", "evacuate",
                        server, timeout=MOVE_TIMEOUT)
        evacuated = _wait(lambda: (lambda s: s if s["status"] == "ACTIVE"
                                   and s["OS-EXT-STS:task_state"] is None else None)(
            cloud.openstack_json("server", "show", server)), MOVE_TIMEOUT,
            f"the evacuation did not end\n{cloud.log_tails()}")
        assert evacuated["OS-EXT-SRV-ATTR:host"] == other, (evacuated, cloud.log_tails())
        assert domain_exists(server, hosts[other]["libvirt_uri"])
        # Rebuilt from its image: it booted there.
        _wait(lambda: MARKER in cloud.openstack("console", "log", "show", server).stdout,
              180, "the evacuated guest did not boot")
        # The dead host's usage stays until its nova-compute is back.
        assert _usage(cloud, dead) > 0
    finally:
        cloud.hosts_sh("start", str(index))
        cloud.openstack("--os-compute-api-version", "2.11", "compute", "service", "set",
                        "--up", dead, "nova-compute")
    # Back: it removed the evacuated guest and its usage.
    _wait(lambda: not domain_exists(server, hosts[dead]["libvirt_uri"]), 120,
          "the old host kept the evacuated guest")
    _wait(lambda: _usage(cloud, dead) == 0, 60, "the old host's usage stayed")
    assert list(cloud.placement(f"/allocations/{server}")["allocations"]) == [
        _provider(cloud, other)]
    assert _host_of(cloud, server) == other
