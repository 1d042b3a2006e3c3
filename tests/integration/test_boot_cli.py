"""Boot a real guest through the real ``openstack`` CLI, end to end.

The deployment is a private copy of the quickstart (tools/quickstart.sh with
``--no-server``): nova-conductor, nova-scheduler, nova-compute and nova-api as
separate processes on RabbitMQ (own vhost) and MariaDB or PostgreSQL (own
databases), Placement and Glance daemons, libvirt with QEMU (TCG), the test
guest uploaded as kernel + ramdisk + disk images. Everything carries a random
suffix and free ports, so it runs beside the quickstart itself and beside
other test runs; the fixture removes it all again (processes, databases,
vhost, libvirt domains, state directory).

The story: ``openstack server create`` -> ACTIVE -> ``openstack console log
show`` shows the guest's marker -> ``openstack server delete`` removes the
libvirt domain, the instance directory and the Placement allocation. The
last test runs what doc/source/quickstart.rst and README.rst tell a user to
type against this cloud, and follows one request id through the logs.
"""

import contextlib
import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import libvirt
import pytest
import yaml

from tests.integration.rst_blocks import command_blocks, literal_blocks

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit]

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


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QuickstartDeployment:
    """A private quickstart: its environment, CLI and Placement access.

    :param backend: "mysql" or "postgresql"
    :param state: the state directory (pathlib.Path), created by the script
    """

    def __init__(self, backend, state):
        suffix = secrets.token_hex(4)
        self.backend = backend
        self.state = state
        self.host = f"bootcli-{suffix}"
        self.name_prefix = f"bootcli-{suffix}-"
        self.db_prefix = f"bootcli_{suffix}"
        self.vhost = f"bootcli-{suffix}"
        self.api_port, self.placement_port, self.glance_port = (
            _free_port(), _free_port(), _free_port())
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
            NOVA_QUICKSTART_HOST=self.host,
            NOVA_QUICKSTART_INSTANCE_NAME_TEMPLATE=self.name_prefix + "%08x",
            NOVA_QUICKSTART_CLOUDS_YAML=str(self.clouds_yaml),
            NOVA_QUICKSTART_CLOUD="bootcli",
            NOVA_QUICKSTART_GUEST_DIR=str(GUEST_DIR),
        )
        self.cli_env = dict(os.environ, OS_CLIENT_CONFIG_FILE=str(self.clouds_yaml),
                            OS_CLOUD="bootcli")

    def quickstart(self, *args, timeout=QUICKSTART_TIMEOUT, **env):
        """Run tools/quickstart.sh with this deployment's environment (plus ``env``)."""
        return subprocess.run(["bash", str(QUICKSTART), *args], env=dict(self.env, **env),
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


@pytest.fixture(scope="module", params=[
    pytest.param("mysql", marks=pytest.mark.mysql),
    pytest.param("postgresql", marks=pytest.mark.postgresql),
])
def deployment(request, libvirt_host):
    """A running private quickstart on the parametrized database backend."""
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    STATE_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    state = STATE_ROOT / f"bootcli-{secrets.token_hex(4)}"
    deployment = QuickstartDeployment(request.param, state)
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
        shutil.rmtree(state, ignore_errors=True)


def _nic_args(deployment):
    """``--nic none`` when the API has microversion 2.37 (networks required), else nothing."""
    with urllib.request.urlopen(f"http://127.0.0.1:{deployment.api_port}/v2.1/",
                                timeout=10) as response:
        version = json.load(response)["version"]["version"]
    major, minor = (int(part) for part in version.split("."))
    return ["--nic", "none"] if (major, minor) >= (2, 37) else []


def _wait_for_status(deployment, server_id, wanted, timeout):
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


def _wait_for_console_marker(deployment, server_id):
    deadline = time.monotonic() + CONSOLE_TIMEOUT
    console = ""
    while time.monotonic() < deadline:
        console = deployment.openstack("console", "log", "show", server_id).stdout
        if MARKER in console:
            return console
        time.sleep(2)
    pytest.fail(f"{MARKER} not in the console log after {CONSOLE_TIMEOUT}s; it ends:\n"
                f"{console[-2000:]}", pytrace=False)


def _wait_until_deleted(deployment, server_id):
    deadline = time.monotonic() + DELETE_TIMEOUT
    while time.monotonic() < deadline:
        result = deployment.openstack("server", "show", server_id, check=False)
        if result.returncode != 0 and "No Server found" in result.stderr:
            return
        time.sleep(1)
    pytest.fail(f"server {server_id} still exists {DELETE_TIMEOUT}s after delete\n"
                f"{deployment.log_tails()}", pytrace=False)


def _domain_exists(uuid):
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


def _provider_usages(deployment):
    """Return {provider uuid: usages dict} for every resource provider."""
    providers = deployment.placement("/resource_providers")["resource_providers"]
    return {rp["uuid"]: deployment.placement(f"/resource_providers/{rp['uuid']}/usages")["usages"]
            for rp in providers}


def test_cli_lists_services_hypervisors_and_flavors(deployment):
    services = deployment.openstack_json("compute", "service", "list")
    ours = {(s["Binary"], s["Host"]): s for s in services}
    for binary in ("nova-conductor", "nova-scheduler", "nova-compute"):
        service = ours.get((binary, deployment.host))
        assert service is not None, f"{binary} on {deployment.host} not in {services}"
        assert service["State"] == "up", service
        assert service["Status"] == "enabled", service

    hypervisors = deployment.openstack_json("hypervisor", "list")
    assert len(hypervisors) == 1, hypervisors
    assert hypervisors[0]["Hypervisor Type"] == "QEMU"
    assert hypervisors[0]["State"] == "up"

    flavors = {f["Name"]: f for f in deployment.openstack_json("flavor", "list")}
    assert FLAVOR in flavors, flavors
    assert flavors[FLAVOR]["RAM"] == 128
    assert flavors[FLAVOR]["VCPUs"] == 1
    assert flavors[FLAVOR]["Disk"] == 1


def test_server_boots_shows_marker_and_delete_cleans_up(deployment):
    name = f"bootcli-{secrets.token_hex(3)}"
    created = deployment.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE,
        *_nic_args(deployment), name)
    server_id = created["id"]
    try:
        server = _wait_for_status(deployment, server_id, "ACTIVE", ACTIVE_TIMEOUT)
        assert server["name"] == name
        assert server["OS-EXT-SRV-ATTR:host"] == deployment.host

        listed = {s["ID"]: s for s in deployment.openstack_json("server", "list")}
        assert listed[server_id]["Status"] == "ACTIVE"
        assert listed[server_id]["Name"] == name

        console = _wait_for_console_marker(deployment, server_id)
        assert "NOVA-GUEST-CMDLINE: console=ttyS0" in console

        # What the boot left behind, checked again after the delete.
        assert _domain_exists(server_id)
        instance_dir = deployment.state / "instances" / server_id
        assert instance_dir.is_dir()
        allocations = deployment.placement(f"/allocations/{server_id}")["allocations"]
        assert len(allocations) == 1, allocations
        (resources,) = (a["resources"] for a in allocations.values())
        assert resources == {"VCPU": 1, "MEMORY_MB": 128, "DISK_GB": 1}
    except BaseException:
        deployment.openstack("server", "delete", server_id, check=False)
        raise

    deployment.openstack("server", "delete", "--wait", server_id, timeout=DELETE_TIMEOUT + 30)
    _wait_until_deleted(deployment, server_id)

    assert server_id not in {s["ID"] for s in deployment.openstack_json("server", "list")}
    assert not _domain_exists(server_id)
    assert not instance_dir.exists()
    assert deployment.placement(f"/allocations/{server_id}")["allocations"] == {}
    usages = _provider_usages(deployment)
    assert usages, "no resource provider in Placement"
    for provider, used in usages.items():
        assert all(value == 0 for value in used.values()), (provider, used)



# --- the pages' commands ------------------------------------------------------

QUICKSTART_PAGE = REPO_ROOT / "doc" / "source" / "quickstart.rst"
#: The pages whose shell blocks a user types against the quickstart's cloud,
#: in the order they run (the quickstart page ends by deleting the server).
DOC_PAGES = (REPO_ROOT / "README.rst", QUICKSTART_PAGE)

#: Command lines of those pages that are not handed to bash here, by the
#: start of the line, and where they are run instead.
RUN_ELSEWHERE = {
    "sudo tools/quickstart.sh": "this test, with the deployment's private environment",
    "tools/quickstart.sh stop": "the module fixture's teardown (the cloud is shared)",
    "tools/quickstart.sh": "this test, with the deployment's private environment",
    "tools/run-tests.sh": "the command that runs this very test",
    "pip install": "tests/integration/test_packaging.py (into an empty virtualenv)",
    "nova-manage": "tests/functional/cmd and tests/integration/test_packaging.py",
    "nova-status": "tests/functional/cmd/test_status.py",
}


def _commands(block):
    """The command lines of a block: continuations joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", block.text)
    lines = (re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _run_elsewhere(command):
    return next((reason for start, reason in RUN_ELSEWHERE.items()
                 if command == start or command.startswith(start + " ")), None)


def _docs_clouds_yaml(deployment, path):
    """A clouds.yaml naming the deployment's cloud "quickstart", as the pages do."""
    clouds = yaml.safe_load(deployment.clouds_yaml.read_text())["clouds"]
    path.write_text(yaml.safe_dump({"clouds": {"quickstart": clouds["bootcli"]}}))
    return path


def _documented_cloud(deployment):
    """The clouds.yaml listing of quickstart.rst with this deployment's ports."""
    (listing,) = [b.text for b in literal_blocks(QUICKSTART_PAGE) if b.text.startswith("clouds:")]
    ports = {"8774": deployment.api_port, "9292": deployment.glance_port,
             "8778": deployment.placement_port}
    listing = re.sub(r":(8774|9292|8778)\b", lambda m: f":{ports[m.group(1)]}", listing)
    return yaml.safe_load(listing)["clouds"]["quickstart"]


def _wait_gone(deployment, name):
    deadline = time.monotonic() + DELETE_TIMEOUT
    while deployment.openstack("server", "show", name, check=False).returncode == 0:
        if time.monotonic() > deadline:
            pytest.fail(f"server {name} still exists {DELETE_TIMEOUT}s after delete\n"
                        f"{deployment.log_tails()}", pytrace=False)
        time.sleep(1)


# Two real guests boot here (the quickstart's own and the page's "second"),
# beside what the machine's other users run: more than the suite's 600 s
# may pass on a loaded 2-core machine.
@pytest.mark.timeout(1500)
def test_pages_commands_work_and_logs_carry_request_ids(deployment, tmp_path):
    # "sudo tools/quickstart.sh" again, now with the server: everything up
    # is kept, the server "quickstart" is booted and its console shown.
    result = deployment.quickstart(NOVA_QUICKSTART_SERVER="1")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-6000:]
    log_dir = deployment.state / "log"
    assert "Logs, one per daemon (a line about an API request carries its req-... id):" \
        in result.stdout
    for daemon in ("nova-conductor", "nova-scheduler", "nova-compute", "nova-api"):
        assert str(log_dir / f"{daemon}.log") in result.stdout
        assert (log_dir / f"{daemon}.log").is_file()
    # What the page shows of the state directory (while the server exists:
    # its console.log is there) and of clouds.yaml is what there is.
    (tree,) = [b.text for b in literal_blocks(QUICKSTART_PAGE)
               if b.text.startswith("/var/lib/nova-quickstart/")]
    for name in set(re.findall(r"[\w.-]+\.(?:conf|ini|log)\b", tree)) - {"venv-install.log"}:
        assert list(deployment.state.rglob(name)), f"{name} is not in {deployment.state}"
    cloud = yaml.safe_load(deployment.clouds_yaml.read_text())["clouds"]["bootcli"]
    assert cloud == _documented_cloud(deployment)

    env = dict(os.environ, PATH=f"{OSC_VENV / 'bin'}:{os.environ['PATH']}",
               OS_CLIENT_CONFIG_FILE=str(_docs_clouds_yaml(deployment, tmp_path / "c.yaml")))
    env.pop("OS_CLOUD", None)
    ran = []
    for page in DOC_PAGES:
        for block in command_blocks(page):
            script = [c for c in _commands(block) if _run_elsewhere(c) is None]
            if not script:
                continue
            result = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(script)],
                                    env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                                    capture_output=True,
                                    text=True, timeout=600, check=False)
            assert result.returncode == 0, (
                f"{page.name} line {block.line}:\n{block.text}\nexited {result.returncode}\n"
                f"{result.stderr[-4000:]}\n{deployment.log_tails()}")
            ran.extend(script)
    assert "openstack console log show quickstart" in ran
    assert any(c.startswith("openstack server create") for c in ran)
    _wait_gone(deployment, "second")
    _wait_gone(deployment, "quickstart")

    # One request id from the API's access line to the compute host's line
    # for the same server.
    api_log = (log_dir / "nova-api.log").read_text()
    compute_log = (log_dir / "nova-compute.log").read_text()
    creates = re.findall(r"\[\S+ (req-[0-9a-f-]+) admin admin [^]]*\] \S+ "
                         r'"POST /v2\.1/servers HTTP/1\.1" status: 202', api_log)
    assert len(creates) >= 2, api_log[-3000:]
    for request_id in creates[-2:]:
        lines = [line for line in compute_log.splitlines() if request_id in line]
        assert any(" is ACTIVE on " in line for line in lines), (request_id, lines)
