"""Resize and cold migration of real guests between two hosts, with the openstack CLI.

One private quickstart with ``--hosts 2`` for the module (``two_host_cloud``
of tests/integration/conftest.py). What a user and an administrator see:

* ``openstack server resize --flavor`` moves the guest to the other host
  (VERIFY_RESIZE), where its domain runs with the new memory and its disk
  has the new flavor's size; ``openstack server resize confirm`` leaves it
  there and removes the source's domain and directory;
* ``openstack server resize revert`` brings it back to its host and flavor,
  and nothing stays on the other host;
* ``openstack server migrate`` (administrators) moves it with its flavor;
* through all of it ``OS-EXT-SRV-ATTR:host`` says where the guest runs,
  the guest boots on each host, and Placement's allocations follow.
"""

import json
import pathlib
import secrets
import subprocess
import time
import xml.etree.ElementTree as ET

import libvirt
import pytest

from .quickstart import (
    FLAVOR,
    IMAGE,
    domain_exists,
    nic_args,
    wait_for_console_marker,
    wait_for_status,
    wait_until_deleted,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql]

MOVE_TIMEOUT = 300
#: A bigger flavor than the quickstart's (1 vCPU, 128 MiB, 1 GiB).
BIG = {"vcpus": "1", "ram": "192", "disk": "2"}


@pytest.fixture(scope="module")
def big_flavor(two_host_cloud):
    name = f"mv-big-{secrets.token_hex(3)}"
    two_host_cloud.openstack("flavor", "create", "--vcpus", BIG["vcpus"], "--ram",
                             BIG["ram"], "--disk", BIG["disk"], name)
    yield name
    two_host_cloud.openstack("flavor", "delete", name, check=False)


@pytest.fixture
def server(two_host_cloud):
    cloud = two_host_cloud
    created = cloud.openstack_json("server", "create", "--flavor", FLAVOR, "--image", IMAGE,
                                   *nic_args(cloud), f"mv-{secrets.token_hex(3)}")
    wait_for_status(cloud, created["id"], "ACTIVE")
    yield created["id"]
    cloud.openstack("server", "delete", created["id"], check=False)
    wait_until_deleted(cloud, created["id"])
    for host in cloud.hosts():
        assert not domain_exists(created["id"], host["libvirt_uri"])
        assert not _dirs(host, created["id"]), host["name"]


def _hosts_by_name(cloud):
    return {h["name"]: h for h in cloud.hosts()}


def _dirs(host, server_id):
    return [p.name for p in pathlib.Path(host["instances_dir"]).iterdir()
            if p.name.startswith(server_id)]


def _memory_mib(host, server_id):
    conn = libvirt.open(host["libvirt_uri"])
    try:
        xml = ET.fromstring(conn.lookupByUUIDString(server_id).XMLDesc(0))
    finally:
        conn.close()
    return int(xml.findtext("memory")) // 1024


def _disk_gib(host, server_id):
    """The virtual size (GiB) of the server's disk in a host's instances path."""
    out = subprocess.run(["qemu-img", "info", "--force-share", "--output=json",
                          f"{host['instances_dir']}/{server_id}/disk"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["virtual-size"] / 1024 ** 3


def _usage_hosts(cloud, consumer):
    allocations = cloud.placement(f"/allocations/{consumer}")["allocations"]
    names = {rp["uuid"]: rp["name"] for rp in
             cloud.placement("/resource_providers")["resource_providers"]}
    return sorted(names[rp] for rp in allocations)


def test_resize_confirm_moves_the_guest_with_its_bigger_disk(two_host_cloud, big_flavor,
                                                            server):
    cloud = two_host_cloud
    hosts = _hosts_by_name(cloud)
    source = cloud.openstack_json("server", "show", server)["OS-EXT-SRV-ATTR:host"]
    cloud.openstack("server", "resize", "--flavor", big_flavor, server)
    moved = wait_for_status(cloud, server, "VERIFY_RESIZE", timeout=MOVE_TIMEOUT)
    dest = moved["OS-EXT-SRV-ATTR:host"]
    assert dest != source and dest in hosts
    assert domain_exists(server, hosts[dest]["libvirt_uri"])
    assert _memory_mib(hosts[dest], server) == int(BIG["ram"])
    assert _disk_gib(hosts[dest], server) == int(BIG["disk"])
    assert _usage_hosts(cloud, server) == [dest]
    wait_for_console_marker(cloud, server)

    cloud.openstack("server", "resize", "confirm", server)
    confirmed = wait_for_status(cloud, server, "ACTIVE", timeout=MOVE_TIMEOUT)
    assert confirmed["OS-EXT-SRV-ATTR:host"] == dest
    assert big_flavor in str(confirmed["flavor"])
    cloud_wait(lambda: not domain_exists(server, hosts[source]["libvirt_uri"]))
    cloud_wait(lambda: not _dirs(hosts[source], server))
    assert _usage_hosts(cloud, server) == [dest]


def test_resize_revert_returns_to_the_source(two_host_cloud, big_flavor, server):
    cloud = two_host_cloud
    hosts = _hosts_by_name(cloud)
    source = cloud.openstack_json("server", "show", server)["OS-EXT-SRV-ATTR:host"]
    cloud.openstack("server", "resize", "--flavor", big_flavor, server)
    dest = wait_for_status(cloud, server, "VERIFY_RESIZE",
                           timeout=MOVE_TIMEOUT)["OS-EXT-SRV-ATTR:host"]
    cloud.openstack("server", "resize", "revert", server)
    reverted = wait_for_status(cloud, server, "ACTIVE", timeout=MOVE_TIMEOUT)
    assert reverted["OS-EXT-SRV-ATTR:host"] == source
    assert _memory_mib(hosts[source], server) == 128
    assert not domain_exists(server, hosts[dest]["libvirt_uri"])
    assert not _dirs(hosts[dest], server)
    assert _dirs(hosts[source], server) == [server]
    assert _usage_hosts(cloud, server) == [source]
    wait_for_console_marker(cloud, server)


def test_cold_migrate_and_confirm(two_host_cloud, server):
    cloud = two_host_cloud
    hosts = _hosts_by_name(cloud)
    source = cloud.openstack_json("server", "show", server)["OS-EXT-SRV-ATTR:host"]
    cloud.openstack("server", "migrate", server)
    moved = wait_for_status(cloud, server, "VERIFY_RESIZE", timeout=MOVE_TIMEOUT)
    dest = moved["OS-EXT-SRV-ATTR:host"]
    assert dest != source
    assert _memory_mib(hosts[dest], server) == 128
    cloud.openstack("server", "resize", "confirm", server)
    assert wait_for_status(cloud, server, "ACTIVE",
                           timeout=MOVE_TIMEOUT)["OS-EXT-SRV-ATTR:host"] == dest
    cloud_wait(lambda: not domain_exists(server, hosts[source]["libvirt_uri"]))
    migrations = cloud.openstack_json("server", "migration", "list", "--server", server)
    assert [m["Status"] for m in migrations] == ["confirmed"], migrations


def cloud_wait(predicate, timeout=60):
    """Poll ``predicate`` every second until true; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(1)
    pytest.fail(f"condition not met within {timeout}s", pytrace=False)
