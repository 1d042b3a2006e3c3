"""Fixtures for the integration tier: real services in separate processes.

* ``libvirt_host``: makes this machine a libvirt/QEMU host (installs the
  Debian packages and starts virtlogd/libvirtd, see tools/) and returns the
  URI to connect to, ``"qemu:///system"``. Session-scoped.
* ``guest_image``: builds the test guest (tools/build-guest-image.sh) into a
  fresh directory the QEMU process can read and returns a ``GuestImage``;
  removed at the end of the session. Boot it with ``console=ttyS0`` and wait
  for ``GuestImage.marker`` on its serial log; see doc/source/guest-image.rst.

* ``two_host_cloud``: a private quickstart (``--hosts 2``) on MariaDB whose
  two compute hosts each run in namespaces of their own with their own
  libvirtd and nova-compute (tools/hosts.sh); returns the
  ``tests.integration.quickstart.QuickstartDeployment``. Module-scoped: one
  cloud per test module; removed afterwards, and its teardown fails if a
  namespace, mount or process of the hosts is left. See
  doc/source/multihost.rst.

Guests defined in tests must use domain type ``qemu`` (TCG): KVM guests hang
on these machines even where /dev/kvm exists.
"""

import collections
import pathlib
import secrets
import shutil
import subprocess

import pytest

from .quickstart import deploy

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOLS = REPO_ROOT / "tools"

# Under /var/lib, not /tmp or the work tree: every parent directory must be
# traversable by the QEMU process.
GUEST_IMAGE_ROOT = pathlib.Path("/var/lib/nova-test-images")

# The line the guest prints on ttyS0 once booted (tools/build-guest-image.sh).
GUEST_MARKER = "NOVA-GUEST-BOOTED"

GuestImage = collections.namedtuple(
    "GuestImage",
    [
        "directory",
        "kernel",
        "kernel_bzimage",
        "ramdisk",
        "disk",
        "disk_qcow2",
        "marker",
        "cmdline",
    ],
)
GuestImage.__doc__ = """The built test guest; paths are ``pathlib.Path``.

``kernel``/``ramdisk`` are for direct kernel boot with ``cmdline``:
``kernel`` is the uncompressed ELF (vmlinux, booted through PVH, seconds
faster under TCG), ``kernel_bzimage`` the same kernel as Debian ships it.
``disk`` (raw) and ``disk_qcow2`` also boot on their own from the BIOS.
"""


def run_tool(script, *args, timeout=600):
    """Run ``tools/<script>`` with bash and fail the test on a non-zero exit.

    :param script: file name under tools/, e.g. ``"start-libvirt.sh"``
    :param args: extra command-line arguments (str)
    :param timeout: seconds before the script is killed
    :returns: the ``subprocess.CompletedProcess`` (stdout/stderr as text)
    """
    result = subprocess.run(
        ["bash", str(TOOLS / script), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"tools/{script} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def libvirt_host():
    """Install and start libvirt with QEMU; return the URI ``qemu:///system``."""
    run_tool("install-system-packages.sh")
    run_tool("start-libvirt.sh")
    return "qemu:///system"


@pytest.fixture(scope="session")
def guest_image(libvirt_host):
    """Build the test guest into a new directory; yield a ``GuestImage``."""
    GUEST_IMAGE_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    directory = GUEST_IMAGE_ROOT / f"test-{secrets.token_hex(6)}"
    try:
        run_tool("build-guest-image.sh", str(directory))
        yield GuestImage(
            directory=directory,
            kernel=directory / "vmlinux",
            kernel_bzimage=directory / "vmlinuz",
            ramdisk=directory / "initrd.img",
            disk=directory / "disk.img",
            disk_qcow2=directory / "disk.qcow2",
            marker=GUEST_MARKER,
            cmdline="console=ttyS0",
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def two_host_cloud(libvirt_host):
    """A private quickstart with two namespaced compute hosts; yields its deployment."""
    yield from deploy("mysql", "mh", hosts=2)
