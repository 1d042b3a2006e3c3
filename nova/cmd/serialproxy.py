"""nova-serialproxy: the websocket proxy between clients and guests' serial ports.

Usage: ``nova-serialproxy --config-file /etc/nova/nova.conf``. Listens on
``[serial_console] serialproxy_host:serialproxy_port`` and relays each
accepted websocket, as raw bytes, to the guest's serial port (a TCP server
on the compute host). It serves no web client. See nova.cmd.consoleproxy
for what it needs and its exit status.
"""

from nova.cmd import consoleproxy
from nova.console import websocketproxy


def main(argv=None):
    """Serve serial console websockets until SIGTERM."""
    consoleproxy.main(websocketproxy.SERIAL, argv)


if __name__ == "__main__":
    main()
