"""The installed console scripts, run as an operator would (one process each).

The other tests call ``main()`` in-process; these check the setup.cfg
entry points and a clean process end to end on SQLite, once.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.functional.cmd.cli import TRANSPORT_URL


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        pytest.fail(f"console script {path} is not installed (pip install -e .)")
    return path


def _run(name, conf, *args):
    result = subprocess.run([_script(name), "--config-file", str(conf), *args],
                            capture_output=True, text=True, timeout=120, check=False)
    return result.returncode, result.stdout


def test_nova_manage_and_nova_status_scripts(tmp_path):
    conf = tmp_path / "nova.conf"
    conf.write_text(
        f"[DEFAULT]\ntransport_url = {TRANSPORT_URL}\n"
        f"[database]\nconnection = sqlite:///{tmp_path}/nova.sqlite\n"
        f"[api_database]\nconnection = sqlite:///{tmp_path}/nova_api.sqlite\n"
        "[placement]\nauth_type = admin_token\nendpoint = http://127.0.0.1:9\ntoken = admin\n")

    for step in (("api_db", "sync"), ("cell_v2", "map_cell0")):
        code, out = _run("nova-manage", conf, *step)
        assert code == 0, (step, out)

    code, out = _run("nova-manage", conf, "cell_v2", "list_cells")
    assert code == 0
    assert f"sqlite:///{tmp_path}/nova.sqlite_cell0" in out

    code, out = _run("nova-status", conf, "upgrade", "check", "--json")
    checks = {c["check"]: (c["result"], c["details"]) for c in json.loads(out)["checks"]}
    assert checks["Cells v2"][0] == 2
    assert "at least two cell mappings" in checks["Cells v2"][1]
    assert checks["Placement API"][0] == 2
    assert code == 2


def test_debug_on_the_admin_tools(tmp_path):
    conf = tmp_path / "nova.conf"
    conf.write_text(
        f"[DEFAULT]\ntransport_url = {TRANSPORT_URL}\n"
        f"[database]\nconnection = sqlite:///{tmp_path}/nova.sqlite\n"
        f"[api_database]\nconnection = sqlite:///{tmp_path}/nova_api.sqlite\n")
    code, out = _run("nova-manage", conf, "--debug", "api_db", "sync")
    assert code == 0
    # What --debug adds: the configuration used (passwords hidden) and
    # alembic's progress.
    assert f" DEBUG nova.cmd.admin_setup [-] Configuration files ['{conf}']" in out
    assert "Running upgrade" in out
    code, out = _run("nova-status", conf, "--debug", "upgrade", "check")
    assert " DEBUG nova.cmd.admin_setup " in out
