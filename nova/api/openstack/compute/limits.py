"""GET /limits: the caller's (or, for administrators, any project's) limits and usage."""

from nova import objects, policy, quota
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import limits as schema
from nova.api.openstack.compute.views import limits as views

#: Rule names registered by nova.policies.limits.
BASE = "os_compute_api:limits"
OTHER_PROJECT = BASE + ":other_project"


class LimitsController:
    """Absolute limits from the quota tables, usage counted live (nova.quota)."""

    def _limits(self, req, include_network):
        context = req.context
        policy.authorize(context, BASE, target={})
        project_id = context.project_id
        if "tenant_id" in req.GET:
            project_id = req.GET["tenant_id"]
            policy.authorize(context, OTHER_PROJECT, target={"project_id": project_id})
        limits = quota.get_project_limits(context, project_id)
        usage = dict(quota.count_usage(context, project_id))
        usage["server_groups"] = objects.InstanceGroupList.get_counts(
            context, project_id)["project"]["server_groups"]
        return views.build(limits, usage, include_network, req.api_version_request)

    @wsgi.api_version("2.1", "2.35")
    @validation.query_schema(schema.index_query)
    def index(self, req):
        """GET /limits (2.1-2.35): with the nova-network limits."""
        return self._limits(req, include_network=True)

    @index.add_version("2.36")
    @validation.query_schema(schema.index_query, "2.36", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def index(self, req):  # noqa: F811
        """GET /limits (2.36+): without the nova-network limits."""
        return self._limits(req, include_network=False)
