"""Checking systemd unit files offline with ``systemd-analyze verify``.

``systemd-analyze verify`` loads unit files without a running systemd: it
reports unknown sections and keys, bad values and ``ExecStart`` commands
that do not exist or are not executable. The shipped units run
``/opt/nova/bin/<binary>`` (doc/source/install.rst); ``copies_running_from``
points copies of them at another bin directory (a test's virtualenv), so
the check also proves that the binaries they name are installed there.
"""

import pathlib
import shutil
import subprocess

import pytest

#: Where install.rst puts the virtualenv the units run from.
INSTALL_BIN = "/opt/nova/bin"


def copies_running_from(units, bin_dir, tmp_path):
    """Copy unit files into ``tmp_path`` with /opt/nova/bin replaced by ``bin_dir``.

    :param units: paths (pathlib.Path) of *.service files.
    :param bin_dir: the directory holding the console scripts (str or Path).
    :returns: the copies' paths (list of pathlib.Path), same order.
    """
    copies = []
    for unit in units:
        text = pathlib.Path(unit).read_text()
        assert INSTALL_BIN + "/" in text, f"{unit} does not run {INSTALL_BIN}/..."
        copy = tmp_path / pathlib.Path(unit).name
        copy.write_text(text.replace(INSTALL_BIN + "/", f"{bin_dir}/"))
        copies.append(copy)
    return copies


def verify(units):
    """Run ``systemd-analyze verify`` on unit files; return (exit code, output).

    Output is stdout and stderr together, stripped: empty for clean units
    (verify exits 0 even after warnings such as an unknown key).
    """
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: run tools/install-system-packages.sh "
                    "(it installs the systemd package)")
    result = subprocess.run([analyze, "verify", *map(str, units)], capture_output=True,
                            text=True, timeout=120, check=False)
    return result.returncode, (result.stdout + result.stderr).strip()
