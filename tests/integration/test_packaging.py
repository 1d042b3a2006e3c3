"""nova as a user installs it: a wheel in an empty virtualenv, then ``pip install -e``.

The module builds a wheel of this checkout, installs it into a new,
empty virtualenv with pip (dependencies from the index, through pip's
cache) and runs what it installed from outside the source tree: every
console script of setup.cfg, nova-manage against SQLite files, nova-api
serving the API with the paste file the wheel installed, and the systemd
units it installed, verified against its own console scripts. The last
test replaces the wheel by an editable install of the checkout.

The tests share the virtualenv and run in file order (about two minutes,
most of it pip installing the dependencies).
"""

import configparser
import contextlib
import json
import os
import pathlib
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from nova.db import migration
from tests.functional.packaging.systemd_units import copies_running_from, verify

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PIP_TIMEOUT = 900


def _setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(REPO_ROOT / "setup.cfg")
    return parser


CONSOLE_SCRIPTS = sorted(
    line.split("=")[0].strip()
    for line in _setup_cfg()["options.entry_points"]["console_scripts"].strip().splitlines())


def _requirements():
    """requirements.txt's requirement lines, normalised like pip's metadata."""
    lines = (line.split("#")[0].strip() for line in
             (REPO_ROOT / "requirements.txt").read_text().splitlines())
    return sorted(line.replace(" ", "") for line in lines if line)


def _env():
    # Nothing may leak in from the development venv or the checkout.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(args, cwd, timeout=120, check=True):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {result.returncode}\n"
                    f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}",
                    pytrace=False)
    return result


class Venv:
    """A virtualenv at ``path``; commands run in ``workdir`` (outside the checkout)."""

    def __init__(self, path, workdir):
        self.path = path
        self.bin = path / "bin"
        self.workdir = workdir

    def run(self, name, *args, timeout=120, check=True):
        """Run bin/<name> with ``args``; return the CompletedProcess."""
        return _run([self.bin / name, *args], self.workdir, timeout=timeout, check=check)

    def python(self, code):
        """Run ``code`` with the venv's python; return its stdout."""
        return self.run("python", "-c", code).stdout

    def requires(self):
        """The installed nova's Requires-Dist, sorted (list of str)."""
        out = self.python("import importlib.metadata as m; print('\\n'.join(m.requires('nova')))")
        return sorted(line.replace(" ", "") for line in out.splitlines())


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """An empty virtualenv into which a wheel of this checkout was pip-installed."""
    root = tmp_path_factory.mktemp("packaging")
    wheels = root / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, REPO_ROOT],
         root, timeout=PIP_TIMEOUT)
    (wheel,) = wheels.glob("nova-*.whl")
    env = Venv(root / "venv", root / "work")
    env.workdir.mkdir()
    _run([sys.executable, "-m", "venv", env.path], root)
    assert env.run("pip", "list", "--format=json").stdout.count('"name"') <= 2  # pip (+setuptools)
    env.run("pip", "install", "-q", wheel, timeout=PIP_TIMEOUT)
    return env


def test_wheel_declares_requirements_txt(venv):
    assert venv.requires() == _requirements()
    venv.run("pip", "check")


@pytest.mark.parametrize("script", CONSOLE_SCRIPTS)
def test_console_script_answers_version_and_help(venv, script):
    result = venv.run(script, "--version")
    assert result.stdout.strip() == _setup_cfg()["metadata"]["version"]
    result = venv.run(script, "--help")
    assert result.stdout.startswith(f"usage: {script} ")
    assert "--config-file" in result.stdout and "--debug" in result.stdout


def sqlite_revision(path):
    """The alembic revision recorded in the SQLite database at ``path``."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def _write_conf(venv, tmp_path, **extra):
    conf = tmp_path / "nova.conf"
    sections = {
        "DEFAULT": {"transport_url": "fake://"},
        "api_database": {"connection": f"sqlite:///{tmp_path}/nova_api.sqlite"},
        "database": {"connection": f"sqlite:///{tmp_path}/nova.sqlite"},
    }
    for section, values in extra.items():
        sections.setdefault(section, {}).update(values)
    conf.write_text("".join(
        f"[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
        for name, values in sections.items()))
    return conf


def test_nova_manage_sets_up_sqlite_databases(venv, tmp_path):
    conf = _write_conf(venv, tmp_path)
    manage = lambda *args: venv.run("nova-manage", "--config-file", conf, *args)  # noqa: E731
    manage("api_db", "sync")
    manage("cell_v2", "map_cell0")
    manage("cell_v2", "create_cell", "--name", "cell1")
    manage("db", "sync")
    assert (tmp_path / "nova.sqlite_cell0").exists()
    cells = manage("cell_v2", "list_cells").stdout
    assert " cell0 " in cells and " cell1 " in cells

    status = venv.run("nova-status", "--config-file", conf, "upgrade", "check", "--json",
                      check=False)
    checks = {c["check"]: c["result"] for c in json.loads(status.stdout)["checks"]}
    assert checks["Cells v2"] == 0
    # Every database at the newest revision this code knows.
    assert checks["Database schemas"] == 0


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_nova_api_serves_with_the_installed_paste_file(venv, tmp_path):
    # [wsgi] api_paste_config keeps its default, the bare name api-paste.ini:
    # neither the config directory nor a source tree has it, only the
    # wheel's <prefix>/etc/nova.
    assert (venv.path / "etc" / "nova" / "api-paste.ini").is_file()
    port = _free_port()
    conf = _write_conf(venv, tmp_path, DEFAULT={
        "osapi_compute_listen": "127.0.0.1", "osapi_compute_listen_port": port,
        "osapi_compute_workers": 1})
    venv.run("nova-manage", "--config-file", conf, "api_db", "sync")
    log = tmp_path / "nova-api.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([venv.bin / "nova-api", "--config-file", conf],
                                cwd=venv.workdir, env=_env(), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as resp:
                    versions = json.load(resp)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nova-api did not answer:\n{log.read_text()[-4000:]}",
                                pytrace=False)
                time.sleep(0.3)
        assert [v["id"] for v in versions["versions"]] == ["v2.1"]
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=90)
    assert code == 0, log.read_text()[-4000:]


def test_installed_systemd_units_verify_against_installed_scripts(venv, tmp_path):
    units = sorted((venv.path / "share" / "nova" / "systemd").glob("*.service"))
    assert sorted(u.stem for u in units) == sorted(
        s for s in CONSOLE_SCRIPTS if s not in ("nova-manage", "nova-status", "nova-all"))
    assert verify(copies_running_from(units, venv.bin, tmp_path)) == (0, "")


def test_editable_install_declares_the_same_dependencies(venv, tmp_path):
    # Runs last: swaps the wheel for `pip install -e` of the checkout.
    venv.run("pip", "uninstall", "-q", "-y", "nova")
    venv.run("pip", "install", "-q", "-e", REPO_ROOT, timeout=PIP_TIMEOUT)
    assert venv.requires() == _requirements()
    venv.run("pip", "check")
    location = venv.python("import nova; print(nova.__file__)").strip()
    assert pathlib.Path(location) == REPO_ROOT / "nova" / "__init__.py"
    conf = _write_conf(venv, tmp_path)
    venv.run("nova-manage", "--config-file", conf, "api_db", "sync")
    assert sqlite_revision(tmp_path / "nova_api.sqlite") == migration.head_revision("api")
