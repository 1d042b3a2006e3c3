"""The systemd units in etc/systemd/, checked with ``systemd-analyze verify``.

This machine runs no systemd; ``systemd-analyze verify`` needs none (see
systemd_units.py). The units are pointed at this virtualenv's console
scripts, so a unit naming a binary that setup.cfg does not install fails.
"""

import configparser
import pathlib
import sys

import pytest

from tests.functional.packaging.systemd_units import INSTALL_BIN, copies_running_from, verify

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
UNIT_DIR = REPO_ROOT / "etc" / "systemd"
#: The daemons among setup.cfg's console scripts: each gets a unit.
DAEMONS = ("nova-api", "nova-api-metadata", "nova-conductor", "nova-scheduler",
           "nova-compute", "nova-novncproxy", "nova-serialproxy", "nova-spicehtml5proxy")
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
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNIT_DIR / f"{name}.service")
    return parser


def _copies(tmp_path, names):
    return copies_running_from([UNIT_DIR / f"{name}.service" for name in names],
                               pathlib.Path(sys.executable).parent, tmp_path)


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
    code, output = verify(_copies(tmp_path, DAEMONS))
    assert (code, output) == (0, "")


def test_verify_reports_a_broken_unit(tmp_path):
    # The check above can fail: a unit whose binary is missing or that has
    # a misspelt key is reported.
    (copy,) = _copies(tmp_path, ["nova-api"])
    copy.write_text(copy.read_text().replace("/nova-api ", "/nova-api-missing ")
                    .replace("Restart=", "Restrat="))
    code, output = verify([copy])
    assert code != 0
    assert "nova-api-missing" in output
    assert "Restrat" in output
