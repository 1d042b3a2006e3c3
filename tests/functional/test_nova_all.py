"""nova-all as a user runs it: one process, a config file, SIGTERM to stop.

The process is started with ``python -m nova.cmd.all`` (what the
``nova-all`` console script calls) on a temporary state_path, free loopback
ports for the API and the embedded Placement, and the test's fake Glance.
"""

import contextlib
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest
import requests

from tests.fixtures import images

START_TIMEOUT = 60

ADMIN = {"X-Auth-Token": "admin:admin"}
USER = {"X-Auth-Token": "demo:demo-project"}


def _free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NovaAll:
    """One nova-all process and where to reach it."""

    def __init__(self, tmp_path, glance_url, api_port=None, external_placement=None):
        self.state_path = tmp_path / "state"
        self.api_port = api_port or _free_port()
        self.placement_port = _free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.placement_url = f"http://127.0.0.1:{self.placement_port}"
        self.config = tmp_path / "nova-all.conf"
        self.config.write_text(f"""\
[DEFAULT]
state_path = {self.state_path}
host = laptop
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = {self.api_port}
report_interval = 1
periodic_fuzzy_delay = 0
graceful_shutdown_timeout = 20
[wsgi]
server_threads = 4
[glance]
endpoint_override = {glance_url}
[nova_all]
placement_listen_port = {self.placement_port}
""")
        if external_placement is not None:
            # Placement elsewhere (here: the test process's fixture).
            self.placement_url = external_placement
            with open(self.config, "a") as config:
                config.write(f"""\
embedded_placement = false
[placement]
auth_type = admin_token
endpoint = {external_placement}
token = admin
""")
        self.log = tmp_path / "nova-all.log"
        self.process = None

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "nova.cmd.all", "--config-file", str(self.config)],
                stdout=log, stderr=subprocess.STDOUT)

    def log_text(self):
        return self.log.read_text(errors="replace")

    def wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nova-all exited with {self.process.returncode}:\n"
                            f"{self.log_text()[-4000:]}")
            try:
                resp = requests.get(self.api_url + "/", timeout=2)
            except requests.ConnectionError:
                time.sleep(0.2)
                continue
            return resp
        pytest.fail(f"nova-all did not answer in {START_TIMEOUT} s:\n{self.log_text()[-4000:]}")

    def terminate(self, timeout=30):
        """SIGTERM and return the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"nova-all ignored SIGTERM:\n{self.log_text()[-4000:]}")

    def query(self, database, sql):
        with contextlib.closing(sqlite3.connect(self.state_path / database)) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture
def nova_all(tmp_path, fake_glance):
    process = NovaAll(tmp_path, fake_glance.url)
    yield process
    if process.process is not None and process.process.poll() is None:
        process.process.kill()
        process.process.wait()


def _services(nova_all):
    return {binary: count for binary, count in nova_all.query(
        "nova.sqlite", "SELECT `binary`, report_count FROM services "
                       "WHERE host = 'laptop' AND deleted = 0")}


def _wait_for_status(api, server_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        resp = requests.get(f"{api}/v2.1/servers/{server_id}", headers=ADMIN, timeout=5)
        current = resp.json()["server"]["status"] if resp.status_code == 200 else resp.status_code
        if current == status:
            return
        assert time.monotonic() < deadline, f"server {server_id} stuck in {current}"
        time.sleep(0.2)


def _boot_and_delete(nova_all):
    api = nova_all.api_url
    flavor = requests.post(f"{api}/v2.1/flavors", headers=ADMIN, timeout=10, json={
        "flavor": {"name": "tiny", "ram": 128, "vcpus": 1, "disk": 1, "id": "42"}})
    assert flavor.status_code == 200, flavor.text
    created = requests.post(f"{api}/v2.1/servers", headers=USER, timeout=10, json={
        "server": {"name": "laptop-vm", "imageRef": images.IMAGE_ID, "flavorRef": "42"}})
    assert created.status_code == 202, created.text
    server_id = created.json()["server"]["id"]
    _wait_for_status(api, server_id, "ACTIVE")
    assert requests.delete(f"{api}/v2.1/servers/{server_id}", headers=USER,
                           timeout=10).status_code == 204
    _wait_for_status(api, server_id, 404)
    allocations = requests.get(f"{nova_all.placement_url}/allocations/{server_id}",
                               headers={"X-Auth-Token": "admin"}, timeout=5)
    assert allocations.json()["allocations"] == {}


def test_nova_all_serves_everything_stops_on_sigterm_and_restarts(nova_all):
    nova_all.start()
    resp = nova_all.wait_until_up()
    assert resp.status_code == 200
    assert resp.json()["versions"][0]["id"] == "v2.1"

    # The embedded Placement answers on its own port, as the admin.
    placement = requests.get(nova_all.placement_url + "/resource_providers",
                             headers={"X-Auth-Token": "admin"}, timeout=5)
    assert placement.status_code == 200

    # The databases were created under state_path and the cells mapped.
    assert {p.name for p in nova_all.state_path.iterdir()} >= {
        "nova_api.sqlite", "nova.sqlite", "nova_cell0.sqlite", "placement.sqlite"}
    cells = dict(nova_all.query("nova_api.sqlite",
                                "SELECT name, transport_url FROM cell_mappings"))
    assert cells == {"cell0": "none:///", "cell1": "fake:/"}
    assert nova_all.query("nova_api.sqlite", "SELECT host FROM host_mappings") == [
        ("laptop",)]

    # The admin sees the three services up through the API.
    listed = requests.get(nova_all.api_url + "/v2.1/os-services", headers=ADMIN,
                          timeout=5)
    assert listed.status_code == 200, listed.text
    assert {(s["binary"], s["host"], s["state"], s["status"])
            for s in listed.json()["services"]} == {
        ("nova-conductor", "laptop", "up", "enabled"),
        ("nova-scheduler", "laptop", "up", "enabled"),
        ("nova-compute", "laptop", "up", "enabled")}

    # The three services heartbeat.
    first = _services(nova_all)
    assert set(first) == {"nova-conductor", "nova-scheduler", "nova-compute"}
    deadline = time.monotonic() + 10
    while _services(nova_all)["nova-compute"] < first["nova-compute"] + 2:
        assert time.monotonic() < deadline, "no nova-compute heartbeat"
        time.sleep(0.2)

    # SIGHUP re-reads the configuration; the process carries on serving.
    nova_all.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "SIGHUP: re-reading configuration files" not in nova_all.log_text():
        assert time.monotonic() < deadline, "SIGHUP was not handled"
        time.sleep(0.1)
    assert requests.get(nova_all.api_url + "/", timeout=5).status_code == 200

    # A server boots on the fake driver with an image of the fake Glance,
    # and its delete gives everything back.
    _boot_and_delete(nova_all)

    assert nova_all.terminate() == 0
    log = nova_all.log_text()
    assert "Signal SIGTERM received" in log
    for binary in ("nova-compute", "nova-scheduler", "nova-conductor"):
        assert f"Stopping {binary} on laptop" in log
    with pytest.raises(requests.ConnectionError):
        requests.get(nova_all.api_url + "/", timeout=2)

    # Started again on the same state_path, it finds everything in place
    # and creates nothing twice.
    nova_all.start()
    assert nova_all.wait_until_up().status_code == 200
    assert nova_all.terminate() == 0
    assert sorted(nova_all.query("nova_api.sqlite", "SELECT name FROM cell_mappings")) == [
        ("cell0",), ("cell1",)]
    assert len(nova_all.query("nova.sqlite", "SELECT id FROM services")) == 3
    assert nova_all.query("nova_api.sqlite", "SELECT host FROM host_mappings") == [
        ("laptop",)]


def test_nova_all_exits_1_when_the_api_port_is_taken(tmp_path, fake_glance):
    with contextlib.closing(socket.socket()) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        process = NovaAll(tmp_path, fake_glance.url, api_port=busy.getsockname()[1])
        process.start()
        try:
            status = process.process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.process.kill()
            process.process.wait()
            pytest.fail("nova-all kept running although its API port was taken")
    assert status == 1
    assert "nova-all failed to start" in process.log_text()


def test_nova_all_reports_to_an_external_placement_when_told(tmp_path, fake_glance,
                                                              placement_service):
    process = NovaAll(tmp_path, fake_glance.url, external_placement=placement_service.url)
    process.start()
    try:
        assert process.wait_until_up().status_code == 200
        providers = placement_service.adapter.get(
            "/resource_providers?name=laptop", microversion="1.14").json()
        assert [p["name"] for p in providers["resource_providers"]] == ["laptop"]
        assert not (process.state_path / "placement.sqlite").exists()
        assert process.terminate() == 0
    finally:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()
