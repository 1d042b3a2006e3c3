"""/os-quota-sets: a project's (or one user's) limits, usage and defaults.

Upstream API reference "Quota sets (os-quota-sets)":

* GET /os-quota-sets/{tenant_id}[?user_id=] -> {"quota_set": {"id", limits}}
* GET /os-quota-sets/{tenant_id}/detail[?user_id=] -> each limit as
  {"limit", "in_use", "reserved"}
* GET /os-quota-sets/{tenant_id}/defaults -> the limits of a project
  without limits of its own
* PUT /os-quota-sets/{tenant_id}[?user_id=] -> 200, the new limits (no
  ``id``). Without ``force`` a limit below what is in use (or, for a user,
  above the project's limit) is 400 and nothing changes.
* DELETE /os-quota-sets/{tenant_id}[?user_id=] -> 202: back to the defaults
  (for a project, its users' limits go too).

The nova-network fields exist until 2.35 (see views.quota_sets). Limits
and usage come from nova.quota.
"""

import webob.exc
from oslo_utils import strutils

from nova import objects, policy, quota
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import quota_sets as schema
from nova.api.openstack.compute.views import quota_sets as views
from nova.policies import quota_sets as qs_policies

#: Resources whose usage is counted, the rest have nothing in use.
_COUNTED = ("instances", "cores", "ram", "server_groups", "key_pairs")


def _user_id(req):
    return req.GET.get("user_id") or None


def _limits(context, project_id, user_id):
    if user_id:
        return quota.get_user_limits(context, project_id, user_id)
    return quota.get_project_limits(context, project_id)


def _usage(context, project_id, user_id):
    """{resource: in use} of the project, or of ``user_id`` in it.

    Key pairs belong to users, so a project uses none of its own.
    """
    scope = "user" if user_id else "project"
    usage = dict(quota.count_instances(context, project_id, user_id)[scope])
    usage["server_groups"] = objects.InstanceGroupList.get_counts(
        context, project_id, user_id=user_id)[scope]["server_groups"]
    usage["key_pairs"] = (objects.KeyPairList.get_count_by_user(context, user_id)
                          if user_id else 0)
    return usage


class QuotaSetsController:
    """Handlers of /os-quota-sets; limits live in the API database."""

    def _authorize(self, req, action, project_id):
        policy.authorize(req.context, qs_policies.QUOTA_SETS % action,
                         target={"project_id": project_id})

    @validation.query_schema(schema.user_query)
    def show(self, req, id):
        """GET /os-quota-sets/{tenant_id} -> the limits (of ``user_id`` when given)."""
        self._authorize(req, "show", id)
        return views.limits(req, "quota_set", _limits(req.context, id, _user_id(req)), id)

    @validation.query_schema(schema.user_query)
    def detail(self, req, id):
        """GET /os-quota-sets/{tenant_id}/detail -> limits with in_use and reserved."""
        self._authorize(req, "detail", id)
        user_id = _user_id(req)
        return views.detail(req, id, _limits(req.context, id, user_id),
                            _usage(req.context, id, user_id))

    def defaults(self, req, id):
        """GET /os-quota-sets/{tenant_id}/defaults -> [quota] options and the default class."""
        self._authorize(req, "defaults", id)
        return views.limits(req, "quota_set", quota.get_defaults(req.context), id)

    def _update(self, req, id, body):
        context = req.context
        self._authorize(req, "update", id)
        user_id = _user_id(req)
        spec = dict(body["quota_set"])
        force = strutils.bool_from_string(spec.pop("force", False))
        wanted = {}
        for name, value in spec.items():
            resource = views.FIELDS.get(name)
            value = int(value)
            if not -1 <= value <= schema.MAX_LIMIT:
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Quota limit {value} for {name} must be between -1 "
                                f"and {schema.MAX_LIMIT}.")
            if resource is not None:  # nova-network fields have no effect
                wanted[resource] = value
        if not force:
            self._check_settable(context, id, user_id, wanted)
        if user_id:
            quota.set_user_limits(context, id, user_id, wanted)
        else:
            quota.set_project_limits(context, id, wanted)
        return views.limits(req, "quota_set", _limits(context, id, user_id))

    @staticmethod
    def _check_settable(context, project_id, user_id, wanted):
        """Refuse (400) a limit below usage, or a user's limit above the project's."""
        counted = {name for name in wanted if name in _COUNTED}
        usage = _usage(context, project_id, user_id) if counted else {}
        project_limits = quota.get_project_limits(context, project_id) if user_id else {}
        for resource, value in wanted.items():
            name = next(field for field, res in views.FIELDS.items() if res == resource)
            used = usage.get(resource, 0)
            if value != -1 and value < used:
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Quota limit {value} for {name} is less than the "
                                f"{used} already in use; use force to set it anyway.")
            ceiling = project_limits.get(resource, -1)
            if user_id and ceiling != -1 and (value == -1 or value > ceiling):
                raise webob.exc.HTTPBadRequest(
                    explanation=f"Quota limit {value} for {name} of user {user_id} is "
                                f"more than the project's limit {ceiling}.")

    @wsgi.api_version("2.1", "2.35")
    @validation.schema(schema.update)
    @validation.query_schema(schema.user_query)
    def update(self, req, id, body):
        """PUT /os-quota-sets/{tenant_id} (2.1-2.35): nova-network fields accepted."""
        return self._update(req, id, body)

    @update.add_version("2.36")
    @validation.schema(schema.update_v236, "2.36", "2.56")
    @validation.schema(schema.update_v257, "2.57")
    @validation.query_schema(schema.user_query)
    def update(self, req, id, body):  # noqa: F811
        """PUT /os-quota-sets/{tenant_id} (2.36+): without the nova-network fields
        (and from 2.57 without the injected file fields)."""
        return self._update(req, id, body)

    @wsgi.response(202)
    @validation.query_schema(schema.user_query)
    def delete(self, req, id):
        """DELETE /os-quota-sets/{tenant_id} -> 202; the limits become the defaults."""
        self._authorize(req, "delete", id)
        user_id = _user_id(req)
        if user_id:
            quota.delete_user_limits(req.context, id, user_id)
        else:
            quota.delete_project_limits(req.context, id)
