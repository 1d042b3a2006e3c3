"""Archiving soft-deleted rows of a cell database, and purging what was archived.

Deleting in nova only marks rows (``deleted`` = the row id, ``deleted_at``
= the time), so cell databases keep growing. Upstream's two-stage clean-up,
which ``nova-manage db archive_deleted_rows`` and ``db purge`` drive:

* **archive**: move soft-deleted rows into the ``shadow_<table>`` tables
  (``nova.db.main.models.SHADOW_TABLES``), which nothing reads. An
  instance takes every row that belongs to it along, deleted or not
  (its actions and their events are never soft-deleted themselves);
  its tags and console tokens, which have no shadow table, are deleted.
  Its records in the API database (instance mapping, request spec, server
  group membership) are deleted by ``purge_api_records``.
* **purge**: delete rows from the shadow tables, all of them or those
  older than a date.

Times are naive UTC datetimes, as the database stores them.
"""

import collections

from oslo_log import log as logging
from sqlalchemy import Enum, String, cast, delete, insert, select

from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as db_api
from nova.db.main import models

LOG = logging.getLogger(__name__)

#: The tables archived, in order: a row goes before the rows it references,
#: so no foreign key ever points from a live row into a shadow table.
ARCHIVE_ORDER = (
    "instance_actions_events",
    "instance_actions",
    "instance_extra",
    "instance_metadata",
    "instance_system_metadata",
    "instance_faults",
    "instance_info_caches",
    "block_device_mapping",
    "migrations",
    "instances",
    "compute_nodes",
    "services",
)

#: Tables whose rows go with their instance (by ``instance_uuid``), deleted
#: or not, when the instance is archived.
INSTANCE_CHILD_TABLES = tuple(
    name for name in ARCHIVE_ORDER
    if name != "instances" and "instance_uuid" in models.BASE.metadata.tables[name].c)

#: Shadow table -> the timestamp ``purge --before`` compares: when the row
#: was deleted, or for actions and their events, which are never
#: soft-deleted, when they were created (upstream's choice).
PURGE_TIMESTAMP = {
    shadow.name: ("created_at" if name in ("instance_actions", "instance_actions_events")
                  else "deleted_at")
    for name, shadow in models.SHADOW_TABLES.items()
}

#: How many ids or uuids go into one ``IN (...)`` list (SQLite's limit on
#: bound parameters is far above it on every supported version).
_IN_CHUNK = 500


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def _copied_columns(session, table, shadow):
    """The columns of ``table`` as INSERT ... SELECT into ``shadow`` must read them."""
    if session.get_bind().dialect.name != "postgresql":
        return list(table.c)
    # A shadow enum column has a type of its own, and PostgreSQL converts
    # one enum type into another only through text.
    return [cast(cast(column, String), shadow.c[column.name].type)
            if isinstance(column.type, Enum) else column
            for column in table.c]


def _move(session, name, column, values):
    """Move the rows of table ``name`` whose ``column`` is in ``values``; return the count."""
    table = models.BASE.metadata.tables[name]
    shadow = models.SHADOW_TABLES[name]
    names = [c.name for c in table.c]
    copied = _copied_columns(session, table, shadow)
    moved = 0
    for chunk in _chunks(values):
        where = table.c[column].in_(chunk)
        session.execute(insert(shadow).from_select(names, select(*copied).where(where)))
        moved += session.execute(delete(table).where(where)).rowcount
    LOG.debug("Moved %d rows of %s into %s", moved, name, shadow.name)
    return moved


def _soft_deleted_ids(session, table, limit, before):
    query = select(table.c.id).where(table.c.deleted != 0)
    if before is not None:
        query = query.where(table.c.deleted_at < before)
    return list(session.execute(query.order_by(table.c.id).limit(limit)).scalars())


def _take_instances_along(session, instance_uuids, counts):
    """Archive (or, without a shadow table, delete) what belongs to these instances."""
    actions = models.BASE.metadata.tables["instance_actions"]
    action_ids = []
    for chunk in _chunks(instance_uuids):
        action_ids += session.execute(
            select(actions.c.id).where(actions.c.instance_uuid.in_(chunk))).scalars()
    counts["instance_actions_events"] += _move(
        session, "instance_actions_events", "action_id", action_ids)
    for name in INSTANCE_CHILD_TABLES:
        counts[name] += _move(session, name, "instance_uuid", instance_uuids)
    tags = models.Tag.__table__
    tokens = models.ConsoleAuthToken.__table__
    for chunk in _chunks(instance_uuids):
        session.execute(delete(tags).where(tags.c.resource_id.in_(chunk)))
        session.execute(delete(tokens).where(tokens.c.instance_uuid.in_(chunk)))


@db_api.pick_context_manager_writer
def _archive_table(context, name, limit, before, counts):
    """One table's share of a batch; returns (rows selected, archived instance uuids)."""
    session = context.session
    table = models.BASE.metadata.tables[name]
    ids = _soft_deleted_ids(session, table, limit, before)
    if not ids:
        return 0, []
    instance_uuids = []
    if name == "instances":
        for chunk in _chunks(ids):
            instance_uuids += session.execute(
                select(table.c.uuid).where(table.c.id.in_(chunk))).scalars()
        _take_instances_along(session, instance_uuids, counts)
    counts[name] += _move(session, name, "id", ids)
    return len(ids), instance_uuids


def archive_deleted_rows(context, max_rows, before=None):
    """Move one batch of soft-deleted rows of a cell database into its shadow tables.

    Tables are visited in ``ARCHIVE_ORDER``, each in its own transaction;
    at most ``max_rows`` soft-deleted rows are selected over all of them.
    An archived instance takes its related rows along (counted in their
    tables, not against ``max_rows``).

    :param context: a RequestContext; its target cell (``target_cell``) or
        [database] is archived.
    :param max_rows: the batch size (int >= 1).
    :param before: a naive UTC datetime: only rows deleted before it; None
        for every soft-deleted row.
    :returns: ``({table name: rows moved}, [archived instance uuids])``;
        tables with nothing moved are left out.
    """
    counts = collections.Counter()
    archived_instances = []
    remaining = max_rows
    for name in ARCHIVE_ORDER:
        if remaining <= 0:
            break
        selected, instance_uuids = _archive_table(context, name, remaining, before, counts)
        remaining -= selected
        archived_instances += instance_uuids
    return {name: count for name, count in counts.items() if count}, archived_instances


#: API database tables that hold per-instance records, by ``instance_uuid``.
_API_INSTANCE_TABLES = (
    api_models.InstanceMapping.__table__,
    api_models.RequestSpec.__table__,
    api_models.InstanceGroupMember.__table__,
)


@api_db_api.context_manager.writer
def purge_api_records(context, instance_uuids):
    """Delete the API database's records of archived instances.

    Removes their instance mappings, request specs and server group
    memberships, as upstream's archive does; without a mapping an archived
    instance is gone from every listing.

    :param instance_uuids: instance uuids (str).
    :returns: {table name: rows deleted}, tables with none left out.
    """
    counts = collections.Counter()
    for table in _API_INSTANCE_TABLES:
        for chunk in _chunks(instance_uuids):
            counts[table.name] += context.session.execute(
                delete(table).where(table.c.instance_uuid.in_(chunk))).rowcount
    return {name: count for name, count in counts.items() if count}


@db_api.pick_context_manager_writer
def purge_shadow_tables(context, before=None, status_fn=None):
    """Delete rows from the shadow tables of a cell database.

    :param context: a RequestContext; its target cell or [database].
    :param before: a naive UTC datetime: only rows whose ``PURGE_TIMESTAMP``
        column is older; None deletes every row.
    :param status_fn: called with one line (str) per table that lost rows.
    :returns: the number of rows deleted (int).
    """
    total = 0
    for shadow in sorted(models.SHADOW_TABLES.values(), key=lambda table: table.name):
        statement = delete(shadow)
        column = "(n/a)"
        if before is not None:
            column = PURGE_TIMESTAMP[shadow.name]
            statement = statement.where(shadow.c[column] < before)
        deleted = context.session.execute(statement).rowcount
        LOG.debug("Purged %d rows of %s (before %s)", deleted, shadow.name, before)
        if deleted and status_fn is not None:
            status_fn(f"Deleted {deleted} rows from {shadow.name} based on timestamp "
                      f"column {column}")
        total += deleted
    return total
