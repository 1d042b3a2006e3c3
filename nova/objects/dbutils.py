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
