"""Aggregate documents of /os-aggregates.

Every answer carries the aggregate's ``availability_zone`` (its
availability_zone metadata, or null) and upstream's soft-delete fields
(always ``deleted`` false and ``deleted_at`` null: API DB rows are hard
deleted). ``uuid`` appears from microversion 2.41.
"""


def _with_uuid(req):
    return req.api_version_request.matches("2.41")


def aggregate(req, agg, with_members=True):
    """Return one aggregate's attributes (without the ``aggregate`` envelope).

    :param agg: objects.Aggregate.
    :param with_members: include ``hosts`` and ``metadata`` (every answer
        but create's, upstream's shapes).
    :returns: {"id", "name", "availability_zone", "created_at",
        "updated_at", "deleted_at", "deleted"[, "hosts", "metadata"][, "uuid"]}.
    """
    body = {
        "id": agg.id,
        "name": agg.name,
        "availability_zone": agg.availability_zone,
        "created_at": agg.created_at,
        "updated_at": agg.updated_at,
        "deleted_at": None,
        "deleted": False,
    }
    if with_members:
        body["hosts"] = list(agg.hosts or [])
        body["metadata"] = dict(agg.metadata or {})
    if _with_uuid(req):
        body["uuid"] = agg.uuid
    return body


def show(req, agg, with_members=True):
    """Return {"aggregate": {...}} (see ``aggregate``)."""
    return {"aggregate": aggregate(req, agg, with_members)}


def index(req, aggs):
    """Return {"aggregates": [{...}, ...]} with hosts and metadata."""
    return {"aggregates": [aggregate(req, agg) for agg in aggs]}
