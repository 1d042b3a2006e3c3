"""Server side of the compute RPC API: the manager of one hypervisor host.

The manager is a thin RPC facade: it owns the virt driver (``[DEFAULT]
compute_driver``) and hands each RPC method to the module that implements
that concern. nova-compute has no database access; every object call it
makes runs in nova-conductor.
"""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import manager
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


class ComputeManager(manager.Manager):
    """The compute RPC endpoint (API 6.0, see ``rpcapi.ComputeAPI``).

    :param compute_driver: a virt driver name ("fake.FakeDriver",
        "libvirt.LibvirtDriver"); [DEFAULT] compute_driver when None.
    :param host: [DEFAULT] host when None.
    :raises nova.exception.InvalidInput: no driver configured, or it
        cannot be loaded.
    """

    target = messaging.Target(version="6.0")

    def __init__(self, compute_driver=None, host=None):
        super().__init__(host=host, service_name="compute")
        self.driver = virt_driver.load_compute_driver(
            None, compute_driver or CONF.compute_driver)

    def init_host(self, service_ref=None):
        """Connect the virt driver to the hypervisor of this host.

        :raises: the driver's error (e.g. HypervisorUnavailable); the service
            then fails to start.
        """
        self.driver.init_host(host=self.host)

    def cleanup_host(self):
        """Release the virt driver's hypervisor connection."""
        self.driver.cleanup_host(host=self.host)
