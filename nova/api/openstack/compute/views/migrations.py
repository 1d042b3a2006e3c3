"""Bodies of GET /os-migrations, per microversion (api-ref "List Migrations").

``FIELDS`` is (field, lowest microversion, getter); ``fields_for`` picks
those a request sees. The memory/disk counters, cross_cell_move, hidden
and the deleted columns are never shown, as upstream.
"""

from nova.api.openstack import common
from nova.api.openstack.api_version_request import APIVersionRequest

#: Live-migration statuses in which /servers/{id}/migrations/{id} exists.
_LIVE_IN_PROGRESS = ("queued", "preparing", "running", "post-migrating")


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None


def _links(req, migration):
    if migration.migration_type != "live-migration" or \
            migration.status not in _LIVE_IN_PROGRESS:
        return None
    return common.resource_links(
        req, f"servers/{migration.instance_uuid}/migrations", migration.id)


FIELDS = (
    ("id", "2.1", lambda r, m: m.id),
    ("status", "2.1", lambda r, m: m.status),
    ("instance_uuid", "2.1", lambda r, m: m.instance_uuid),
    ("source_node", "2.1", lambda r, m: m.source_node),
    ("dest_node", "2.1", lambda r, m: m.dest_node),
    ("source_compute", "2.1", lambda r, m: m.source_compute),
    ("dest_compute", "2.1", lambda r, m: m.dest_compute),
    ("dest_host", "2.1", lambda r, m: m.dest_host),
    ("old_instance_type_id", "2.1", lambda r, m: m.old_instance_type_id),
    ("new_instance_type_id", "2.1", lambda r, m: m.new_instance_type_id),
    ("created_at", "2.1", lambda r, m: _iso(m.created_at)),
    ("updated_at", "2.1", lambda r, m: _iso(m.updated_at)),
    ("migration_type", "2.23", lambda r, m: m.migration_type),
    ("uuid", "2.59", lambda r, m: m.uuid),
    ("user_id", "2.80", lambda r, m: m.user_id),
    ("project_id", "2.80", lambda r, m: m.project_id),
)


def fields_for(req):
    """Return the (field, getter) pairs a request at its microversion sees."""
    version = req.api_version_request
    return [(name, getter) for name, since, getter in FIELDS
            if version >= APIVersionRequest(since)]


def migration(req, fields, record):
    """Return one migration's body; from 2.23 live migrations in progress have links."""
    body = {name: getter(req, record) for name, getter in fields}
    if req.api_version_request >= APIVersionRequest("2.23"):
        links = _links(req, record)
        if links:
            body["links"] = links
    return body
