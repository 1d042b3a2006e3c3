"""A real guest on a FlatDHCP bridge of a compute host in its own namespaces.

Built directly on the compute host's functions (nova.network.host,
nova.virt.configdrive, the libvirt driver's domain XML), without the API:
one host of tools/hosts.sh (its own network namespace and libvirtd), the
network wired there by ``plug_vifs``, a guest with a virtio NIC on the
bridge and a config drive. What a user relies on:

* the guest gets its fixed IP from the bridge's dnsmasq (a static lease);
* it prints the uuid, hostname and public key it read from its config
  drive (there is no metadata service behind the redirect here);
* a TCP probe from the host reaches the guest's responder only after a
  security group rule allows it, and a floating IP on the host reaches it
  too;
* unplugging removes the lease.

Every address used lives inside the test host's namespace only.
"""

import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import time

import libvirt
import pytest

from nova import conf as nova_conf
from nova.objects import flavor as flavor_obj
from nova.objects import instance as instance_obj
from nova.objects import keypair as keypair_obj
from nova.virt import configdrive
from nova.virt.libvirt import driver as libvirt_driver

pytestmark = [pytest.mark.libvirt]

REPO = pathlib.Path(__file__).resolve().parents[2]
CONF = nova_conf.CONF
UUID = "6a1c7f4e-52b3-4c1e-9f0d-8e7a6b5c4d3e"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINetworkGuestKey test@nova"
VIF_ID = "3f2e1d0c-aaaa-4bbb-8ccc-0123456789ab"
FIXED = "10.0.0.3"
FLOATING = "172.24.4.10"
BOOT_TIMEOUT = 150


def _vif(floating=()):
    return {
        "id": VIF_ID, "address": "fa:16:3e:10:00:03", "type": "bridge",
        "devname": "tap" + VIF_ID[:11],
        "network": {
            "id": "5e0d5b0e-1d2c-4f3b-9a8e-7c6d5e4f3a21", "label": "private",
            "bridge": "br100",
            "subnets": [{"cidr": "10.0.0.0/24", "version": 4,
                         "gateway": {"address": "10.0.0.1"}, "dns": [],
                         "ips": [{"address": FIXED, "type": "fixed", "version": 4,
                                  "floating_ips": [{"address": f, "type": "floating"}
                                                   for f in floating]}]}],
            "meta": {"dhcp_server": "10.0.0.1", "mtu": 1500}},
        "meta": {"security_groups": ["default"]},
    }


# Runs inside the host: nova.network.host with the host's files in argv[1].
_IN_HOST = """
import json, sys, types
import nova.conf
from nova.network import host
conf = nova.conf.CONF
conf([], project="nova", default_config_files=[])
conf.set_override("networks_path", sys.argv[1])
conf.set_override("metadata_host", "127.0.0.1")
conf.set_override("public_interface", "eth0")
instance = types.SimpleNamespace(uuid=sys.argv[3], hostname="web-1")
args = json.loads(sys.argv[4])
getattr(host, sys.argv[2])(*([instance] if sys.argv[2] != "refresh_security_groups" else []),
                           args)
"""


class Host:
    """One host of tools/hosts.sh with a private prefix."""

    def __init__(self, prefix, directory):
        self.prefix, self.dir = prefix, directory
        self.info = None

    def tool(self, *args, check=True, timeout=300):
        return subprocess.run(["bash", str(REPO / "tools" / "hosts.sh"), "--prefix", self.prefix,
                               "--dir", str(self.dir), *args],
                              capture_output=True, text=True, timeout=timeout, check=check,
                              stdin=subprocess.DEVNULL)

    def run(self, *cmd, check=True, timeout=60):
        return self.tool("exec", "1", *cmd, check=check, timeout=timeout)

    def network(self, function, argument):
        env_path = os.pathsep.join([str(REPO), *sys.path])
        return self.run("env", f"PYTHONPATH={env_path}", sys.executable, "-c", _IN_HOST,
                        str(self.dir / "networks"), function, UUID, json.dumps(argument))


@pytest.fixture(scope="module")
def host(libvirt_host):
    prefix = "nn" + secrets.token_hex(2)
    h = Host(prefix, pathlib.Path("/var/lib/nova-hosts") / prefix)
    try:
        h.tool("start", "1", timeout=400)
        h.info = json.loads(h.tool("info").stdout)["hosts"][0]
        yield h
    finally:
        h.tool("stop", "--purge", check=False, timeout=300)


def _instance():
    return instance_obj.Instance(
        id=1, uuid=UUID, display_name="web-1", hostname="web-1",
        launch_index=0, availability_zone="nova", project_id="p", user_id="u",
        host="h", image_ref="", reservation_id="r-1", key_name="mykey", key_data=KEY,
        user_data=None, metadata={}, system_metadata={}, root_device_name="/dev/vda",
        kernel_id=None, ramdisk_id=None, config_drive="True",
        flavor=flavor_obj.Flavor(name="m1.tiny", memory_mb=128, vcpus=1, root_gb=1),
        keypairs=keypair_obj.KeyPairList(objects=[keypair_obj.KeyPair(
            name="mykey", type="ssh", public_key=KEY)]))


def _wait_for(path, pattern, timeout):
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        try:
            text = pathlib.Path(path).read_text(errors="replace")
        except FileNotFoundError:
            text = ""
        if re.search(pattern, text):
            return text
        time.sleep(1)
    pytest.fail(f"{pattern!r} not in the console log after {timeout} s:\n{text[-3000:]}")


_FETCH = """
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode().strip())
except OSError:
    sys.exit(1)
"""


def _probe(host, address):
    """Body of http://<address>/ fetched from inside the host, or None (3 s timeout)."""
    result = host.run(sys.executable, "-c", _FETCH, f"http://{address}/", check=False)
    return result.stdout.strip() if result.returncode == 0 else None


@pytest.fixture(scope="module")
def guest(host, guest_image, tmp_path_factory):
    work = tmp_path_factory.mktemp("guest-network")
    os.chmod(work, 0o755)
    instance = _instance()
    network_info = [_vif()]
    host.network("plug_vifs", network_info)
    CONF([], project="nova", default_config_files=[])
    CONF.set_override("instances_path", str(work))
    CONF.set_override("virt_type", "qemu", group="libvirt")
    inst_dir = work / UUID
    inst_dir.mkdir()
    disk = inst_dir / "disk"
    shutil.copy(guest_image.disk_qcow2, disk)
    drive = inst_dir / "disk.config"
    configdrive.make_drive(str(drive), instance, network_info)
    drv = libvirt_driver.LibvirtDriver.__new__(libvirt_driver.LibvirtDriver)
    xml = drv.build_guest_config(instance, str(disk), str(guest_image.kernel),
                                 str(guest_image.ramdisk), guest_image.cmdline,
                                 network_info=network_info,
                                 config_drive_path=str(drive)).to_xml()
    conn = libvirt.open(host.info["libvirt_uri"])
    dom = conn.createXML(xml, 0)
    try:
        console = _wait_for(inst_dir / "console.log", "NOVA-GUEST-NETWORK-DONE", BOOT_TIMEOUT)
        yield {"console": console, "network_info": network_info, "work": work}
    finally:
        try:
            dom.destroy()
        except libvirt.libvirtError:
            pass
        conn.close()
        CONF.clear_override("instances_path")
        CONF.clear_override("virt_type", group="libvirt")


def test_guest_gets_its_fixed_ip_from_dnsmasq(host, guest):
    assert f"NOVA-GUEST-IP: {FIXED}" in guest["console"]
    leases = (host.dir / "networks" / "nova-br100.leases").read_text()
    assert f"fa:16:3e:10:00:03 {FIXED} web-1" in leases


def test_guest_prints_metadata_from_its_config_drive(guest):
    console = guest["console"]
    assert "NOVA-GUEST-METADATA-SOURCE: config-drive" in console
    assert f"NOVA-GUEST-UUID: {UUID}" in console
    assert "NOVA-GUEST-HOSTNAME: web-1.novalocal" in console
    assert f"NOVA-GUEST-PUBLIC-KEY: {KEY}" in console


def test_tcp_probe_passes_only_after_a_rule_allows_it(host, guest):
    assert _probe(host, FIXED) is None
    rule = {"id": 1, "parent_group_id": 1, "ip_protocol": "tcp", "from_port": 80,
            "to_port": 80, "ip_range": {"cidr": "0.0.0.0/0"}, "group": {}}
    host.network("refresh_security_groups", [{"name": "default", "rules": [rule]}])
    assert _probe(host, FIXED) == "NOVA-GUEST-HTTP"
    host.network("refresh_security_groups", [{"name": "default", "rules": []}])
    assert _probe(host, FIXED) is None


def test_floating_ip_reaches_the_guest_until_removed(host, guest):
    rule = {"ip_protocol": "tcp", "from_port": 80, "to_port": 80,
            "ip_range": {"cidr": "0.0.0.0/0"}}
    host.network("refresh_security_groups", [{"name": "default", "rules": [rule]}])
    host.network("update_floating_ips", [_vif(floating=[FLOATING])])
    assert _probe(host, FLOATING) == "NOVA-GUEST-HTTP"
    host.network("update_floating_ips", [_vif()])
    assert _probe(host, FLOATING) is None


def test_unplug_removes_the_lease(host, guest):
    host.network("unplug_vifs", guest["network_info"])
    assert "fa:16:3e:10:00:03" not in (host.dir / "networks" / "nova-br100.conf").read_text()
