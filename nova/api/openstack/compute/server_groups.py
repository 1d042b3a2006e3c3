"""/os-server-groups: create, list, show and delete server groups.

A server group asks the scheduler to keep its members on one host
("affinity") or on different hosts ("anti-affinity"); the soft variants
(2.15) only rank hosts. Servers join a group at create time through the
``group`` scheduler hint. Upstream's rules (API reference "Server groups
(os-server-groups)"): create answers 200 and counts against the
``server_groups`` quota (403 beyond it); the list is the caller's project,
every project with ``all_projects`` for administrators, paged with
``limit``/``offset``; delete answers 204 and leaves the members running.
2.64 creates and shows ``policy`` and ``rules`` (``max_server_per_host``,
anti-affinity only) instead of ``policies`` and ``metadata``; 2.75
refuses unknown list parameters.
"""

import webob.exc

from nova import conf as nova_conf
from nova import objects, policy, quota
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import server_groups as schema
from nova.api.openstack.compute.views import server_groups as views
from nova.policies import server_groups as sg_policies

CONF = nova_conf.CONF


def check_quota(context):
    """Refuse a group beyond the project's ``server_groups`` limit.

    :raises webob.exc.HTTPForbidden: "Quota exceeded, too many server groups."
    """
    limit = quota.get_project_limits(context, context.project_id)["server_groups"]
    if limit < 0:
        return
    used = objects.InstanceGroupList.get_counts(
        context, context.project_id)["project"]["server_groups"]
    if used + 1 > limit:
        raise webob.exc.HTTPForbidden(explanation="Quota exceeded, too many server groups.")


def _page(items, req):
    """Apply ``offset`` and ``limit`` to ``items``.

    As upstream's paging by offset: a missing or 0 ``limit`` means [api]
    max_limit, and no page is longer than that.
    """
    offset = int(req.GET.get("offset", 0))
    limit = min(int(req.GET.get("limit", 0)) or CONF.api.max_limit, CONF.api.max_limit)
    return items[offset:offset + limit]


class ServerGroupController:
    """Handlers of /os-server-groups; groups live in the API database."""

    def _get(self, req, group_id, action):
        group = objects.InstanceGroup.get_by_uuid(req.context, group_id)
        policy.authorize(req.context, sg_policies.SERVER_GROUPS % action,
                         target={"project_id": group.project_id,
                                 "user_id": req.context.user_id})
        return group

    def _create(self, req, body):
        context = req.context
        policy.authorize(context, sg_policies.SERVER_GROUPS % "create")
        check_quota(context)
        spec = body["server_group"]
        group_policy = spec["policy"] if "policy" in spec else spec["policies"][0]
        rules = spec.get("rules") or {}
        if rules and group_policy != "anti-affinity":
            raise webob.exc.HTTPBadRequest(explanation=(
                f"Only anti-affinity policy supports rules, not {group_policy}."))
        group = objects.InstanceGroup(
            context, project_id=context.project_id, user_id=context.user_id,
            name=spec["name"], policy=group_policy,
            rules={key: str(value) for key, value in rules.items()}, members=[])
        group.create()
        return {"server_group": views.server_group(group, req.api_version_request)}

    @wsgi.api_version("2.1", "2.14")
    @validation.schema(schema.create)
    def create(self, req, body):
        """POST /os-server-groups (2.1-2.14): 200; policy affinity or anti-affinity."""
        return self._create(req, body)

    @create.add_version("2.15", "2.63")
    @validation.schema(schema.create_v215)
    def create(self, req, body):  # noqa: F811
        """POST /os-server-groups (2.15-2.63): also soft-affinity and soft-anti-affinity."""
        return self._create(req, body)

    @create.add_version("2.64")
    @validation.schema(schema.create_v264)
    def create(self, req, body):  # noqa: F811
        """POST /os-server-groups (2.64+): ``policy`` and ``rules`` instead of ``policies``."""
        return self._create(req, body)

    @validation.query_schema(schema.index_query, "2.1", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def index(self, req):
        """GET /os-server-groups -> {"server_groups": [...]}, oldest first.

        ``all_projects`` (any value) lists every project's groups when the
        caller passes ``index:all_projects``; others get their own
        project's groups, as upstream.
        """
        context = req.context
        policy.authorize(context, sg_policies.SERVER_GROUPS % "index")
        if "all_projects" in req.GET and policy.authorize(
                context, sg_policies.SERVER_GROUPS % "index:all_projects", fatal=False):
            groups = objects.InstanceGroupList.get_all(context)
        else:
            groups = objects.InstanceGroupList.get_by_project_id(context, context.project_id)
        return {"server_groups": [views.server_group(group, req.api_version_request)
                                  for group in _page(list(groups), req)]}

    def show(self, req, id):
        """GET /os-server-groups/{id} -> {"server_group": {...}}; 404 when unknown."""
        group = self._get(req, id, "show")
        return {"server_group": views.server_group(group, req.api_version_request)}

    @wsgi.response(204)
    def delete(self, req, id):
        """DELETE /os-server-groups/{id} -> 204; 404 when unknown."""
        self._get(req, id, "delete").destroy()
