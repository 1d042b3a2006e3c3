"""os-floating-ips, os-floating-ip-pools and the addFloatingIp/removeFloatingIp actions.

Upstream serves the floating IP and pool routes for nova-network up to 2.35
(404 from 2.36) and the two server actions up to 2.43 (404 from 2.44).
python-openstackclient calls them at 2.1 without a network endpoint
(``openstack floating ip create/list/show/delete``, ``floating ip pool
list``, ``server add/remove floating ip``).
"""

import webob.exc

from nova import exception, objects, policy
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import floating_ips as schema
from nova.compute import server_actions
from nova.network import api as network_api
from nova.policies import floating_ips as fip_policies

#: Last microversion of the nova-network proxy routes (2.36 answers 404).
MAX_PROXY_VERSION = "2.35"
#: Last microversion of addFloatingIp/removeFloatingIp (2.44 answers 404).
MAX_ACTION_VERSION = "2.43"


class FloatingIPController:
    """Handlers of os-floating-ips, os-floating-ip-pools and the two actions.

    :param servers_ctrl: the ServersController (its server look-up).
    """

    def __init__(self, servers_ctrl, network_api_factory=network_api.get_api):
        self._servers = servers_ctrl
        self._factory = network_api_factory
        self._api = None

    @property
    def api(self):
        if self._api is None:
            self._api = self._factory()
        return self._api

    @staticmethod
    def _authorize(req, rule, project_id=None):
        policy.authorize(req.context, rule,
                         {"project_id": project_id or req.context.project_id})

    def _view(self, req, fip):
        fixed_ip = instance_id = None
        if fip.fixed_ip_id is not None:
            try:
                fixed = objects.FixedIP.get_by_id(req.context, fip.fixed_ip_id)
                fixed_ip, instance_id = fixed.address, fixed.instance_uuid
            except exception.FixedIpNotFound:
                pass
        return {"id": fip.id, "ip": fip.address, "pool": fip.pool, "fixed_ip": fixed_ip,
                "instance_id": instance_id}

    def _get(self, req, floating_id):
        try:
            return self.api.get_floating_ip(req.context, common.db_id(floating_id))
        except (ValueError, exception.FloatingIpNotFound) as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Floating IP not found for ID {floating_id}") from exc

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def pools(self, req):
        """GET /os-floating-ip-pools: {"floating_ip_pools": [{"name"}]}."""
        self._authorize(req, fip_policies.POOLS)
        return {"floating_ip_pools": [{"name": name} for name in
                                      self.api.get_floating_ip_pools(req.context)]}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def index(self, req):
        """GET /os-floating-ips: the caller's project's addresses."""
        self._authorize(req, fip_policies.BASE % "list")
        return {"floating_ips": [self._view(req, f) for f in
                                 self.api.get_floating_ips_by_project(req.context)]}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def show(self, req, id):
        """GET /os-floating-ips/{id}: 404 unknown or another project's."""
        self._authorize(req, fip_policies.BASE % "show")
        return {"floating_ip": self._view(req, self._get(req, id))}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @validation.schema(schema.create)
    def create(self, req, body=None):
        """POST /os-floating-ips {"pool"}: 200 with the address; 404 no pool or none left."""
        self._authorize(req, fip_policies.BASE % "create")
        pool = (body or {}).get("pool")
        try:
            fip = self.api.allocate_floating_ip(req.context, pool)
        except exception.FloatingIpPoolNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except exception.NoMoreFloatingIps as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"No more floating IPs in pool {pool}." if pool
                else exc.format_message()) from exc
        return {"floating_ip": self._view(req, fip)}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    def delete(self, req, id):
        """DELETE /os-floating-ips/{id}: 202; disassociated first when in use."""
        self._authorize(req, fip_policies.BASE % "delete")
        self.api.release_floating_ip(req.context, self._get(req, id))

    @wsgi.api_version("2.1", MAX_ACTION_VERSION)
    @wsgi.response(202)
    @validation.schema(schema.add_floating_ip)
    def add_floating_ip(self, req, id, body):
        """addFloatingIp: 202; 404 an address not the caller's, 400 a bad fixed_address."""
        instance = self._servers._get_server(req, id)
        self._authorize(req, server_actions.get("addFloatingIp").policy,
                        instance.project_id)
        spec = body["addFloatingIp"]
        try:
            self.api.associate_floating_ip(req.context, instance, spec["address"],
                                           spec.get("fixed_address"))
        except exception.FloatingIpNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except exception.FixedIpNotFoundForAddress as exc:
            raise webob.exc.HTTPBadRequest(
                explanation="The server has no such fixed IP (or no fixed IP at all)"
            ) from exc

    @wsgi.api_version("2.1", MAX_ACTION_VERSION)
    @wsgi.response(202)
    @validation.schema(schema.remove_floating_ip)
    def remove_floating_ip(self, req, id, body):
        """removeFloatingIp: 202; 404 an unknown address, 409 not on this server."""
        instance = self._servers._get_server(req, id)
        self._authorize(req, server_actions.get("removeFloatingIp").policy,
                        instance.project_id)
        try:
            self.api.disassociate_floating_ip(req.context, instance,
                                              body["removeFloatingIp"]["address"])
        except exception.FloatingIpNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except exception.FloatingIpNotAssociated as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
