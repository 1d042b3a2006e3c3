"""os-flavor-access: which projects may use a private flavor (administrators)."""

import webob.exc

from nova import objects, policy
from nova.api import validation
from nova.api.openstack.compute.schemas import flavors as schema
from nova.api.openstack.compute.views import flavors as views
from nova.policies import flavor_access as fa_policies


class FlavorAccessController:
    """GET /flavors/{id}/os-flavor-access and the add/removeTenantAccess actions."""

    @staticmethod
    def _flavor(req, flavor_id):
        return objects.Flavor.get_by_flavor_id(req.context.elevated(), flavor_id)

    def index(self, req, flavor_id):
        """-> {"flavor_access": [{"flavor_id", "tenant_id"}]}; 404 for a public flavor."""
        policy.authorize(req.context, fa_policies.BASE, target={})
        flavor = self._flavor(req, flavor_id)
        if flavor.is_public:
            raise webob.exc.HTTPNotFound(
                explanation="Access list not available for public flavors.")
        return views.access_list(flavor)

    @validation.schema(schema.add_tenant_access)
    def add_tenant_access(self, req, id, body):
        """POST /flavors/{id}/action {"addTenantAccess": {"tenant": p}} -> access list.

        409 for a public flavor or a project that already has access.
        """
        policy.authorize(req.context, fa_policies.BASE + ":add_tenant_access", target={})
        flavor = self._flavor(req, id)
        if flavor.is_public:
            raise webob.exc.HTTPConflict(explanation="Can not add access to a public flavor.")
        flavor.add_access(body["addTenantAccess"]["tenant"])
        return views.access_list(flavor)

    @validation.schema(schema.remove_tenant_access)
    def remove_tenant_access(self, req, id, body):
        """POST /flavors/{id}/action {"removeTenantAccess": {"tenant": p}} -> access list.

        404 when the project had no access.
        """
        policy.authorize(req.context, fa_policies.BASE + ":remove_tenant_access", target={})
        flavor = self._flavor(req, id)
        flavor.remove_access(body["removeTenantAccess"]["tenant"])
        return views.access_list(flavor)
