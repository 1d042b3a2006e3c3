"""GET /os-migrations: the moves of every server (api-ref "Migrations (os-migrations)").

Administrators list the migration records of all cells: resizes, cold
and live migrations, evacuations. Filters ``host`` (source or
destination), ``instance_uuid``, ``source_compute``, ``status`` and
``migration_type``; 2.59 adds paging (``limit``, ``marker`` = a
migration's uuid, newest first, ``migrations_links``) and
``changes-since``; 2.66 ``changes-before``; 2.80 ``user_id`` and
``project_id``. Hidden migrations never show. Which fields a migration
carries is decided by views.migrations.
"""

import webob.exc
from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation
from nova.api.openstack import common
from nova.api.openstack.api_version_request import APIVersionRequest
from nova.api.openstack.compute.schemas import migrations as schemas
from nova.api.openstack.compute.views import migrations as views
from nova.policies import migrations as migrations_policies
from nova.policy import authorize

#: Query parameters passed to the database as filters.
_FILTER_KEYS = ("host", "instance_uuid", "source_compute", "status", "migration_type")
#: The filters 2.80 adds.
_OWNER_KEYS = ("user_id", "project_id")


class MigrationsController:
    """Handler of /os-migrations."""

    @validation.query_schema(schemas.index_query, "2.1", "2.58")
    @validation.query_schema(schemas.index_query_v259, "2.59", "2.65")
    @validation.query_schema(schemas.index_query_v266, "2.66", "2.79")
    @validation.query_schema(schemas.index_query_v280, "2.80")
    def index(self, req):
        """{"migrations": [...]}; from 2.59 "migrations_links" to the next page."""
        context = req.context
        authorize(context, migrations_policies.INDEX, {})
        version = req.api_version_request
        paged = version >= APIVersionRequest("2.59")
        keys = _FILTER_KEYS + (_OWNER_KEYS if version >= APIVersionRequest("2.80") else ())
        filters = {key: req.GET[key] for key in keys if key in req.GET}
        limit = marker = None
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
        records = _list(context.elevated(), filters, limit, marker, paged)
        fields = views.fields_for(req)
        body = {"migrations": [views.migration(req, fields, m) for m in records]}
        if paged:
            links = common.collection_links(req, body["migrations"], "os-migrations",
                                            id_key="uuid")
            if links:
                body["migrations_links"] = links
        return body


def _list(context, filters, limit, marker, paged):
    """The migrations of every cell matching ``filters``.

    Paged (2.59): newest first (created_at, then id), at most ``limit``,
    after the migration whose uuid is ``marker``.

    :raises webob.exc.HTTPBadRequest: a marker no cell knows.
    """
    found, marker_seen = [], marker is None
    sort = (["created_at", "id"], ["desc", "desc"]) if paged else (None, None)
    for cell in objects.CellMappingList.get_all(context):
        if cell.is_cell0():
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                found.extend(objects.MigrationList.get_by_filters(
                    cctxt, filters, sort_keys=sort[0], sort_dirs=sort[1],
                    limit=limit, marker=marker))
                marker_seen = True
            except exception.MarkerNotFound:
                # In another cell; this one's are all on earlier pages or later
                # ones by time, which one cell cannot tell: leave them out.
                continue
    if not marker_seen:
        raise webob.exc.HTTPBadRequest(explanation=f"Marker {marker} could not be found.")
    if not paged:
        return found
    found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    return found[:limit]
