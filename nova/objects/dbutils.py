"""Small helpers the object modules share for turning field values into columns."""

import datetime

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
