"""Boot a real guest through the real ``openstack`` CLI, end to end.

The deployment is a private copy of the quickstart (tools/quickstart.sh with
``--no-server``): nova-conductor, nova-scheduler, nova-compute and nova-api as
separate processes on RabbitMQ (own vhost) and MariaDB or, on demand
(``NOVA_INTEGRATION_DATABASES=all``), PostgreSQL (own
databases), Placement and Glance daemons, libvirt with QEMU (TCG), the test
guest uploaded as kernel + ramdisk + disk images. Everything carries a random
suffix and free ports, so it runs beside the quickstart itself and beside
other test runs; the fixture removes it all again (processes, databases,
vhost, libvirt domains, state directory).

The story: ``openstack server create`` -> ACTIVE -> ``openstack console log
show`` shows the guest's marker -> ``openstack server delete`` removes the
libvirt domain, the instance directory and the Placement allocation. The
last test runs what doc/source/quickstart.rst and README.rst tell a user to
type against the MariaDB cloud, and follows one request id through the logs.
"""

import os
import re
import secrets
import subprocess
import time

import pytest
import yaml

from tests.integration.rst_blocks import command_blocks, literal_blocks

from .quickstart import (
    ACTIVE_TIMEOUT,
    DELETE_TIMEOUT,
    FLAVOR,
    IMAGE,
    OSC_VENV,
    REPO_ROOT,
    deploy,
    domain_exists,
    nic_args,
    wait_for_console_marker,
    wait_for_status,
    wait_until_deleted,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit]


@pytest.fixture(scope="module", params=[
    pytest.param("mysql", marks=pytest.mark.mysql),
    pytest.param("postgresql", marks=pytest.mark.postgresql),
])
def deployment(request, libvirt_host):
    """A running private quickstart on the parametrized database backend."""
    yield from deploy(request.param, "bootcli")


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
        *nic_args(deployment), name)
    server_id = created["id"]
    try:
        server = wait_for_status(deployment, server_id, "ACTIVE", ACTIVE_TIMEOUT)
        assert server["name"] == name
        assert server["OS-EXT-SRV-ATTR:host"] == deployment.host

        listed = {s["ID"]: s for s in deployment.openstack_json("server", "list")}
        assert listed[server_id]["Status"] == "ACTIVE"
        assert listed[server_id]["Name"] == name

        console = wait_for_console_marker(deployment, server_id)
        assert "NOVA-GUEST-CMDLINE: console=ttyS0" in console

        # What the boot left behind, checked again after the delete.
        assert domain_exists(server_id)
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
    wait_until_deleted(deployment, server_id)

    assert server_id not in {s["ID"] for s in deployment.openstack_json("server", "list")}
    assert not domain_exists(server_id)
    assert not instance_dir.exists()
    assert deployment.placement(f"/allocations/{server_id}")["allocations"] == {}
    usages = _provider_usages(deployment)
    assert usages, "no resource provider in Placement"
    for provider, used in usages.items():
        assert all(value == 0 for value in used.values()), (provider, used)


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
# may pass on a loaded 2-core machine. Once, on the MariaDB cloud.
@pytest.mark.timeout(1500)
@pytest.mark.mysql
@pytest.mark.parametrize("deployment", ["mysql"], indirect=True)
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
