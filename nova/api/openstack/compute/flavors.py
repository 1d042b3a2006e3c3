"""GET /flavors, /flavors/detail and /flavors/{flavor_id}.

Reading flavors needs no policy rule (upstream's rule): every user sees
the public, enabled flavors and the private ones shared with their project.
Callers passing ``os_compute_api:os-flavor-access`` (administrators) may
choose with ``is_public`` and also see disabled flavors.
"""

import webob.exc
from oslo_utils import strutils

from nova import exception, objects, policy
from nova.api import validation
from nova.api.openstack import common
from nova.api.openstack.compute.schemas import flavors as schema
from nova.api.openstack.compute.views import flavors as views
from nova.policies import flavor_access as fa_policies


def parse_is_public(value):
    """Map the ``is_public`` query value to the FlavorList filter.

    Upstream's rule: absent -> True (public ones, plus the caller's
    private ones); "none" (any case) -> None (all); otherwise a strict
    boolean string.

    :raises webob.exc.HTTPBadRequest: anything else.
    """
    if value is None:
        return True
    if value.lower() == "none":
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError as exc:
        raise webob.exc.HTTPBadRequest(
            explanation=f"Invalid is_public filter [{value}]") from exc


def _int_filter(req, name):
    value = req.GET.get(name)
    try:
        return int(value)
    except ValueError as exc:
        raise webob.exc.HTTPBadRequest(
            explanation=f"Invalid {name} filter [{value}]") from exc


def list_filters(req):
    """Return the FlavorList filters of a list request (see the module docstring)."""
    context = req.context
    filters = {}
    if policy.authorize(context, fa_policies.BASE, target={}, fatal=False):
        filters["is_public"] = parse_is_public(req.GET.get("is_public"))
    else:
        filters["is_public"] = True
        filters["disabled"] = False
    if "minRam" in req.GET:
        filters["min_memory_mb"] = _int_filter(req, "minRam")
    if "minDisk" in req.GET:
        filters["min_root_gb"] = _int_filter(req, "minDisk")
    return filters


class FlavorsController:
    """Flavor listing and show; takes no collaborators (flavors live in the API DB)."""

    def _page(self, req):
        limit, marker = common.get_limit_and_marker(req)
        filters = list_filters(req)
        try:
            return objects.FlavorList.get_all(
                req.context, filters=filters,
                sort_key=req.GET.get("sort_key") or "flavorid",
                sort_dir=req.GET.get("sort_dir") or "asc",
                limit=limit, marker=marker)
        except exception.MarkerNotFound as exc:
            raise webob.exc.HTTPBadRequest(
                explanation=f"marker [{marker}] not found") from exc

    @validation.query_schema(schema.index_query, "2.1", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def index(self, req):
        """GET /flavors -> {"flavors": [{id, name, links}], "flavors_links"?}."""
        return views.index(req, list(self._page(req)), views.summary)

    @validation.query_schema(schema.index_query, "2.1", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def detail(self, req):
        """GET /flavors/detail -> {"flavors": [detail view], "flavors_links"?}."""
        return views.index(req, list(self._page(req)), views.detail, "flavors/detail")

    def show(self, req, id):
        """GET /flavors/{id} -> {"flavor": detail view}; 404 when not visible."""
        flavor = objects.Flavor.get_by_flavor_id(req.context, id)
        return {"flavor": views.detail(req, flavor)}
