"""os-instance-actions: what happened to a server (api-ref "Servers actions").

GET /servers/{server_id}/os-instance-actions lists the actions newest first;
GET .../os-instance-actions/{request_id} shows one with its events. From
2.21 a deleted server's history is still readable; 2.58 adds paging,
changes-since and updated_at, 2.66 changes-before. Which fields show is
decided by views.instance_actions from the microversion and policy.
"""

import webob.exc
from oslo_utils import timeutils

from nova import exception
from nova.api import validation
from nova.api.openstack import common
from nova.api.openstack.api_version_request import APIVersionRequest
from nova.api.openstack.compute.schemas import instance_actions as schemas
from nova.api.openstack.compute.views import instance_actions as views
from nova.policies import instance_actions as ia_policies
from nova.policy import authorize


class InstanceActionsController:
    """Handlers of /servers/{server_id}/os-instance-actions.

    :param servers: the ServersController, whose compute API is shared.
    """

    def __init__(self, servers):
        self._servers = servers

    def _instance(self, req, server_id, rule):
        version = req.api_version_request
        try:
            instance = self._servers.compute_api.get(
                req.context, server_id,
                read_deleted=version >= APIVersionRequest("2.21"))
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        authorize(req.context, rule, {"project_id": instance.project_id})
        return instance

    @validation.query_schema(schemas.index_query, "2.1", "2.57")
    @validation.query_schema(schemas.index_query_v258, "2.58", "2.65")
    @validation.query_schema(schemas.index_query_v266, "2.66")
    def index(self, req, server_id):
        """{"instanceActions": [...]}, and "links" to the next page from 2.58."""
        instance = self._instance(req, server_id, ia_policies.LIST)
        paged = req.api_version_request >= APIVersionRequest("2.58")
        limit = marker = None
        filters = {}
        if paged:
            limit, marker = common.get_limit_and_marker(req)
            for key in ("changes-since", "changes-before"):
                if key in req.GET:
                    filters[key] = timeutils.parse_isotime(req.GET[key])
            if "changes-since" in filters and "changes-before" in filters and \
                    filters["changes-since"] > filters["changes-before"]:
                raise webob.exc.HTTPBadRequest(
                    explanation="The value of changes-since must be less than or "
                                "equal to changes-before.")
        try:
            actions = self._servers.compute_api.get_instance_actions(
                req.context, instance, limit=limit, marker=marker, filters=filters)
        except exception.MarkerNotFound as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        fields = views.fields_for(req, views.ACTION_FIELDS,
                                  {"project_id": instance.project_id})
        body = {"instanceActions": [views.action(fields, a, instance.project_id)
                                    for a in actions]}
        if paged:
            links = common.collection_links(
                req, body["instanceActions"],
                f"servers/{server_id}/os-instance-actions", id_key="request_id")
            if links:
                body["links"] = links
        return body

    def show(self, req, server_id, id):
        """{"instanceAction": {..., "events": [...]}}.

        Before 2.51 the events show only to those the events rule allows.
        """
        instance = self._instance(req, server_id, ia_policies.SHOW)
        try:
            action, events = self._servers.compute_api.get_instance_action(
                req.context, instance, id)
        except exception.InstanceActionNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        target = {"project_id": instance.project_id}
        body = views.action(views.fields_for(req, views.ACTION_FIELDS, target), action,
                            instance.project_id)
        if req.api_version_request >= APIVersionRequest("2.51") or authorize(
                req.context, ia_policies.EVENTS, target, fatal=False):
            event_fields = views.fields_for(req, views.EVENT_FIELDS, target)
            body["events"] = [views.action(event_fields, e, instance.project_id)
                              for e in events]
        return {"instanceAction": body}
