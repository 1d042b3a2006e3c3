"""/flavors/{flavor_id}/os-extra_specs[/{key}]: a flavor's extra specs."""

import webob.exc

from nova import exception, objects, policy
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import flavors as schema
from nova.policies import flavor_extra_specs as es_policies


def _as_strings(specs):
    # Upstream accepts numbers and booleans and stores their str().
    return {key: value if isinstance(value, str) else str(value)
            for key, value in specs.items()}


class FlavorExtraSpecsController:
    """List, set, show and delete extra specs (reading: project readers; writing: admins)."""

    @staticmethod
    def _authorize(req, action):
        policy.authorize(req.context, es_policies.EXTRA_SPECS % action,
                         target={"project_id": req.context.project_id})

    def index(self, req, flavor_id):
        """GET .../os-extra_specs -> {"extra_specs": {key: value}}."""
        self._authorize(req, "index")
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        return {"extra_specs": dict(flavor.extra_specs)}

    @validation.schema(schema.extra_specs_create)
    def create(self, req, flavor_id, body):
        """POST .../os-extra_specs {"extra_specs": {...}}: add or replace; echoes the body."""
        self._authorize(req, "create")
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        flavor.save_extra_specs(to_add=_as_strings(body["extra_specs"]))
        return body

    @validation.schema(schema.extra_spec_update)
    def update(self, req, flavor_id, id, body):
        """PUT .../os-extra_specs/{key} {key: value}; echoes the body.

        :raises webob.exc.HTTPBadRequest: the body's key is not the URL's.
        """
        self._authorize(req, "update")
        if id not in body:
            raise webob.exc.HTTPBadRequest(explanation="Request body and URI mismatch")
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        flavor.save_extra_specs(to_add=_as_strings(body))
        return body

    def show(self, req, flavor_id, id):
        """GET .../os-extra_specs/{key} -> {key: value}; 404 when unset."""
        self._authorize(req, "show")
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        if id not in flavor.extra_specs:
            raise exception.FlavorExtraSpecsNotFound(flavor_id=flavor_id, extra_specs_key=id)
        return {id: flavor.extra_specs[id]}

    @wsgi.response(200)
    def delete(self, req, flavor_id, id):
        """DELETE .../os-extra_specs/{key} -> 200 with no body; 404 when unset."""
        self._authorize(req, "delete")
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        flavor.save_extra_specs(to_delete=[id])
