"""TCP ports for guests' serial consoles, picked from [serial_console] port_range.

nova-compute gives each guest it defines with ``[serial_console] enabled``
one port on ``[serial_console] proxyclient_address``; QEMU then listens
there and nova-serialproxy connects to it. A port is handed out only when
this process has not handed it out already and nothing is bound to it, and
is given back when the guest is destroyed. The search starts at a random
place in the range so that several nova-compute processes on one machine
(tests, the multi-host layout) rarely race for the same port.
"""

import random
import socket
import threading

from oslo_log import log as logging

from nova import conf as nova_conf
from nova import exception

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

_LOCK = threading.Lock()
#: (host, port) pairs handed out by this process and not yet released.
_ALLOCATED = set()


def parse_port_range(port_range):
    """Return (low, high) of an inclusive "MIN:MAX" range.

    :raises SocketPortInvalidException: not two integers, or not
        1 <= MIN < MAX <= 65535.
    """
    try:
        low, high = (int(part) for part in port_range.split(":"))
    except ValueError:
        raise exception.SocketPortInvalidException(
            port_range=port_range, error="expected MIN:MAX") from None
    if not 1 <= low < high <= 65535:
        raise exception.SocketPortInvalidException(
            port_range=port_range, error="need 1 <= MIN < MAX <= 65535")
    return low, high


def _bindable(host, port):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def acquire_port(host):
    """Return a free port (int) of [serial_console] port_range on ``host``.

    :param host: the address the guest's serial port will listen on.
    :raises SocketPortRangeExhaustedException: every port of the range is
        taken.
    :raises SocketPortInvalidException: the range is malformed.
    """
    low, high = parse_port_range(CONF.serial_console.port_range)
    count = high - low + 1
    start = random.randrange(count)
    with _LOCK:
        for offset in range(count):
            port = low + (start + offset) % count
            if (host, port) in _ALLOCATED or not _bindable(host, port):
                continue
            _ALLOCATED.add((host, port))
            return port
    raise exception.SocketPortRangeExhaustedException(host=host)


def reserve_port(host, port):
    """Record ``port`` on ``host`` as in use (a guest defined before a restart)."""
    with _LOCK:
        _ALLOCATED.add((host, int(port)))


def release_port(host, port):
    """Give ``port`` on ``host`` back; releasing a port not held is a no-op."""
    with _LOCK:
        _ALLOCATED.discard((host, int(port)))
