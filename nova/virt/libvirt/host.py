"""One libvirt connection per nova-compute, reopened when libvirtd restarts."""

import logging
import threading

import libvirt

from nova import exception

LOG = logging.getLogger(__name__)

#: libvirt domain states -> nova power_state names are mapped in driver.py;
#: the URI for each virt_type when [libvirt] connection_uri is empty.
DEFAULT_URIS = {
    "qemu": "qemu:///system",
    "kvm": "qemu:///system",
    "lxc": "lxc:///",
    "parallels": "parallels:///system",
}


def _quiet_error_handler(ctxt, err):
    # libvirt prints every error to stderr by default; nova logs the
    # exceptions it actually cares about instead.
    pass


class Host:
    """Owns the libvirt connection.

    :param uri: libvirt URI, e.g. "qemu:///system".
    The connection opens on first use and is reopened when a call finds it
    dead (libvirtd restarted), so a restart of libvirtd does not need a
    restart of nova-compute.
    """

    def __init__(self, uri):
        self.uri = uri
        self._conn = None
        self._lock = threading.Lock()
        libvirt.registerErrorHandler(_quiet_error_handler, None)

    def get_connection(self):
        """Return an open libvirt.virConnect.

        :raises: HypervisorUnavailable when libvirtd cannot be reached.
        """
        with self._lock:
            if self._conn is not None:
                try:
                    if self._conn.isAlive():
                        return self._conn
                except libvirt.libvirtError:
                    pass
                LOG.warning("libvirt connection to %s was lost; reconnecting", self.uri)
            try:
                self._conn = libvirt.open(self.uri)
            except libvirt.libvirtError as exc:
                self._conn = None
                raise exception.HypervisorUnavailable(host=self.uri) from exc
            return self._conn

    def lookup_domain(self, uuid):
        """Return the libvirt.virDomain with ``uuid``, or None when there is none."""
        try:
            return self.get_connection().lookupByUUIDString(uuid)
        except libvirt.libvirtError as exc:
            if exc.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                return None
            raise

    def close(self):
        """Close the connection (service stop)."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                except libvirt.libvirtError:
                    pass
                self._conn = None
