"""A private quickstart cloud for integration tests, driven with the ``openstack`` CLI.

``QuickstartDeployment`` runs tools/quickstart.sh with ``--no-server`` in a
state directory of its own: nova-conductor, nova-scheduler, nova-compute
and nova-api as separate processes on RabbitMQ (own vhost) and MariaDB or
PostgreSQL (own databases), Placement and Glance daemons, libvirt with QEMU
(TCG), the test guest uploaded as kernel + ramdisk + disk images.
Everything carries a random suffix and free ports, so it runs beside the
quickstart itself and beside other test runs; ``quickstart_cloud`` removes
it all again (processes, databases, vhost, libvirt domains, state
directory). Test modules build their module-scoped fixture with it::

    @pytest.fixture(scope="module")
    def deployment(libvirt_host):
        with quickstart_cloud("mysql", "actions") as deployment:
            yield deployment

The wait helpers poll through the CLI and fail the test with the daemons'
log tails.
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
    :param prefix: what names (host, databases, vhost, cloud, domains) start with
    """

    def __init__(self, backend, state, prefix="bootcli"):
        suffix = secrets.token_hex(4)
        self.backend = backend
        self.state = state
        self.host = f"{prefix}-{suffix}"
        self.name_prefix = f"{prefix}-{suffix}-"
        self.db_prefix = f"{prefix}_{suffix}"
        self.vhost = f"{prefix}-{suffix}"
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
            NOVA_QUICKSTART_CLOUD=prefix,
            NOVA_QUICKSTART_GUEST_DIR=str(GUEST_DIR),
        )
        self.cli_env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(self.clouds_yaml),
                            OS_CLOUD=prefix)

    def quickstart(self, *args, timeout=QUICKSTART_TIMEOUT):
        """Run tools/quickstart.sh with this deployment's environment."""
        return subprocess.run(["bash", str(QUICKSTART), *args], env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def openstack(self, *args, check=True, timeout=120):
        """Run the openstack CLI against this deployment.

        :returns: the CompletedProcess (text); with check, a non-zero exit
            fails the test showing the command and its stderr.
        """
        result = subprocess.run([str(OPENSTACK), *args], env=self.cli_env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=timeout, check=False)
        if check and result.returncode != 0:
            pytest.fail(f"openstack {' '.join(args)} exited {result.returncode}:\n"
                        f"{result.stderr}\n{self.log_tails()}", pytrace=False)
        return result

    def openstack_json(self, *args):
        """Run ``openstack ARGS -f json``; return the decoded output."""
        return json.loads(self.openstack(*args, "-f", "json").stdout)

    def placement(self, path):
        """GET ``path`` from Placement as admin (microversion 1.28); return the JSON body."""
        request = urllib.request.Request(self.placement_url + path, headers={
            "X-Auth-Token": "admin", "OpenStack-API-Version": "placement 1.28",
            "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def log_tails(self, lines=30):
        """Return the last lines of every daemon log (str), for failure messages."""
        parts = []
        for log in sorted((self.state / "log").glob("nova-*.log")):
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"---- {log.name} ----\n" + "\n".join(text))
        return "\n".join(parts)

    def drop_databases(self):
        names = [f"{self.db_prefix}_{n}" for n in ("api", "cell0", "cell1", "placement")]
        subprocess.run([sys.executable, str(QUICKSTART_DB), "drop", DB_SERVERS[self.backend],
                        *names], capture_output=True, timeout=120, check=False)

    def delete_vhost(self):
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", self.vhost], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=60, check=False)

    def destroy_domains(self):
        """Destroy and undefine every libvirt domain named after this deployment."""
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


def new_state_dir(name):
    """Return a fresh state directory path under STATE_ROOT (not created)."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    STATE_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    return STATE_ROOT / f"{name}-{secrets.token_hex(4)}"


@contextlib.contextmanager
def running(deployment):
    """Run ``deployment``'s quickstart; yield it; then stop and remove it all.

    Removed afterwards: daemons, libvirt domains, databases, vhost and the
    state directory. A failing quickstart fails the test with its output.
    """
    try:
        result = deployment.quickstart()
        if result.returncode != 0:
            pytest.fail(f"tools/quickstart.sh --no-server exited {result.returncode}\n"
                        f"stdout:\n{result.stdout[-6000:]}\nstderr:\n{result.stderr[-6000:]}",
                        pytrace=False)
        yield deployment
    finally:
        deployment.quickstart("stop", timeout=180)
        deployment.destroy_domains()
        deployment.drop_databases()
        deployment.delete_vhost()
        shutil.rmtree(deployment.state, ignore_errors=True)


def quickstart_cloud(backend, prefix):
    """Start a private quickstart; yield its QuickstartDeployment; remove it all.

    :param backend: "mysql" or "postgresql".
    :param prefix: a short name for this module's cloud ("bootcli", "actions").
    """
    return running(QuickstartDeployment(backend, new_state_dir(prefix), prefix))


def nic_args(deployment):
    """``--nic none`` when the API has microversion 2.37 (networks required), else nothing."""
    with urllib.request.urlopen(f"http://127.0.0.1:{deployment.api_port}/v2.1/",
                                timeout=10) as response:
        version = json.load(response)["version"]["version"]
    major, minor = (int(part) for part in version.split("."))
    return ["--nic", "none"] if (major, minor) >= (2, 37) else []


def wait_for_status(deployment, server_id, wanted, timeout=ACTIVE_TIMEOUT):
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
    deadline = time.monotonic() + DELETE_TIMEOUT
    while time.monotonic() < deadline:
        result = deployment.openstack("server", "show", server_id, check=False)
        if result.returncode != 0 and "No Server found" in result.stderr:
            return
        time.sleep(1)
    pytest.fail(f"server {server_id} still exists {DELETE_TIMEOUT}s after delete\n"
                f"{deployment.log_tails()}", pytrace=False)


def domain_exists(uuid):
    conn = libvirt.open("qemu:///system")
    try:
        conn.lookupByUUIDString(uuid)
        return True
    except libvirt.libvirtError as exc:
        if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
            return False
        raise
    finally:
        conn.close()


def provider_usages(deployment):
    """Return {provider uuid: usages dict} for every resource provider."""
    providers = deployment.placement("/resource_providers")["resource_providers"]
    return {rp["uuid"]: deployment.placement(f"/resource_providers/{rp['uuid']}/usages")["usages"]
            for rp in providers}
