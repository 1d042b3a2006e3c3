"""/os-quota-class-sets: limits of a quota class.

Upstream API reference "Quota class sets (os-quota-class-sets)": GET and
PUT /os-quota-class-sets/{id}. Only the class "default" changes anything:
its limits replace the [quota] options as every project's defaults. Any
other name can be read and written, as upstream, and has no effect. Up to
2.49 the body has the nova-network fields (unlimited, see
views.quota_sets) and no server group fields.
"""

import webob.exc

from nova import policy, quota
from nova.api import validation
from nova.api.openstack.compute.schemas import quota_sets as schema
from nova.api.openstack.compute.views import quota_sets as views
from nova.policies import quota_class_sets as qcs_policies

#: Longest class name (quota_classes.class_name).
MAX_NAME = 255


def _check_name(name):
    if not 1 <= len(name) <= MAX_NAME:
        raise webob.exc.HTTPBadRequest(
            explanation=f"A quota class name has 1 to {MAX_NAME} characters.")


class QuotaClassSetsController:
    """Handlers of /os-quota-class-sets; classes live in the API database."""

    def show(self, req, id):
        """GET /os-quota-class-sets/{id} -> {"quota_class_set": {"id", limits}}."""
        policy.authorize(req.context, qcs_policies.QUOTA_CLASS_SETS % "show",
                         target={"quota_class": id})
        _check_name(id)
        return views.limits(req, "quota_class_set", quota.get_class_limits(req.context, id),
                            id)

    @validation.schema(schema.update_class, "2.1", "2.49")
    @validation.schema(schema.update_class_v250, "2.50", "2.56")
    @validation.schema(schema.update_class_v257, "2.57")
    def update(self, req, id, body):
        """PUT /os-quota-class-sets/{id} -> 200, the class's limits (without ``id``)."""
        policy.authorize(req.context, qcs_policies.QUOTA_CLASS_SETS % "update",
                         target={"quota_class": id})
        _check_name(id)
        wanted = {}
        for name, value in body["quota_class_set"].items():
            value = int(value)
            if not -1 <= value <= schema.MAX_LIMIT:
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Quota limit {value} for {name} must be between -1 "
                                f"and {schema.MAX_LIMIT}.")
            if name in views.FIELDS:
                wanted[views.FIELDS[name]] = value
        quota.set_class_limits(req.context, id, wanted)
        return views.limits(req, "quota_class_set", quota.get_class_limits(req.context, id))
