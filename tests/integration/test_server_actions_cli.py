"""Server actions on a real QEMU guest, driven with the ``openstack`` CLI.

One server of a private quickstart (MariaDB) goes through stop, start,
soft and hard reboot, pause, suspend, lock, rename, rescue and unrescue. After each action
libvirt's view of the domain and the guest's own console log (appended
across boots) show its effect: a graceful stop prints the guest's ACPI
power-off line, each boot prints the boot marker again, a resumed guest
does not boot again. ``openstack server event list`` shows the history.

Then the image actions, on the same cloud and server (the test guest boots
its kernel directly, kernel and ramdisk being images of their own):

* rebuild: the same libvirt domain (uuid = server id) is started afresh
  (a new domain id) and the guest boots again from the image;
* ``openstack server image create``: the snapshot is a standalone image in
  Glance that carries the kernel and ramdisk, and a new server booted from
  it boots the guest;
* shelve: with the default shelved_offload_time 0 the server ends
  SHELVED_OFFLOADED, its libvirt domain and Placement allocation gone;
  unshelve boots it again from the shelved snapshot, which is then deleted.
"""

import secrets
import time

import libvirt
import pytest

from tests.integration.quickstart import (
    CONSOLE_TIMEOUT,
    FLAVOR,
    IMAGE,
    MARKER,
    deploy,
    domain_exists,
    nic_args,
    wait_for_console_marker,
    wait_for_status,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql]

#: What the guest prints when the ACPI power button shuts it down
#: (tools/build-guest-image.sh).
POWEROFF = "NOVA-GUEST-POWEROFF"


@pytest.fixture(scope="module")
def deployment(libvirt_host):
    yield from deploy("mysql", "actions")


@pytest.fixture(scope="module")
def server(deployment):
    name = f"actions-{secrets.token_hex(3)}"
    created = deployment.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE,
        *nic_args(deployment), name)
    server_id = created["id"]
    wait_for_status(deployment, server_id, "ACTIVE")
    wait_for_console_count(deployment, server_id, MARKER, 1)
    yield server_id
    deployment.openstack("server", "delete", "--wait", server_id, check=False,
                         timeout=150)


def console(deployment, server_id):
    """The guest's whole serial log.

    Read from the instance directory: ``openstack console log show`` gives
    the last 100 KiB only, which a few boots of this guest fill.
    """
    path = deployment.state / "instances" / server_id / "console.log"
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:  # no guest on this host (shelved, rebuilt)
        return ""


def wait_for_console_count(deployment, server_id, line, count):
    """Wait until ``line`` appears ``count`` times in the console log; return it."""
    deadline = time.monotonic() + CONSOLE_TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        text = console(deployment, server_id)
        if text.count(line) >= count:
            assert text.count(line) == count, text[-3000:]
            return text
        time.sleep(2)
    pytest.fail(f"{line} not {count} times in the console log after {CONSOLE_TIMEOUT}s; "
                f"it ends:\n{text[-3000:]}\n{deployment.log_tails()}", pytrace=False)


def domain(server_id):
    conn = libvirt.open("qemu:///system")
    try:
        dom = conn.lookupByUUIDString(server_id)
        return dom.state()[0], dom.hasManagedSaveImage(0)
    finally:
        conn.close()


def action(deployment, server_id, *args, wanted):
    deployment.openstack("server", *args, server_id)
    return wait_for_status(deployment, server_id, wanted)


def test_stop_is_graceful_and_start_boots_again(deployment, server):
    stopped = action(deployment, server, "stop", wanted="SHUTOFF")
    assert stopped["OS-EXT-STS:power_state"] == 4, stopped  # shutdown
    assert domain(server)[0] == libvirt.VIR_DOMAIN_SHUTOFF
    # The guest saw the ACPI button: a clean shutdown, not a pulled plug.
    shown = deployment.openstack("console", "log", "show", server).stdout
    assert shown.count(POWEROFF) == 1

    action(deployment, server, "start", wanted="ACTIVE")
    assert domain(server)[0] == libvirt.VIR_DOMAIN_RUNNING
    wait_for_console_count(deployment, server, MARKER, 2)


def test_soft_reboot_shuts_down_then_boots(deployment, server):
    action(deployment, server, "reboot", "--soft", wanted="ACTIVE")
    text = wait_for_console_count(deployment, server, MARKER, 3)
    assert text.count(POWEROFF) == 2


def test_hard_reboot_boots_without_asking_the_guest(deployment, server):
    action(deployment, server, "reboot", "--hard", wanted="ACTIVE")
    text = wait_for_console_count(deployment, server, MARKER, 4)
    assert text.count(POWEROFF) == 2


def test_diagnostics_read_the_running_guest(deployment, server):
    # Admin-only: the quickstart cloud's CLI user is the admin. The CLI
    # (openstacksdk) knows the 2.48 shape only.
    shown = deployment.openstack_json(
        "--os-compute-api-version", "2.48", "server", "show", "--diagnostics", server)
    assert shown["state"] == "running", shown
    assert (shown["driver"], shown["hypervisor"]) == ("libvirt", "qemu")
    assert shown["uptime"] > 0
    assert shown["num_disks"] >= 1
    assert shown["cpu_details"][0]["time"] > 0
    # The guest read its disk while it booted.
    assert shown["disk_details"][0]["read_bytes"] > 0, shown


def test_pause_and_unpause(deployment, server):
    action(deployment, server, "pause", wanted="PAUSED")
    assert domain(server)[0] == libvirt.VIR_DOMAIN_PAUSED
    action(deployment, server, "unpause", wanted="ACTIVE")
    assert domain(server)[0] == libvirt.VIR_DOMAIN_RUNNING


def test_suspend_saves_the_guest_and_resume_restores_it(deployment, server):
    action(deployment, server, "suspend", wanted="SUSPENDED")
    state, saved = domain(server)
    assert state == libvirt.VIR_DOMAIN_SHUTOFF and saved
    action(deployment, server, "resume", wanted="ACTIVE")
    assert domain(server) == (libvirt.VIR_DOMAIN_RUNNING, False)
    # Restored from memory, not booted: still four boots.
    time.sleep(3)
    assert console(deployment, server).count(MARKER) == 4


def test_lock_unlock_and_rename(deployment, server):
    deployment.openstack("server", "lock", server)
    shown = deployment.openstack_json("--os-compute-api-version", "2.9",
                                      "server", "show", server)
    assert shown["locked"] is True
    deployment.openstack("server", "unlock", server)
    shown = deployment.openstack_json("--os-compute-api-version", "2.9",
                                      "server", "show", server)
    assert shown["locked"] is False
    deployment.openstack("server", "set", "--name", "renamed-by-cli", server)
    assert deployment.openstack_json("server", "show", server)["name"] == "renamed-by-cli"


def test_rescue_boots_the_rescue_image_with_the_disk_second(deployment, server):
    action(deployment, server, "rescue", wanted="RESCUE")
    text = wait_for_console_count(deployment, server, MARKER, 5)
    # The rescue guest sees its own disk and the server's, second.
    assert text.split(MARKER)[-2].count("NOVA-GUEST-DISKS: vda vdb") == 1, text[-2000:]
    action(deployment, server, "unrescue", wanted="ACTIVE")
    text = wait_for_console_count(deployment, server, MARKER, 6)
    last_boot = text.split(MARKER)[-2]
    assert "NOVA-GUEST-DISKS: vda " in last_boot and "vdb" not in last_boot, last_boot


def test_event_list_shows_the_history(deployment, server):
    events = deployment.openstack_json("server", "event", "list", server)
    actions = [e["Action"] for e in events]
    assert actions[-1] == "create"
    for name in ("stop", "start", "reboot", "pause", "unpause", "suspend", "resume",
                 "lock", "unlock", "rescue", "unrescue"):
        assert name in actions, actions
    stop = next(e for e in events if e["Action"] == "stop")
    shown = deployment.openstack_json("server", "event", "show", server,
                                      stop["Request ID"])
    assert [e["event"] for e in shown["events"]] == ["compute_stop_instance"]
    assert shown["events"][0]["result"] == "Success"


# -- image actions -------------------------------------------------------------


def wait_for_boot_after(deployment, server_id, before):
    """Wait for the marker of a boot later than the console log ``before``.

    The log may have grown (same file, appended) or been replaced (the
    guest's disk and log made afresh); either way only what is new counts.
    """
    deadline = time.monotonic() + CONSOLE_TIMEOUT
    new = ""
    while time.monotonic() < deadline:
        text = console(deployment, server_id)
        new = text[len(before):] if text.startswith(before) else text
        if MARKER in new:
            return new
        time.sleep(2)
    pytest.fail(f"no new {MARKER} in the console log after {CONSOLE_TIMEOUT}s; "
                f"what is new ends:\n{new[-3000:]}\n{deployment.log_tails()}",
                pytrace=False)


def domain_id(server_id):
    """The running domain's numeric id: it changes each time the domain starts."""
    conn = libvirt.open("qemu:///system")
    try:
        return conn.lookupByUUIDString(server_id).ID()
    finally:
        conn.close()


def test_rebuild_boots_the_same_domain_afresh(deployment, server):
    before, before_id = console(deployment, server), domain_id(server)
    deployment.openstack("server", "rebuild", "--image", IMAGE, server)
    rebuilt = wait_for_status(deployment, server, "ACTIVE")
    assert rebuilt["id"] == server
    assert domain_id(server) != before_id
    wait_for_boot_after(deployment, server, before)
    events = deployment.openstack_json("server", "event", "list", server)
    assert events[0]["Action"] == "rebuild", events


def test_image_create_makes_a_snapshot_that_boots(deployment, server):
    name = f"actions-snap-{secrets.token_hex(3)}"
    deployment.openstack("server", "image", "create", "--name", name, "--wait", server,
                         timeout=300)
    image = deployment.openstack_json("image", "show", name)
    assert image["status"] == "active", image
    properties = image["properties"]
    assert properties["image_type"] == "snapshot", properties
    assert properties["instance_uuid"] == server, properties
    # The direct-kernel-boot guest's kernel and ramdisk come along.
    base = deployment.openstack_json("image", "show", IMAGE)["properties"]
    assert (properties["kernel_id"], properties["ramdisk_id"]) == (
        base["kernel_id"], base["ramdisk_id"])
    assert wait_for_status(deployment, server, "ACTIVE")["OS-EXT-STS:task_state"] is None

    created = deployment.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", image["id"],
        *nic_args(deployment), f"actions-from-{secrets.token_hex(3)}")
    wait_for_status(deployment, created["id"], "ACTIVE")
    wait_for_console_marker(deployment, created["id"])
    deployment.openstack("server", "delete", "--wait", created["id"], timeout=150)
    deployment.openstack("image", "delete", image["id"])


def test_shelve_offloads_and_unshelve_boots_again(deployment, server):
    deployment.openstack("server", "shelve", server)
    offloaded = wait_for_status(deployment, server, "SHELVED_OFFLOADED")
    assert not domain_exists(server)
    assert deployment.placement(f"/allocations/{server}")["allocations"] == {}
    assert offloaded["OS-EXT-SRV-ATTR:host"] is None, offloaded
    shelved_images = deployment.openstack_json(
        "image", "list", "--property", f"instance_uuid={server}")
    assert [i["Status"] for i in shelved_images] == ["active"], shelved_images
    before = console(deployment, server)

    deployment.openstack("server", "unshelve", server)
    wait_for_status(deployment, server, "ACTIVE")
    assert domain_exists(server)
    allocations = deployment.placement(f"/allocations/{server}")["allocations"]
    assert [a["resources"]["MEMORY_MB"] for a in allocations.values()] == [128]
    wait_for_boot_after(deployment, server, before)
    assert deployment.openstack_json(
        "image", "list", "--property", f"instance_uuid={server}") == []
