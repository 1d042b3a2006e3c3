"""The systemd units in etc/systemd/, checked with ``systemd-analyze verify``.

``systemd-analyze verify`` loads unit files without a running systemd (this
machine has none): it reports unknown sections and keys, bad values and
``ExecStart`` commands that do not exist or are not executable. The units
run ``/opt/nova/bin/<binary>`` (doc/source/install.rst); the test points
them at this virtualenv's console scripts instead, so a unit naming a
binary that setup.cfg does not install fails.
"""

import configparser
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
UNIT_DIR = REPO_ROOT / "etc" / "systemd"
#: Where install.rst puts the virtualenv the units run from.
INSTALL_BIN = "/opt/nova/bin"
#: The daemons among setup.cfg's console scripts: each gets a unit.
DAEMONS = ("nova-api", "nova-api-metadata", "nova-conductor", "nova-scheduler",
           "nova-compute", "nova-novncproxy")
#: Console scripts that are not daemons (or, nova-all, not for systemd).
NOT_DAEMONS = ("nova-manage", "nova-status", "nova-all")


def _setup_cfg():
    parser = configparser.ConfigParser()
    parser.read(REPO_ROOT / "setup.cfg")
    return parser


def _console_scripts():
    lines = _setup_cfg()["options.entry_points"]["console_scripts"].strip().splitlines()
    return {line.split("=")[0].strip() for line in lines}


def _unit(name):
    """Return the unit's [Service] section as {key: value} (last value wins)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT_DIR / f"{name}.service")
    return parser


def _verify(paths):
    """Run systemd-analyze verify on ``paths``; return (exit code, output)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: run tools/install-system-packages.sh "
                    "(it installs the systemd package)")
    result = subprocess.run([analyze, "verify", *map(str, paths)], capture_output=True,
                            text=True, timeout=120, check=False)
    return result.returncode, (result.stdout + result.stderr).strip()


def _copies_using_this_venv(tmp_path, names):
    """Copy the units into tmp_path with ExecStart in this venv; return the paths."""
    venv_bin = pathlib.Path(sys.executable).parent
    copies = []
    for name in names:
        text = (UNIT_DIR / f"{name}.service").read_text()
        assert INSTALL_BIN + "/" in text, f"{name}.service does not run {INSTALL_BIN}/..."
        copy = tmp_path / f"{name}.service"
        copy.write_text(text.replace(INSTALL_BIN + "/", f"{venv_bin}/"))
        copies.append(copy)
    return copies


def test_every_daemon_has_a_unit_and_setup_cfg_installs_them():
    assert _console_scripts() == set(DAEMONS) | set(NOT_DAEMONS)
    assert {p.stem for p in UNIT_DIR.glob("*.service")} == set(DAEMONS)
    installed = _setup_cfg()["options.data_files"]["share/nova/systemd"].split()
    assert sorted(installed) == sorted(f"etc/systemd/{d}.service" for d in DAEMONS)


@pytest.mark.parametrize("name", DAEMONS)
def test_unit_runs_its_own_binary_with_the_documented_config(name):
    service = _unit(name)["Service"]
    command = service["ExecStart"].split()
    assert command[0] == f"{INSTALL_BIN}/{name}"
    config = command[command.index("--config-file") + 1]
    if name == "nova-compute":
        # nova-compute refuses to start with database credentials, which
        # the controller's nova.conf holds.
        assert config == "/etc/nova/nova-compute.conf"
        assert "User" not in service
    else:
        assert config == "/etc/nova/nova.conf"
        assert (service["User"], service["Group"]) == ("nova", "nova")
    assert service["Type"] == "exec"
    assert _unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_units_verify_cleanly(tmp_path):
    code, output = _verify(_copies_using_this_venv(tmp_path, DAEMONS))
    assert (code, output) == (0, "")


def test_verify_reports_a_broken_unit(tmp_path):
    # The check above can fail: a unit whose binary is missing or that has
    # a misspelt key is reported.
    (copy,) = _copies_using_this_venv(tmp_path, ["nova-api"])
    copy.write_text(copy.read_text().replace("/nova-api ", "/nova-api-missing ")
                    .replace("Restart=", "Restrat="))
    code, output = _verify([copy])
    assert code != 0
    assert "nova-api-missing" in output
    assert "Restrat" in output
