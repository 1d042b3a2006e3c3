"""The RPC API every nova service answers besides its own: ``ping``.

Each service's RPC server also dispatches to a ``BaseRPCAPI`` endpoint in the
``baseapi`` namespace. nova-compute pings nova-conductor at start-up
(``nova.conductor.api.API.wait_until_ready``) so it does not try to write its
service record before a conductor is there to run it.
"""

import oslo_messaging as messaging

from nova import conf as nova_conf
from nova import rpc

CONF = nova_conf.CONF

#: Namespace of the base API on every service's topic.
NAMESPACE = "baseapi"


class BaseAPI:
    """Client of the base API of the services listening on ``topic``.

    API version history:

    * 1.0 - ping(arg): echo ``arg`` back with the answering service's name.

    :param topic: the RPC topic ("conductor", "scheduler", "compute").
    :param server: a host name to address one server of the topic, or None.

    The cap is ``[upgrade_levels] baseapi``.
    """

    VERSION_ALIASES = {}

    def __init__(self, topic, server=None):
        target = messaging.Target(topic=topic, server=server,
                                  namespace=NAMESPACE, version="1.0")
        cap = rpc.version_cap(CONF.upgrade_levels.baseapi,
                              self.VERSION_ALIASES, "baseapi")
        self.client = rpc.get_client(target, version_cap=cap)

    def ping(self, context, arg, timeout=None):
        """Call ``ping`` and return the answer.

        :param context: a RequestContext.
        :param arg: any JSON-able value, echoed back.
        :param timeout: seconds to wait; [DEFAULT] rpc_response_timeout when None.
        :returns: {"service": "<service name>", "arg": arg}.
        :raises oslo_messaging.MessagingTimeout: nobody answered in time.
        """
        cctxt = self.client.prepare(timeout=timeout)
        return cctxt.call(context, "ping", arg=arg)


class BaseRPCAPI:
    """Server side of BaseAPI, added to every service's endpoints.

    :param service_name: the short service name ("conductor", "compute").
    """

    target = messaging.Target(namespace=NAMESPACE, version="1.0")

    def __init__(self, service_name):
        self.service_name = service_name

    def ping(self, context, arg):
        """Return {"service": name, "arg": arg}."""
        return {"service": self.service_name, "arg": arg}
