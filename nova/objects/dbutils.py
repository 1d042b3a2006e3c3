"""Small helpers the object modules share between their fields and DB rows."""

import datetime

from oslo_db import exception as db_exc
from oslo_utils import timeutils


def naive_utc(values):
    """Return ``values`` (a dict) with aware datetimes as naive UTC, in place.

    Object DateTimeFields hold timezone-aware values; the DB columns are
    naive UTC (``DATETIME``/``timestamp without time zone``), and some
    drivers reject or mis-store an offset, so offsets are applied and
    dropped before writing.
    """
    for key, value in values.items():
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            values[key] = timeutils.normalize_time(value)
    return values


def from_plain_row(context, obj, row):
    """Fill every field of ``obj`` from the same-named column of ``row``.

    For objects whose fields map one to one onto a cell DB table with soft
    delete; ``deleted`` holds the row id (or 0) in the table and becomes a
    bool in the object, as upstream's NovaPersistentObject does.

    :param context: RequestContext the object keeps.
    :param obj: a new NovaObject; filled in place and its changes reset.
    :param row: an oslo.db model row (supports ``row[column]``).
    :returns: ``obj``.
    """
    for key in obj.fields:
        value = row[key]
        if key == "deleted":
            value = bool(value)
        setattr(obj, key, value)
    obj._context = context
    obj.obj_reset_changes()
    return obj


def insert_row(session, model, values, on_duplicate=None):
    """Add a new ``model`` row holding ``values`` and flush it.

    :param session: the writer session of the caller's transaction.
    :param model: the SQLAlchemy model class of the table.
    :param values: dict of column name -> value.
    :param on_duplicate: None, or a callable taking no argument that returns
        the exception (e.g. a NovaException) to raise instead of oslo.db's
        DBDuplicateEntry when a unique constraint refuses the row.
    :returns: the row, with its id and server defaults filled in by the flush.
    :raises: what ``on_duplicate`` returns (chained to DBDuplicateEntry), or
        DBDuplicateEntry itself when ``on_duplicate`` is None.
    """
    row = model()
    row.update(values)
    session.add(row)
    try:
        session.flush()
    except db_exc.DBDuplicateEntry as exc:
        if on_duplicate is None:
            raise
        raise on_duplicate() from exc
    return row
