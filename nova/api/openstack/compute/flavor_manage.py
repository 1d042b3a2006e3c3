"""POST, PUT (2.55) and DELETE of /flavors (os-flavor-manage, administrators).

2.55 adds ``description`` to create and PUT /flavors/{flavor_id}, which
changes only the description; the answers are the detail document of the
request's microversion (views.flavors).
"""

from oslo_utils import strutils, uuidutils

from nova import exception, objects, policy
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import flavors as schema
from nova.api.openstack.compute.views import flavors as views
from nova.policies import flavor_manage as fm_policies

#: Request field -> (Flavor field, default).
_SIZES = (("ram", "memory_mb", None), ("vcpus", "vcpus", None), ("disk", "root_gb", None),
          ("OS-FLV-EXT-DATA:ephemeral", "ephemeral_gb", 0), ("swap", "swap", 0))


def _bounded_int(name, value):
    # The schema bounds JSON numbers; digit strings are only checked here.
    number = int(value)
    if number > schema.MAX_INT:
        raise exception.InvalidInput(reason=f"{name} must be <= {schema.MAX_INT}")
    return number


def flavor_from_request(context, body):
    """Return an unsaved objects.Flavor built from a validated create body.

    An absent or null ``id`` becomes a new UUID (upstream's rule); a
    numeric id becomes its string form.

    :raises nova.exception.InvalidInput: (400) a size above 2**31-1.
    """
    spec = body["flavor"]
    flavorid = spec.get("id")
    flavorid = uuidutils.generate_uuid() if flavorid is None else str(flavorid)
    values = {"name": spec["name"], "flavorid": flavorid,
              "rxtx_factor": float(spec.get("rxtx_factor", 1.0)),
              "is_public": _is_public(spec.get("os-flavor-access:is_public", True)),
              "disabled": False, "vcpu_weight": None,
              "description": spec.get("description"),
              "extra_specs": {}, "projects": []}
    for name, field, default in _SIZES:
        value = spec.get(name, default)
        values[field] = _bounded_int(name, value)
    return objects.Flavor(context=context, **values)


def _is_public(value):
    return strutils.bool_from_string(value, strict=True)


class FlavorManageController:
    """Create and delete flavors."""

    @wsgi.response(200)
    @validation.schema(schema.create, "2.1", "2.54")
    @validation.schema(schema.create_v255, "2.55")
    def create(self, req, body):
        """POST /flavors -> {"flavor": detail view} (200, as upstream).

        409 when the name or the id is taken.
        """
        policy.authorize(req.context, fm_policies.FLAVOR_MANAGE % "create", target={})
        flavor = flavor_from_request(req.context, body)
        flavor.create()
        return {"flavor": views.detail(req, flavor)}

    @wsgi.api_version("2.55")
    @validation.schema(schema.update_v255)
    def update(self, req, id, body):
        """PUT /flavors/{id} (2.55) -> {"flavor": detail view}; 404 unknown flavor."""
        policy.authorize(req.context, fm_policies.FLAVOR_MANAGE % "update", target={})
        flavor = objects.Flavor.get_by_flavor_id(req.context.elevated(), id)
        flavor.description = body["flavor"]["description"]
        flavor.save()
        return {"flavor": views.detail(req, flavor)}

    @wsgi.response(202)
    def delete(self, req, id):
        """DELETE /flavors/{id} -> 202; 404 when there is no such flavor."""
        policy.authorize(req.context, fm_policies.FLAVOR_MANAGE % "delete", target={})
        flavor = objects.Flavor.get_by_flavor_id(req.context.elevated(), id)
        flavor.destroy()
