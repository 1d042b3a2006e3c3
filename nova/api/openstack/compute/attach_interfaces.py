"""/servers/{server_id}/os-interface: a server's NICs (api-ref "Port interfaces").

Listing and showing read the server's network info cache: each virtual
interface is an attachment whose ``port_id`` is the VIF uuid and ``net_id``
the network uuid (the built-in network service has no ports or subnets;
``subnet_id`` is the network uuid too). Attaching and detaching NICs of a
running server is not served (the route answers 405 for POST).
"""

import webob.exc

from nova import policy
from nova.api.openstack.compute.views import servers as server_views
from nova.policies import attach_interfaces as ai_policies


def attachment_view(vif):
    """One VIF dict (nova.network.model) as an interfaceAttachment."""
    network = vif.get("network") or {}
    return {
        "port_state": "ACTIVE",
        "port_id": vif["id"],
        "net_id": network.get("id"),
        "mac_addr": vif.get("address"),
        "fixed_ips": [{"subnet_id": network.get("id"), "ip_address": ip["address"]}
                      for subnet in network.get("subnets") or []
                      for ip in subnet.get("ips") or []],
    }


class InterfaceAttachmentController:
    """Handlers of /servers/{server_id}/os-interface.

    :param servers_ctrl: the ServersController (its server look-up).
    """

    def __init__(self, servers_ctrl):
        self._servers = servers_ctrl

    def _vifs(self, req, server_id, action):
        instance = self._servers._get_server(req, server_id, ["info_cache"])
        policy.authorize(req.context, ai_policies.BASE % action,
                         {"project_id": instance.project_id})
        return server_views.network_info(instance)

    def index(self, req, server_id):
        """GET /servers/{server_id}/os-interface: {"interfaceAttachments": [...]}."""
        return {"interfaceAttachments": [attachment_view(v)
                                         for v in self._vifs(req, server_id, "list")]}

    def show(self, req, server_id, id):
        """GET /servers/{server_id}/os-interface/{port_id}; 404 for a port it lacks."""
        for vif in self._vifs(req, server_id, "show"):
            if vif["id"] == id:
                return {"interfaceAttachment": attachment_view(vif)}
        raise webob.exc.HTTPNotFound(
            explanation=f"Instance {server_id} has no port with id {id}")
