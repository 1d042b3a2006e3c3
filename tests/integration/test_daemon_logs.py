"""Every daemon's log: a file of its own, ``--debug``, request ids.

Each daemon binary runs as a process of its own with ``--debug`` and
``[DEFAULT] log_dir`` (what doc/source/install.rst configures): it must
write ``<log_dir>/<binary>.log``, start that log with its configuration at
DEBUG level (secrets masked), and stop with exit 0 on SIGTERM. Messaging
is oslo.messaging's in-process ``fake://`` driver and the databases are
SQLite, so nothing outside the test is touched; nova-compute therefore
waits for a conductor it cannot reach, which is enough to see its log.
nova-api's access log lines carry the request id the API answered with.
"""

import json
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

BIN = pathlib.Path(sys.executable).parent
#: Each daemon binary and the log text that says it is up (its signal
#: handlers installed, so SIGTERM stops it cleanly).
DAEMONS = {
    "nova-api": "nova-api listening on",
    "nova-api-metadata": "nova-api-metadata listening on",
    "nova-conductor": "is serving topic conductor",
    "nova-scheduler": "is serving topic scheduler",
    # No conductor answers on fake:// from another process.
    "nova-compute": "nova-conductor did not answer",
    "nova-novncproxy": "nova-novncproxy serving",
    "nova-all": "Control plane up",
}
START_TIMEOUT = 90
SECRET = "s3cret-in-the-url"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_conf(path, sections):
    path.write_text("".join(
        f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
        for name, values in sections.items()))
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Config files for every daemon and synced SQLite databases."""
    root = tmp_path_factory.mktemp("daemon-logs")
    web = root / "web"
    web.mkdir()
    ports = {name: _free_port() for name in ("api", "metadata", "vnc", "all_api", "all_pl")}
    common = {"transport_url": "fake://", "state_path": root / "state",
              "compute_driver": "fake.FakeDriver"}
    databases = {
        "api_database": {"connection": f"sqlite:///{root}/nova_api.sqlite"},
        "database": {"connection": f"sqlite:///{root}/nova.sqlite"},
    }
    controller = _write_conf(root / "nova.conf", {
        "DEFAULT": {**common, "osapi_compute_listen": "127.0.0.1",
                    "osapi_compute_listen_port": ports["api"], "osapi_compute_workers": 1,
                    "metadata_listen": "127.0.0.1", "metadata_listen_port": ports["metadata"],
                    "metadata_workers": 1, "web": web},
        "api": {"auth_strategy": "noauth2"},
        "conductor": {"workers": 1},
        "scheduler": {"workers": 1},
        "vnc": {"novncproxy_host": "127.0.0.1", "novncproxy_port": ports["vnc"]},
        # A password that must never reach a log.
        "placement": {"auth_type": "password", "password": SECRET,
                      "auth_url": "http://127.0.0.1:9/"},
        **databases,
    })
    compute = _write_conf(root / "nova-compute.conf", {"DEFAULT": common})
    all_in_one = _write_conf(root / "nova-all.conf", {
        "DEFAULT": {**common, "osapi_compute_listen": "127.0.0.1",
                    "osapi_compute_listen_port": ports["all_api"],
                    "osapi_compute_workers": 1, "state_path": root / "all-state"},
        "nova_all": {"placement_listen_port": ports["all_pl"]},
    })
    for args in (("api_db", "sync"), ("db", "sync")):
        subprocess.run([BIN / "nova-manage", "--config-file", controller, *args], check=True,
                       capture_output=True, timeout=120)
    return {"root": root, "ports": ports, "nova-compute": compute, "nova-all": all_in_one,
            "default": controller}


def _start(setup, binary, *extra):
    # A directory per run (logs are appended to); oslo.log does not create
    # log_dir (install.rst does, as packages do).
    log_dir = setup["root"] / f"log-{binary}-{time.monotonic_ns()}"
    log_dir.mkdir()
    conf = setup.get(binary, setup["default"])
    console = open(setup["root"] / f"{binary}.console", "w")  # noqa: SIM115
    proc = subprocess.Popen([BIN / binary, "--config-file", conf, "--log-dir", log_dir, *extra],
                            stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT)
    console.close()
    return proc, log_dir / f"{binary}.log"


def _wait_for(predicate, proc, what, log):
    deadline = time.monotonic() + START_TIMEOUT
    while not predicate():
        if proc.poll() is not None or time.monotonic() > deadline:
            text = log.read_text() if log.exists() else "(no log file)"
            pytest.fail(f"{what}; exit {proc.poll()}\n{text[-4000:]}", pytrace=False)
        time.sleep(0.3)


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=120)


@pytest.mark.parametrize("binary", sorted(DAEMONS))
def test_debug_log_file_of_each_daemon(setup, binary):
    proc, log = _start(setup, binary, "--debug")
    try:
        _wait_for(lambda: log.exists() and DAEMONS[binary] in log.read_text(), proc,
                  f"{binary} did not start", log)
    finally:
        code = _stop(proc)
    text = log.read_text()
    assert code == 0, text[-4000:]
    # The configuration heads the log at DEBUG, secrets masked.
    assert " DEBUG nova.config [-] log_options " in text
    assert SECRET not in text


def test_without_debug_there_is_no_debug_line(setup):
    proc, log = _start(setup, "nova-conductor")
    try:
        _wait_for(lambda: log.exists() and DAEMONS["nova-conductor"] in log.read_text(),
                  proc, "nova-conductor did not start", log)
    finally:
        assert _stop(proc) == 0
    assert " DEBUG " not in log.read_text()


def test_api_log_lines_carry_the_request_id(setup):
    proc, log = _start(setup, "nova-api")
    url = f"http://127.0.0.1:{setup['ports']['api']}/v2.1/flavors"
    try:
        def answered():
            try:
                request = urllib.request.Request(url, headers={"X-Auth-Token": "admin:admin"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    answered.request_id = response.headers["x-openstack-request-id"]
                    answered.body = json.load(response)
                return True
            except OSError:
                return False
        _wait_for(answered, proc, "nova-api did not answer", log)
        request_id = answered.request_id
        assert request_id.startswith("req-") and answered.body == {"flavors": []}
        _wait_for(lambda: request_id in log.read_text(), proc,
                  f"{request_id} not in nova-api's log", log)
    finally:
        assert _stop(proc) == 0
    (line,) = [line for line in log.read_text().splitlines() if request_id in line]
    # oslo.log's context format: [global_request_id request_id user project ...]
    assert f"[None {request_id} admin admin " in line
    assert '"GET /v2.1/flavors HTTP/1.1" status: 200' in line
