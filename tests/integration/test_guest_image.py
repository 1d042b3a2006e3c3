"""The test guest boots under libvirt/QEMU (TCG) and reports on its serial port.

Runs the real tools: the session fixtures install the packages, start
libvirtd and build the image (tests/integration/conftest.py).
"""

import contextlib
import secrets
import time
from xml.sax.saxutils import escape, quoteattr

import libvirt
import pytest

pytestmark = pytest.mark.libvirt

# Generous against a loaded 2-core CI machine: a busy one shows the marker
# about 4 s after the domain starts (direct boot of vmlinux), 8-15 s from
# the BIOS (doc/source/guest-image.rst has the measurements).
BOOT_TIMEOUT = 90
SHUTDOWN_TIMEOUT = 30
MEMORY_MIB = 128


def domain_xml(name, serial_log, disk, disk_format, kernel=None, ramdisk=None, cmdline=None):
    """Return the XML of a transient TCG domain with ``disk`` as vda.

    With ``kernel`` given the domain boots that kernel directly (as Nova
    does for an image with kernel_id/ramdisk_id); otherwise the BIOS boots
    from the disk. Serial port 0 is written to the file ``serial_log``.
    """
    if kernel:
        boot = (
            f"<kernel>{escape(str(kernel))}</kernel>"
            f"<initrd>{escape(str(ramdisk))}</initrd>"
            f"<cmdline>{escape(cmdline)}</cmdline>"
        )
    else:
        boot = "<boot dev='hd'/>"
    return f"""
<domain type='qemu'>
  <name>{escape(name)}</name>
  <memory unit='MiB'>{MEMORY_MIB}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>{boot}</os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type={quoteattr(disk_format)}/>
      <source file={quoteattr(str(disk))}/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <serial type='file'>
      <source path={quoteattr(str(serial_log))}/>
      <target port='0'/>
    </serial>
    <!-- libvirt adds a USB controller by default; its PCI quirk costs
         the kernel about a second under TCG. -->
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>"""


@pytest.fixture
def conn(libvirt_host):
    # libvirt prints every error to stderr by default, including the
    # expected "domain not found" while waiting for a shutdown; errors still
    # arrive as libvirtError exceptions.
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    connection = libvirt.open(libvirt_host)
    yield connection
    connection.close()


@pytest.fixture
def serial_log(guest_image):
    path = guest_image.directory / f"serial-{secrets.token_hex(6)}.log"
    yield path
    path.unlink(missing_ok=True)


@contextlib.contextmanager
def transient_domain(conn, xml):
    """Start a transient domain from ``xml``; destroy it on exit if still there."""
    domain = conn.createXML(xml, 0)
    try:
        yield domain
    finally:
        with contextlib.suppress(libvirt.libvirtError):
            domain.destroy()


def wait_for_line(path, text, timeout):
    """Wait until ``text`` occurs in the file ``path``; return all its lines.

    :raises AssertionError: not seen within ``timeout`` seconds (the message
        holds the end of the log)
    """
    deadline = time.monotonic() + timeout
    content = ""
    while time.monotonic() < deadline:
        if path.exists():
            content = path.read_text(errors="replace")
            if text in content:
                return content.splitlines()
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not in {path} after {timeout}s; log ends:\n{content[-2000:]}")


def guest_fact(lines, key):
    """Return the value of the ``NOVA-GUEST-<key>: value`` line."""
    prefix = f"NOVA-GUEST-{key}: "
    for line in lines:
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise AssertionError(f"no {prefix!r} line in the serial log")


def wait_until_gone(conn, name, timeout):
    """Wait until the transient domain ``name`` no longer exists; True if so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn.lookupByName(name)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return True
            raise
        time.sleep(0.2)
    return False


def unique_name():
    return f"nova-test-guest-{secrets.token_hex(6)}"


def test_direct_kernel_boot_reports_then_powers_off_on_acpi_shutdown(conn, guest_image, serial_log):
    # One boot for both checks: a boot is the slow part of this tier.
    name = unique_name()
    xml = domain_xml(
        name,
        serial_log,
        guest_image.disk,
        "raw",
        kernel=guest_image.kernel,
        ramdisk=guest_image.ramdisk,
        cmdline=guest_image.cmdline,
    )
    started = time.monotonic()
    with transient_domain(conn, xml) as domain:
        lines = wait_for_line(serial_log, guest_image.marker, BOOT_TIMEOUT)
        print(f"marker {time.monotonic() - started:.1f}s after domain start")
        # Right after the marker, as Nova's stop may come: the ACPI power
        # button (libvirt's default shutdown mode) must not be lost.
        domain.shutdown()
        assert wait_until_gone(conn, name, SHUTDOWN_TIMEOUT), "guest ignored ACPI shutdown"

    assert guest_fact(lines, "CMDLINE") == "console=ttyS0"
    assert guest_fact(lines, "DISKS").split() == ["vda"]
    # The kernel keeps some of the 128 MiB for itself; what is left must
    # still be most of it, and never more.
    assert 64 * 1024 < int(guest_fact(lines, "MEMTOTAL-KB")) <= MEMORY_MIB * 1024
    assert "NOVA-GUEST-POWEROFF" in serial_log.read_text(errors="replace")


def test_qcow2_disk_boots_alone_from_the_bios(conn, guest_image, serial_log):
    xml = domain_xml(unique_name(), serial_log, guest_image.disk_qcow2, "qcow2")
    with transient_domain(conn, xml):
        lines = wait_for_line(serial_log, guest_image.marker, BOOT_TIMEOUT)

    # syslinux on the disk, not libvirt, chose the kernel.
    assert "BOOT_IMAGE=/vmlinuz" in guest_fact(lines, "CMDLINE").split()
    assert guest_fact(lines, "DISKS").split() == ["vda"]
