"""A private copy of the quickstart for integration tests, with one compute
host on the machine's libvirtd or several namespaced hosts (``--hosts``).

``QuickstartDeployment`` runs tools/quickstart.sh with ``--no-server`` and
its own state directory, free ports, RabbitMQ vhost, database prefix and
host names, so it runs beside the quickstart itself and beside other test
runs; ``remove()`` takes it all away again (processes, namespaces, mounts,
databases, vhost, libvirt domains, state directory). The helpers below
drive it with the real ``openstack`` CLI.

With ``hosts=N`` the compute hosts are tools/hosts.sh hosts called
``<deployment.host>-host1`` ... (``deployment.compute_hosts``), each in its
own network, mount and UTS namespaces with its own libvirtd and nova-compute;
see doc/source/multihost.rst. ``deployment.hosts()`` describes them (name,
address, libvirt URI reachable from the test, instances directory, logs) and
``deployment.in_host(i, ...)`` runs a command inside host ``i``.
"""

import contextlib
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import libvirt
import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
QUICKSTART = REPO_ROOT / "tools" / "quickstart.sh"
HOSTS_SH = REPO_ROOT / "tools" / "hosts.sh"
QUICKSTART_DB = REPO_ROOT / "tools" / "lib" / "quickstart_db.py"

#: The venv whose console scripts (nova-api, ...) are the nova under test.
NOVA_VENV = pathlib.Path(sys.executable).parent.parent
#: The openstack CLI, installed by the quickstart into a venv of its own.
OSC_VENV = pathlib.Path("/var/lib/nova-quickstart/osc-venv")
OPENSTACK = OSC_VENV / "bin" / "openstack"
#: Parents must be traversable by QEMU; the guest is built once and shared.
STATE_ROOT = pathlib.Path("/var/lib/nova-test-images")
GUEST_DIR = STATE_ROOT / "guest"

DB_SERVERS = {
    "mysql": "mysql+pymysql://root@127.0.0.1:3306",
    "postgresql": "postgresql+psycopg2://postgres@127.0.0.1:5432",
}
FLAVOR = "m1.quickstart"
IMAGE = "quickstart-guest"
MARKER = "NOVA-GUEST-BOOTED"

# Bounds for a loaded 2-core machine; an idle one reaches ACTIVE in a few
# seconds and prints the marker about 6 s after the domain starts (TCG).
QUICKSTART_TIMEOUT = 600
ACTIVE_TIMEOUT = 180
CONSOLE_TIMEOUT = 120
DELETE_TIMEOUT = 90


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuickstartDeployment:
    """A private quickstart: its environment, CLI and Placement access.

    :param backend: "mysql" or "postgresql"
    :param state: the state directory (pathlib.Path), created by the script
    :param name: prefix of every name (host, vhost, databases, domains)
    :param hosts: 0 for one nova-compute on the machine's libvirtd, or the
        number of namespaced compute hosts (1-9, tools/hosts.sh)
    :param keystone: run with a real Keystone (quickstart ``--keystone``);
        the CLI then uses the cloud ``<name>-admin`` (``<name>-demo`` through
        ``openstack(..., cloud=...)``)
    """

    def __init__(self, backend, state, name="bootcli", hosts=0, keystone=False):
        suffix = secrets.token_hex(4)
        self.backend = backend
        self.state = state
        self.host = f"{name}-{suffix}"
        self.name_prefix = f"{name}-{suffix}-"
        self.db_prefix = f"{name}_{suffix}"
        self.vhost = f"{name}-{suffix}"
        self.hosts_count = hosts
        self.keystone = keystone
        self.cloud = f"{name}-admin" if keystone else name
        self.keystone_port = free_port()
        self.keystone_url = f"http://127.0.0.1:{self.keystone_port}/v3"
        #: nova's names of the compute hosts ([DEFAULT] host).
        self.compute_hosts = ([f"{self.host}-host{i}" for i in range(1, hosts + 1)]
                              if hosts else [self.host])
        self.hosts_dir = state / "hosts"
        self.api_port, self.placement_port, self.glance_port = (
            free_port(), free_port(), free_port())
        # The console proxies the quickstart starts, off the default ports.
        self.novnc_port, self.serial_port, self.spice_port = (
            free_port(), free_port(), free_port())
        self.clouds_yaml = state / "clouds.yaml"
        self.placement_url = f"http://127.0.0.1:{self.placement_port}"
        self.env = dict(
            os.environ,
            NOVA_QUICKSTART_DIR=str(state),
            NOVA_QUICKSTART_VENV=str(NOVA_VENV),
            NOVA_QUICKSTART_OSC_VENV=str(OSC_VENV),
            NOVA_QUICKSTART_LINK_CLI="0",
            NOVA_QUICKSTART_SERVER="0",
            NOVA_QUICKSTART_HOSTS=str(hosts),
            NOVA_DB_URL=DB_SERVERS[backend],
            NOVA_QUICKSTART_DB_PREFIX=self.db_prefix,
            NOVA_QUICKSTART_RABBIT_VHOST=self.vhost,
            NOVA_API_PORT=str(self.api_port),
            PLACEMENT_PORT=str(self.placement_port),
            GLANCE_PORT=str(self.glance_port),
            NOVNC_PORT=str(self.novnc_port),
            SERIAL_PROXY_PORT=str(self.serial_port),
            SPICE_PROXY_PORT=str(self.spice_port),
            NOVA_QUICKSTART_HOST=self.host,
            NOVA_QUICKSTART_INSTANCE_NAME_TEMPLATE=self.name_prefix + "%08x",
            NOVA_QUICKSTART_CLOUDS_YAML=str(self.clouds_yaml),
            NOVA_QUICKSTART_CLOUD=name,
            NOVA_QUICKSTART_GUEST_DIR=str(GUEST_DIR),
            NOVA_QUICKSTART_KEYSTONE="1" if keystone else "0",
            KEYSTONE_PORT=str(self.keystone_port),
        )
        self.cli_env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(self.clouds_yaml),
                            OS_CLOUD=self.cloud)

    def quickstart(self, *args, timeout=QUICKSTART_TIMEOUT, **env):
        """Run tools/quickstart.sh with this deployment's environment (plus ``env``)."""
        return subprocess.run(["bash", str(QUICKSTART), *args], env=dict(self.env, **env),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def start(self):
        """Run the quickstart (``--no-server``); fail the test when it fails."""
        # Keystone adds its start, bootstrap and a token per CLI call.
        result = self.quickstart(timeout=QUICKSTART_TIMEOUT + (300 if self.keystone else 0))
        if result.returncode != 0:
            pytest.fail(f"tools/quickstart.sh exited {result.returncode}\n"
                        f"stdout:\n{result.stdout[-6000:]}\nstderr:\n{result.stderr[-6000:]}",
                        pytrace=False)

    def openstack(self, *args, check=True, timeout=120, cloud=None):
        """Run the openstack CLI against this deployment.

        :param cloud: the clouds.yaml cloud to use; default ``self.cloud``.
        :returns: the CompletedProcess (text); with check, a non-zero exit
            fails the test showing the command and its stderr.
        """
        env = self.cli_env if cloud is None else dict(self.cli_env, OS_CLOUD=cloud)
        result = subprocess.run([str(OPENSTACK), *args], env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=timeout, check=False)
        if check and result.returncode != 0:
            pytest.fail(f"openstack {' '.join(args)} exited {result.returncode}:\n"
                        f"{result.stderr}\n{self.log_tails()}", pytrace=False)
        return result

    def openstack_json(self, *args, cloud=None):
        """Run ``openstack ARGS -f json``; return the decoded output."""
        return json.loads(self.openstack(*args, "-f", "json", cloud=cloud).stdout)

    def token(self, cloud=None):
        """Return an X-Auth-Token for ``cloud`` (default ``self.cloud``): a
        Keystone token with Keystone, else noauth2's ``admin:admin``."""
        if not self.keystone:
            return "admin:admin"
        return self.openstack("token", "issue", "-f", "value", "-c", "id",
                              cloud=cloud).stdout.strip()

    def placement(self, path):
        """GET ``path`` from Placement as admin (microversion 1.28); return the JSON body."""
        token = self.token() if self.keystone else "admin"
        request = urllib.request.Request(self.placement_url + path, headers={
            "X-Auth-Token": token, "OpenStack-API-Version": "placement 1.28",
            "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def hosts(self):
        """Describe the namespaced compute hosts (tools/hosts.sh info).

        :returns: a list of dicts, one per host in index order, with
            ``index``, ``name`` (nova's host name, also the network
            namespace and hostname), ``address`` (eth0 on 192.168.250.0/24,
            reachable only from the other hosts), ``libvirt_uri`` (the
            host's own libvirtd, for this process), ``migration_uri``
            (qemu+tcp://<name>/system, for use inside another host),
            ``dir``, ``instances_dir`` (the host's instances_path as seen
            from here) and ``compute_log``.
        """
        info = json.loads((self.hosts_dir / "hosts.json").read_text())
        return info["hosts"]

    def hosts_sh(self, *args, check=True, timeout=300):
        """Run tools/hosts.sh on this deployment's hosts, e.g. ``("stop", "2")``
        to take host 2 down with its guests, ``("start", "2")`` to bring
        every host of 1..2 that is down back (with its nova-compute).

        :returns: the CompletedProcess (text); with check, a non-zero exit
            fails the test.
        """
        result = subprocess.run(
            ["bash", str(HOSTS_SH), "--dir", str(self.hosts_dir), *args],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
            check=False)
        if check and result.returncode != 0:
            pytest.fail(f"tools/hosts.sh {' '.join(args)} exited {result.returncode}:\n"
                        f"{result.stdout}\n{result.stderr}", pytrace=False)
        return result

    def in_host(self, index, *command, check=True, timeout=120):
        """Run ``command`` inside compute host ``index`` (1-based).

        :returns: the CompletedProcess (text); with check, a non-zero exit
            fails the test.
        """
        return self.hosts_sh("exec", str(index), *command, check=check, timeout=timeout)

    def log_tails(self, lines=30):
        """Return the last lines of every daemon log (str), for failure messages."""
        logs = sorted((self.state / "log").glob("nova-*.log"))
        logs += sorted(self.hosts_dir.glob("host*/log/nova-compute.log"))
        parts = []
        for log in logs:
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"---- {log.relative_to(self.state)} ----\n" + "\n".join(text))
        return "\n".join(parts)

    def drop_databases(self):
        names = [f"{self.db_prefix}_{n}" for n in ("api", "cell0", "cell1", "placement")]
        subprocess.run([sys.executable, str(QUICKSTART_DB), "drop", DB_SERVERS[self.backend],
                        *names], capture_output=True, timeout=120, check=False)

    def delete_vhost(self):
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.vhost], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=60, check=False)

    def destroy_domains(self):
        """Destroy and undefine every domain named after this deployment on the
        machine's libvirtd (the namespaced hosts' libvirtds go with them)."""
        conn = libvirt.open("qemu:///system")
        try:
            for dom in conn.listAllDomains():
                if dom.name().startswith(self.name_prefix):
                    with contextlib.suppress(libvirt.libvirtError):
                        dom.destroy()
                    with contextlib.suppress(libvirt.libvirtError):
                        dom.undefine()
        finally:
            conn.close()

    def leftovers(self):
        """What of the namespaced hosts is still there: a list of str."""
        found = []
        netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                               check=False).stdout
        found += [f"network namespace {line.split()[0]}" for line in netns.splitlines()
                  if line.startswith(self.host + "-")]
        mounts = pathlib.Path("/proc/self/mountinfo").read_text()
        found += [f"mount {line.split()[4]}" for line in mounts.splitlines()
                  if str(self.state) in line.split()[4]]
        ps = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True,
                            check=False).stdout
        found += [f"process {line.strip()}" for line in ps.splitlines()
                  if str(self.state) in line]
        return found

    def remove(self):
        """Stop everything and remove every trace; fail if the hosts left any."""
        self.quickstart("stop", timeout=300)
        if self.hosts_count:
            self.hosts_sh("stop", check=False)
        left = self.leftovers()
        self.destroy_domains()
        self.drop_databases()
        self.delete_vhost()
        shutil.rmtree(self.state, ignore_errors=True)
        assert not left, f"the deployment left these behind: {left}"


def new_state_dir(name):
    """Return a fresh state directory path under STATE_ROOT (not created)."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    STATE_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    return STATE_ROOT / f"{name}-{secrets.token_hex(4)}"


@contextlib.contextmanager
def running(deployment):
    """Start ``deployment`` (a QuickstartDeployment); yield it; then remove it all."""
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.remove()


def deploy(backend, name, hosts=0, keystone=False):
    """Start a private quickstart; return it started (a generator for fixtures).

    Yields the ``QuickstartDeployment``; removes it when resumed::

        @pytest.fixture(scope="module")
        def deployment(libvirt_host):
            yield from deploy("mysql", "actions")
    """
    with running(QuickstartDeployment(backend, new_state_dir(name), name=name,
                                      hosts=hosts, keystone=keystone)) as deployment:
        yield deployment


def nic_args(deployment):
    """``--nic none`` when the API has microversion 2.37 (networks required), else nothing."""
    with urllib.request.urlopen(f"http://127.0.0.1:{deployment.api_port}/v2.1/",
                                timeout=10) as response:
        version = json.load(response)["version"]["version"]
    major, minor = (int(part) for part in version.split("."))
    return ["--nic", "none"] if (major, minor) >= (2, 37) else []


def wait_for_status(deployment, server_id, wanted, timeout=ACTIVE_TIMEOUT):
    """Poll ``openstack server show`` until the status is ``wanted``; return the server.

    Fails the test on ERROR or after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        server = deployment.openstack_json("server", "show", server_id)
        status = server["status"]
        if status == wanted:
            return server
        if status == "ERROR":
            pytest.fail(f"server {server_id} went to ERROR: {server.get('fault')}\n"
                        f"{deployment.log_tails()}", pytrace=False)
        time.sleep(2)
    pytest.fail(f"server {server_id} is {status}, not {wanted}, after {timeout}s\n"
                f"{deployment.log_tails()}", pytrace=False)


def wait_for_console_marker(deployment, server_id):
    """Poll ``openstack console log show`` until the guest's marker shows; return the log."""
    deadline = time.monotonic() + CONSOLE_TIMEOUT
    console = ""
    while time.monotonic() < deadline:
        console = deployment.openstack("console", "log", "show", server_id).stdout
        if MARKER in console:
            return console
        time.sleep(2)
    pytest.fail(f"{MARKER} not in the console log after {CONSOLE_TIMEOUT}s; it ends:\n"
                f"{console[-2000:]}", pytrace=False)


def wait_until_deleted(deployment, server_id):
    """Poll until ``openstack server show`` says the server is gone."""
    deadline = time.monotonic() + DELETE_TIMEOUT
    while time.monotonic() < deadline:
        result = deployment.openstack("server", "show", server_id, check=False)
        if result.returncode != 0 and "No Server found" in result.stderr:
            return
        time.sleep(1)
    pytest.fail(f"server {server_id} still exists {DELETE_TIMEOUT}s after delete\n"
                f"{deployment.log_tails()}", pytrace=False)


def domain_exists(uuid, uri="qemu:///system"):
    """True when the libvirtd at ``uri`` has a domain with this UUID."""
    conn = libvirt.open(uri)
    try:
        conn.lookupByUUIDString(uuid)
        return True
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return False
        raise
    finally:
        conn.close()
