"""tools/services/placement.sh runs a real Placement daemon nova can use.

The daemon runs as its own process (nova's python, cheroot), configured the
way the quickstart configures it; nova's client reaches it through a config
file with the documented [placement] admin_token settings.
"""

import os
import pathlib
import socket
import subprocess
import sys
import uuid

import pytest
from oslo_config import cfg

from nova import context as nova_context
from nova.conf import placement as placement_conf
from nova.scheduler.client import report

REPO = pathlib.Path(__file__).resolve().parents[2]
PLACEMENT_SH = REPO / "tools" / "services" / "placement.sh"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(env, action, check=True):
    return subprocess.run(["bash", str(PLACEMENT_SH), action], env=env, timeout=120,
                          capture_output=True, text=True, check=check)


@pytest.fixture
def placement_daemon(tmp_path):
    port = _free_port()
    env = dict(os.environ, PLACEMENT_STATE_DIR=str(tmp_path / "placement"),
               PLACEMENT_PORT=str(port), NOVA_PYTHON=sys.executable)
    _run(env, "start")
    try:
        yield f"http://127.0.0.1:{port}", env
    finally:
        _run(env, "stop", check=False)


def _client_from_config_file(tmp_path, url):
    conf_file = tmp_path / "nova.conf"
    conf_file.write_text(
        "[placement]\n"
        "auth_type = admin_token\n"
        f"endpoint = {url}\n"
        "token = admin\n")
    conf = cfg.ConfigOpts()
    placement_conf.register_opts(conf)
    conf(["--config-file", str(conf_file)], project="nova", default_config_files=[])
    return report.SchedulerReportClient(report.get_placement_adapter(conf))


def test_daemon_serves_nova_and_keeps_data(placement_daemon, tmp_path):
    url, env = placement_daemon
    ctx = nova_context.get_admin_context()
    client = _client_from_config_file(tmp_path, url)
    rp_uuid = str(uuid.uuid4())
    client.ensure_resource_provider(ctx, rp_uuid, "daemon-node")
    client.set_inventory_for_provider(ctx, rp_uuid, {"VCPU": {"total": 2}})

    assert "already running" in _run(env, "start").stdout
    assert _run(env, "status").returncode == 0

    # A restart keeps the SQLite database: the provider is still there.
    _run(env, "restart")
    assert client.get_provider_inventory(ctx, rp_uuid)[1]["VCPU"]["total"] == 2

    _run(env, "stop")
    status = _run(env, "status", check=False)
    assert status.returncode == 3
    assert not (pathlib.Path(env["PLACEMENT_STATE_DIR"]) / "placement.pid").exists()


def test_start_refuses_a_taken_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = dict(os.environ, PLACEMENT_STATE_DIR=str(tmp_path / "p"),
                   PLACEMENT_PORT=str(busy.getsockname()[1]), NOVA_PYTHON=sys.executable)
        result = _run(env, "start", check=False)
    assert result.returncode != 0
    assert "taken by another process" in result.stderr
