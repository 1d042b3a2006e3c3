"""/servers/{server_id}/ips: a server's addresses (api-ref "Servers IPs").

The addresses come from the server's network info cache, keyed by network
label; each is ``{"version", "addr"}`` (the extended OS-EXT-IPS fields are
in the server body only).
"""

import webob.exc

from nova import policy
from nova.api.openstack.compute.views import servers as server_views
from nova.policies import ips as ips_policies


def _plain(addresses):
    return {label: [{"version": a["version"], "addr": a["addr"]} for a in entries]
            for label, entries in addresses.items()}


class IPsController:
    """Handlers of /servers/{server_id}/ips.

    :param servers_ctrl: the ServersController (its server look-up).
    """

    def __init__(self, servers_ctrl):
        self._servers = servers_ctrl

    def _addresses(self, req, server_id, action):
        instance = self._servers._get_server(req, server_id, ["info_cache"])
        policy.authorize(req.context, ips_policies.BASE % action,
                         {"project_id": instance.project_id})
        return _plain(server_views.addresses(instance))

    def index(self, req, server_id):
        """GET /servers/{server_id}/ips: {"addresses": {label: [...]}}."""
        return {"addresses": self._addresses(req, server_id, "index")}

    def show(self, req, server_id, id):
        """GET /servers/{server_id}/ips/{label}: {label: [...]}; 404 when not on it."""
        addresses = self._addresses(req, server_id, "show")
        if id not in addresses:
            raise webob.exc.HTTPNotFound(
                explanation="Instance is not a member of specified network")
        return {id: addresses[id]}
