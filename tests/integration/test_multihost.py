"""Two compute hosts on one machine, each in namespaces of its own.

The cloud is ``two_host_cloud`` (tests/integration/conftest.py): a private
quickstart with ``--hosts 2``, whose hosts each have their own network,
mount and UTS namespaces, libvirtd, virtlogd and nova-compute
(tools/hosts.sh, doc/source/multihost.rst). What a user and the later
move, scheduling and network tests rely on:

* both hosts are hypervisors of their own, up, with their own addresses,
  hostnames and libvirt host UUIDs, and reach each other's libvirtd;
* a server forced onto a host (``--availability-zone nova:<host>`` as
  admin) runs in that host's libvirtd only, and boots;
* server groups and availability zones steer real guests: anti-affinity
  puts two on different hosts, affinity two on the same one, and an
  aggregate's zone takes a boot to the aggregate's host;
* a guest live-migrates with its disk between the two libvirtds over the
  hosts' private network (libvirt alone, the way nova's libvirt driver will
  drive it: peer to peer, non-shared storage).
"""

import json
import pathlib
import secrets
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import libvirt
import pytest

from .quickstart import (
    FLAVOR,
    GUEST_DIR,
    IMAGE,
    MARKER,
    domain_exists,
    nic_args,
    wait_for_console_marker,
    wait_for_status,
    wait_until_deleted,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql]

MIGRATION_TIMEOUT = 120


def _host_uuid(uri):
    conn = libvirt.open(uri)
    try:
        return ET.fromstring(conn.getCapabilities()).findtext("host/uuid")
    finally:
        conn.close()


def test_each_host_is_a_hypervisor_of_its_own(two_host_cloud):
    cloud = two_host_cloud
    hosts = cloud.hosts()
    assert [h["name"] for h in hosts] == cloud.compute_hosts

    services = cloud.openstack_json("compute", "service", "list", "--service", "nova-compute")
    assert {s["Host"]: (s["State"], s["Status"]) for s in services} == {
        name: ("up", "enabled") for name in cloud.compute_hosts}

    hypervisors = cloud.openstack_json("hypervisor", "list")
    assert {h["Hypervisor Hostname"]: (h["Hypervisor Type"], h["Host IP"], h["State"])
            for h in hypervisors} == {
        h["name"]: ("QEMU", h["address"], "up") for h in hosts}

    for host in hosts:
        assert cloud.in_host(host["index"], "hostname").stdout.strip() == host["name"]
        addresses = cloud.in_host(host["index"], "ip", "-o", "-4", "addr", "show", "eth0").stdout
        assert f" {host['address']}/24 " in addresses
    # The hosts' network exists only inside their namespaces.
    machine = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True,
                             check=True).stdout
    assert "192.168.250." not in machine

    uuids = [_host_uuid(h["libvirt_uri"]) for h in hosts]
    assert len(set(uuids + [_host_uuid("qemu:///system")])) == 3, uuids

    # Each libvirtd listens for the other hosts on the private network.
    first, second = hosts
    answer = cloud.in_host(first["index"], "virsh", "-c", second["migration_uri"], "hostname")
    assert answer.stdout.strip() == second["name"]
    answer = cloud.in_host(second["index"], "virsh", "-c", first["migration_uri"], "hostname")
    assert answer.stdout.strip() == first["name"]


def test_servers_forced_to_each_host_run_in_that_hosts_libvirtd(two_host_cloud):
    cloud = two_host_cloud
    hosts = cloud.hosts()
    servers = {}
    try:
        for host in hosts:
            created = cloud.openstack_json(
                "server", "create", "--flavor", FLAVOR, "--image", IMAGE, *nic_args(cloud),
                "--availability-zone", f"nova:{host['name']}",
                f"mh-{host['index']}-{secrets.token_hex(3)}")
            servers[created["id"]] = host

        for server_id, host in servers.items():
            server = wait_for_status(cloud, server_id, "ACTIVE")
            assert server["OS-EXT-SRV-ATTR:host"] == host["name"]
            assert server["OS-EXT-SRV-ATTR:hypervisor_hostname"] == host["name"]
            others = [h for h in hosts if h is not host]
            assert domain_exists(server_id, host["libvirt_uri"])
            assert not any(domain_exists(server_id, h["libvirt_uri"]) for h in others)
            assert not domain_exists(server_id)  # the machine's own libvirtd
            assert server_id in {p.name for p in _instance_dirs(host)}
            assert not any(server_id in {p.name for p in _instance_dirs(h)} for h in others)

        for server_id in servers:
            assert "NOVA-GUEST-CMDLINE: console=ttyS0" in wait_for_console_marker(cloud, server_id)
    finally:
        for server_id in servers:
            cloud.openstack("server", "delete", server_id, check=False)

    for server_id, host in servers.items():
        wait_until_deleted(cloud, server_id)
        assert not domain_exists(server_id, host["libvirt_uri"])
        assert server_id not in {p.name for p in _instance_dirs(host)}


def _server_host(cloud, server_id, hosts):
    """The host a server is ACTIVE on, checked against the hosts' libvirtds."""
    server = wait_for_status(cloud, server_id, "ACTIVE")
    name = server["OS-EXT-SRV-ATTR:host"]
    running = [h["name"] for h in hosts if domain_exists(server_id, h["libvirt_uri"])]
    assert running == [name], (server_id, name, running)
    return name


def test_groups_and_zones_steer_real_guests(two_host_cloud):
    cloud = two_host_cloud
    hosts = cloud.hosts()
    suffix = secrets.token_hex(3)
    groups = {policy: cloud.openstack_json("server", "group", "create", "--policy", policy,
                                           f"mh-{policy}-{suffix}")["id"]
              for policy in ("anti-affinity", "affinity")}
    zone, zone_host = f"z-{suffix}", hosts[1]["name"]
    aggregate = cloud.openstack_json("aggregate", "create", "--zone", zone, f"mh-agg-{suffix}")
    cloud.openstack("aggregate", "add", "host", aggregate["name"], zone_host)
    zone_added = time.monotonic()
    servers = {}
    try:
        listed = cloud.openstack_json("availability", "zone", "list", "--compute")
        zones = [z["Zone Name"] for z in listed]
        assert zone in zones, zones

        def boot(label, *args):
            created = cloud.openstack_json(
                "server", "create", "--flavor", FLAVOR, "--image", IMAGE, *nic_args(cloud),
                *args, f"mh-{label}-{suffix}")
            servers.setdefault(label, []).append(created["id"])

        for policy, group in groups.items():
            for _ in range(2):
                boot(policy, "--hint", f"group={group}")
        # The scheduler caches each host's zone for up to 5 s
        # (nova/scheduler/host_manager.py); boot into the zone after that.
        time.sleep(max(0.0, zone_added + 6 - time.monotonic()))
        boot("zone", "--availability-zone", zone)

        placed = {label: [_server_host(cloud, s, hosts) for s in ids]
                  for label, ids in servers.items()}
        assert len(set(placed["anti-affinity"])) == 2, placed
        assert len(set(placed["affinity"])) == 1, placed
        assert placed["zone"] == [zone_host], placed
    finally:
        every = [server_id for ids in servers.values() for server_id in ids]
        if every:
            cloud.openstack("server", "delete", "--wait", *every, check=False, timeout=300)
        cloud.openstack("aggregate", "remove", "host", aggregate["name"], zone_host,
                        check=False)
        cloud.openstack("aggregate", "delete", aggregate["name"], check=False)
        for group in groups.values():
            cloud.openstack("server", "group", "delete", group, check=False)


def _instance_dirs(host):
    """The instance directories in a host's own instances_path."""
    return list(pathlib.Path(host["instances_dir"]).iterdir())


def _guest_xml(name, directory):
    """A small TCG guest booting the test image from files in ``directory``."""
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{directory}/vmlinux</kernel><initrd>{directory}/initrd.img</initrd>
    <cmdline>console=ttyS0</cmdline></os>
  <features><acpi/></features>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
      <source file='{directory}/disk'/><target dev='vda' bus='virtio'/></disk>
    <serial type='pty'><log file='{directory}/console.log' append='off'/>
      <target port='0'/></serial>
    <console type='pty'/>
  </devices>
</domain>"""


def test_libvirt_live_migrates_a_guest_with_its_disk_between_hosts(two_host_cloud):
    cloud = two_host_cloud
    source, dest = cloud.hosts()
    name = f"{cloud.name_prefix}migrate-{secrets.token_hex(3)}"
    # The path every host has its own instances directory at.
    directory = f"{cloud.state}/instances/{name}"
    copies = {}
    for host in (source, dest):
        # What nova does on each side: the instance directory with kernel
        # and ramdisk; the source has the disk, the destination an empty one
        # of the same size for the copy (non-shared storage).
        copy = pathlib.Path(host["instances_dir"]) / name
        copy.mkdir()
        for part in ("vmlinux", "initrd.img"):
            shutil.copy(GUEST_DIR / part, copy / part)
        copies[host["name"]] = copy
    shutil.copy(GUEST_DIR / "disk.qcow2", copies[source["name"]] / "disk")
    virtual_size = _qemu_img_info(GUEST_DIR / "disk.qcow2")["virtual-size"]
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2",
                    str(copies[dest["name"]] / "disk"), str(virtual_size)], check=True)

    src = libvirt.open(source["libvirt_uri"])
    dst = libvirt.open(dest["libvirt_uri"])
    try:
        dom = src.defineXML(_guest_xml(name, directory))
        dom.create()
        console = copies[source["name"]] / "console.log"
        deadline = time.monotonic() + 120
        while MARKER not in _read(console) and time.monotonic() < deadline:
            time.sleep(1)
        assert MARKER in _read(console), _read(console)[-2000:]

        # Peer to peer: the source libvirtd connects to the destination's
        # over the hosts' network, as nova's libvirt driver does.
        flags = (libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER
                 | libvirt.VIR_MIGRATE_NON_SHARED_DISK | libvirt.VIR_MIGRATE_PERSIST_DEST
                 | libvirt.VIR_MIGRATE_UNDEFINE_SOURCE)
        started = time.monotonic()
        dom.migrateToURI3(dest["migration_uri"], {}, flags)
        assert time.monotonic() - started < MIGRATION_TIMEOUT

        moved = dst.lookupByName(name)
        assert moved.state()[0] == libvirt.VIR_DOMAIN_RUNNING
        assert name not in [d.name() for d in src.listAllDomains()]
        # The QEMU process now runs in the destination's network namespace.
        pid = _read(f"{dest['dir']}/run-libvirt/qemu/{name}.pid").strip()
        in_dest = subprocess.run(["ip", "netns", "pids", dest["netns"]], capture_output=True,
                                 text=True, check=True).stdout.split()
        assert pid in in_dest
        # The disk was copied: the destination's has the guest's data.
        assert _qemu_img_info(copies[dest["name"]] / "disk")["actual-size"] > 1024 * 1024
    finally:
        for conn in (src, dst):
            for dom in conn.listAllDomains():
                if dom.name() == name:
                    if dom.isActive():
                        dom.destroy()
                    dom.undefine()
            conn.close()
        for copy in copies.values():
            shutil.rmtree(copy, ignore_errors=True)


def _qemu_img_info(path):
    """``qemu-img info`` of a disk image (even one a running QEMU holds), as a dict."""
    return json.loads(subprocess.run(
        ["qemu-img", "info", "-U", "--output=json", str(path)],
        capture_output=True, text=True, check=True).stdout)


def _read(path):
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""
