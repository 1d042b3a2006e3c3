"""/os-simple-tenant-usage: what each project's servers used during a period.

API reference "Usage reports (os-simple-tenant-usage)". ``start`` and
``end`` bound the window (naive UTC; both default to now, as upstream);
``detailed=1`` on the list adds every server's usage. From 2.40 the
servers counted are paged with limit/marker and a ``*_links`` entry points
at the next page. The sums are computed by nova.compute.usage.
"""

import datetime

import webob.exc
from oslo_utils import timeutils

from nova import exception, policy
from nova.api import validation
from nova.api.openstack import common
from nova.api.openstack.api_version_request import APIVersionRequest
from nova.api.openstack.compute.schemas import simple_tenant_usage as schemas
from nova.compute import usage
from nova.policies import simple_tenant_usage as stu_policies

#: Timestamp formats upstream accepts for start and end.
_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f")


def parse_datetime(value):
    """Return the naive UTC datetime of a ``start``/``end`` parameter.

    :param value: str in one of ``_FORMATS``, or None for now.
    :raises webob.exc.HTTPBadRequest: any other string.
    """
    if value is None:
        return timeutils.utcnow().replace(tzinfo=None)
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise webob.exc.HTTPBadRequest(explanation="Datetime is in invalid format")


def _window(req):
    begin = parse_datetime(req.GET.get("start"))
    end = parse_datetime(req.GET.get("end"))
    if not begin < end:
        raise webob.exc.HTTPBadRequest(
            explanation="Invalid start time. The start time cannot occur after the end time.")
    return begin, end


def _iso(value):
    return value.isoformat() if value is not None else None


def _render(summary, detailed):
    body = {key: summary[key] for key in (
        "tenant_id", "total_hours", "total_vcpus_usage", "total_memory_mb_usage",
        "total_local_gb_usage")}
    body["start"] = _iso(summary["start"])
    body["stop"] = _iso(summary["stop"])
    if detailed:
        body["server_usages"] = [
            dict(item, started_at=_iso(item["started_at"]), ended_at=_iso(item["ended_at"]))
            for item in summary["server_usages"]]
    return body


class SimpleTenantUsageController:
    """Handlers of /os-simple-tenant-usage."""

    @staticmethod
    def _page(req):
        if req.api_version_request >= APIVersionRequest("2.40"):
            return common.get_limit_and_marker(req)
        return None, None

    @staticmethod
    def _instances(req, begin, end, project_id, limit, marker):
        context = req.context.elevated(read_deleted="yes")
        try:
            return usage.instances_in_window(context, begin, end, project_id,
                                             limit=limit, marker=marker)
        except exception.MarkerNotFound as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc

    @validation.query_schema(schemas.index_query, "2.1", "2.39")
    @validation.query_schema(schemas.index_query_v240, "2.40", "2.74")
    @validation.query_schema(schemas.index_query_v275, "2.75")
    def index(self, req):
        """GET /os-simple-tenant-usage -> {"tenant_usages": [...]} (admin).

        ``tenant_usages_links`` (2.40) when the page of servers is full.
        """
        policy.authorize(req.context, stu_policies.LIST, target={})
        begin, end = _window(req)
        detailed = req.GET.get("detailed") == "1"
        limit, marker = self._page(req)
        instances = self._instances(req, begin, end, None, limit, marker)
        body = {"tenant_usages": [_render(summary, detailed) for summary in
                                  usage.tenant_usages(instances, begin, end)]}
        if limit is not None:
            links = common.collection_links(req, instances, "os-simple-tenant-usage",
                                            id_key="uuid")
            if links:
                body["tenant_usages_links"] = links
        return body

    @validation.query_schema(schemas.show_query, "2.1", "2.39")
    @validation.query_schema(schemas.show_query_v240, "2.40", "2.74")
    @validation.query_schema(schemas.show_query_v275, "2.75")
    def show(self, req, id):
        """GET /os-simple-tenant-usage/{tenant_id} -> {"tenant_usage": {...}}.

        The usage always lists its servers; ``{}`` when the project used
        nothing in the window. ``tenant_usage_links`` (2.40) when the page
        of servers is full.
        """
        policy.authorize(req.context, stu_policies.SHOW, target={"project_id": id})
        begin, end = _window(req)
        limit, marker = self._page(req)
        instances = self._instances(req, begin, end, id, limit, marker)
        summaries = usage.tenant_usages(instances, begin, end)
        body = {"tenant_usage": _render(summaries[0], True) if summaries else {}}
        if limit is not None:
            links = common.collection_links(req, instances, f"os-simple-tenant-usage/{id}",
                                            id_key="uuid")
            if links:
                body["tenant_usage_links"] = links
        return body
