"""/os-networks: the built-in network service's networks (nova-network routes).

Upstream kept these routes for nova-network and answers 404 from
microversion 2.36 (the proxy APIs' deprecation); python-openstackclient
calls them at 2.1 when the catalog has no network endpoint (``openstack
network list/show/create/delete``). Non-admins see the networks their
project may use, with the fields upstream shows them; admins see all.
"""

import webob.exc

from nova import exception, policy
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import networks as schema
from nova.network import api as network_api
from nova.policies import networks as net_policies

#: Last microversion of the nova-network proxy routes (2.36 answers 404).
MAX_PROXY_VERSION = "2.35"

#: Fields an administrator sees (upstream's nova-network view).
_ADMIN_FIELDS = ("bridge", "bridge_interface", "broadcast", "cidr", "cidr_v6",
                 "created_at", "deleted", "deleted_at", "dhcp_server", "dhcp_start",
                 "dns1", "dns2", "enable_dhcp", "gateway", "gateway_v6", "host",
                 "injected", "label", "mtu", "multi_host", "netmask", "netmask_v6",
                 "priority", "project_id", "rxtx_base", "share_address", "updated_at",
                 "vlan", "vpn_private_address", "vpn_public_address", "vpn_public_port")
#: Fields everyone else sees.
_USER_FIELDS = ("cidr", "cidr_v6", "dns1", "dns2", "gateway", "gateway_v6", "label",
                "netmask", "netmask_v6", "broadcast")


def network_view(network, admin):
    """One network as os-networks shows it; ``id`` is its uuid."""
    view = {"id": network.uuid}
    for name in _ADMIN_FIELDS if admin else _USER_FIELDS:
        value = getattr(network, name, None) if network.obj_attr_is_set(name) else None
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        view[name] = value
    return view


class NetworkController:
    """Handlers of /os-networks; the network API is [network] backend's."""

    def __init__(self, network_api_factory=network_api.get_api):
        self._factory = network_api_factory
        self._api = None

    @property
    def api(self):
        if self._api is None:
            self._api = self._factory()
        return self._api

    @staticmethod
    def _authorize(req, action):
        policy.authorize(req.context, net_policies.BASE % action)

    def _get(self, req, network_id):
        try:
            return self.api.get(req.context, network_id)
        except exception.NetworkNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def index(self, req):
        """GET /os-networks: {"networks": [...]}."""
        self._authorize(req, "list")
        admin = req.context.is_admin
        return {"networks": [network_view(n, admin)
                             for n in self.api.get_all(req.context)]}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def show(self, req, id):
        """GET /os-networks/{id}: {"network": {...}}; 404 for an unknown id or a name."""
        self._authorize(req, "view")
        return {"network": network_view(self._get(req, id), req.context.is_admin)}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @validation.schema(schema.create)
    def create(self, req, body):
        """POST /os-networks: 200 {"network": {...}}; 400 bad range, 409 duplicate."""
        self._authorize(req, "create")
        spec = body["network"]
        values = {name: spec.get(name) for name in (
            "label", "cidr", "bridge", "bridge_interface", "gateway", "dhcp_start",
            "dhcp_server", "dns1", "dns2", "mtu", "vlan", "project_id")}
        for name in ("enable_dhcp", "share_address", "multi_host"):
            if name in spec:
                values[name] = spec[name] in (True, "true", "True", "1", 1)
        try:
            network = self.api.create(req.context, **values)
        except exception.InvalidInput as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except exception.NetworkDuplicated as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        return {"network": network_view(network, admin=True)}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    def delete(self, req, id):
        """DELETE /os-networks/{id}: 202; 409 while a server uses it."""
        self._authorize(req, "delete")
        try:
            self.api.delete(req.context, id)
        except exception.NetworkNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except exception.NetworkInUse as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    @validation.schema(schema.add)
    def add(self, req, body):
        """POST /os-networks/add {"id": uuid or null}: give a network to the caller's project.

        With no id, any network no project holds is given. 400 when none is left.
        """
        self._authorize(req, "add")
        network_id = (body or {}).get("id")
        try:
            self.api.add_network_to_project(req.context, req.context.project_id,
                                            network_id)
        except exception.NetworkNotFoundForProject as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except exception.NetworkNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    @validation.schema(schema.disassociate)
    def disassociate(self, req, id, body):
        """POST /os-networks/{id}/action {"disassociate": null}: 202; shared again."""
        self._authorize(req, "disassociate")
        try:
            self.api.disassociate(req.context, id)
        except exception.NetworkNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
