"""Migration: the record of one move of an instance (cell DB ``migrations``).

Resize, cold migration, live migration and evacuation each write one; the
os-migrations API lists them and the resource tracker uses the in-progress
ones to account for resources on both hosts.
"""

import datetime

from oslo_db.sqlalchemy import utils as sqlalchemyutils
from oslo_utils import timeutils, uuidutils
from sqlalchemy import false, func, null, or_

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields

#: Statuses after which a migration no longer holds resources.
FINISHED_STATUSES = ("confirmed", "reverted", "error", "failed", "completed", "cancelled",
                     "done")

#: Columns a list may sort by.
SORT_KEYS = ("created_at", "updated_at", "id", "status", "source_compute", "dest_compute",
             "instance_uuid", "migration_type")


def _query(context, read_deleted=None):
    return db_api.model_query(context, models.Migration, read_deleted=read_deleted)


@db_api.pick_context_manager_reader
def _migration_get_by(context, not_found, **filters):
    row = _query(context).filter_by(**filters).order_by(models.Migration.id.desc()).first()
    if row is None:
        raise not_found
    return row


@db_api.pick_context_manager_writer
def _migration_create(context, values):
    return dbutils.insert_row(context.session, models.Migration, values)


@db_api.pick_context_manager_writer
def _migration_update(context, migration_id, values):
    row = _query(context).filter_by(id=migration_id).first()
    if row is None:
        raise exception.MigrationNotFound(migration_id=migration_id)
    row.update(values)
    context.session.flush()
    return row


def _match(column, value):
    if isinstance(value, (list, tuple, set)):
        return column.in_(list(value))
    return column == value


@db_api.pick_context_manager_reader
def _migrations_get(context, filters, sort_keys, sort_dirs, limit, marker):
    filters = dict(filters)
    query = _query(context)
    if not filters.pop("hidden", False):
        query = query.filter(or_(models.Migration.hidden == false(),
                                 models.Migration.hidden == null()))
    if "status" in filters:
        query = query.filter(_match(models.Migration.status, filters.pop("status")))
    if "in_progress" in filters:
        if filters.pop("in_progress"):
            query = query.filter(~models.Migration.status.in_(FINISHED_STATUSES))
    if "host" in filters:
        host = filters.pop("host")
        query = query.filter(or_(models.Migration.source_compute == host,
                                 models.Migration.dest_compute == host))
    if "node" in filters:
        node = filters.pop("node")
        query = query.filter(or_(models.Migration.source_node == node,
                                 models.Migration.dest_node == node))
    for key in ("source_compute", "dest_compute", "instance_uuid", "migration_type",
                "user_id", "project_id", "source_node", "dest_node"):
        if key in filters:
            query = query.filter(_match(getattr(models.Migration, key), filters.pop(key)))
    last_change = func.coalesce(models.Migration.updated_at, models.Migration.created_at)
    if "changes-since" in filters:
        query = query.filter(last_change >= _naive(filters.pop("changes-since")))
    if "changes-before" in filters:
        query = query.filter(last_change <= _naive(filters.pop("changes-before")))
    if "updated_before" in filters:
        query = query.filter(models.Migration.updated_at <= _naive(
            filters.pop("updated_before")))
    marker_row = None
    if marker is not None:
        marker_row = _query(context, read_deleted="yes").filter_by(uuid=marker).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
    if sort_keys or limit is not None or marker_row is not None:
        keys = list(sort_keys or ["created_at"])
        dirs = list(sort_dirs or ["desc"] * len(keys))
        dirs.extend([dirs[0]] * (len(keys) - len(dirs)))
        if "id" not in keys:
            keys.append("id")
            dirs.append(dirs[0])
        query = sqlalchemyutils.paginate_query(
            query, models.Migration, limit, keys, marker=marker_row, sort_dirs=dirs)
    else:
        query = query.order_by(models.Migration.id)
    return query.all()


def _naive(value):
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    return dbutils.naive_utc({"v": value})["v"]


@base.NovaObjectRegistry.register
class Migration(base.NovaPersistentObject, base.NovaObject):
    """One move of an instance. Memory/disk counters are bytes (live migration).

    ``status`` follows upstream's vocabulary (pre-migrating, migrating,
    post-migrating, finished, confirmed, reverted, error, accepted, done,
    completed, failed, cancelled, ...); ``migration_type`` is migration,
    resize, live-migration or evacuation.
    """

    # Version 1.0: initial version (upstream's fields as of Migration 1.7)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "source_compute": fields.StringField(nullable=True),
        "dest_compute": fields.StringField(nullable=True),
        "source_node": fields.StringField(nullable=True),
        "dest_node": fields.StringField(nullable=True),
        "dest_compute_id": fields.IntegerField(nullable=True),
        "dest_host": fields.StringField(nullable=True),
        "old_instance_type_id": fields.IntegerField(nullable=True),
        "new_instance_type_id": fields.IntegerField(nullable=True),
        "instance_uuid": fields.StringField(nullable=True),
        "status": fields.StringField(nullable=True),
        "migration_type": fields.MigrationTypeField(nullable=False),
        "hidden": fields.BooleanField(nullable=False, default=False),
        "memory_total": fields.IntegerField(nullable=True),
        "memory_processed": fields.IntegerField(nullable=True),
        "memory_remaining": fields.IntegerField(nullable=True),
        "disk_total": fields.IntegerField(nullable=True),
        "disk_processed": fields.IntegerField(nullable=True),
        "disk_remaining": fields.IntegerField(nullable=True),
        "cross_cell_move": fields.BooleanField(default=False),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, migration, row):
        for key in migration.fields:
            value = row[key]
            if key in ("hidden", "cross_cell_move", "deleted"):
                value = bool(value)
            elif key == "migration_type" and value is None:
                value = "migration"
            setattr(migration, key, value)
        migration._context = context
        migration.obj_reset_changes()
        return migration

    @property
    def is_resize(self):
        """True for a resize (or a same-flavor cold migration recorded as resize)."""
        return self.migration_type == "resize"

    @property
    def is_live_migration(self):
        """True for a live migration."""
        return self.migration_type == "live-migration"

    @classmethod
    @base.remotable
    def get_by_id(cls, context, migration_id):
        """Return migration ``migration_id`` (int).

        :raises MigrationNotFound: none.
        """
        row = _migration_get_by(
            context, exception.MigrationNotFound(migration_id=migration_id), id=migration_id)
        return cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, migration_uuid):
        """Return the migration with ``uuid``.

        :raises MigrationNotFound: none.
        """
        row = _migration_get_by(
            context, exception.MigrationNotFound(migration_id=migration_uuid),
            uuid=migration_uuid)
        return cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        """Return the newest migration of ``instance_uuid`` in ``status``.

        :raises MigrationNotFoundByStatus: none.
        """
        row = _migration_get_by(
            context, exception.MigrationNotFoundByStatus(instance_id=instance_uuid,
                                                         status=status),
            instance_uuid=instance_uuid, status=status)
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        """Insert this migration (uuid generated, type defaults to "migration").

        :raises ObjectActionError: already created.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        if not self.obj_attr_is_set("migration_type"):
            self.migration_type = "migration"
        values = dbutils.naive_utc(self.obj_get_changes())
        values.pop("deleted", None)
        row = _migration_create(self._context, values)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write the changed fields.

        :raises MigrationNotFound: the row is gone.
        """
        values = dbutils.naive_utc(self.obj_get_changes())
        for key in ("id", "uuid", "deleted"):
            values.pop(key, None)
        if values:
            row = _migration_update(self._context, self.id, values)
            self._from_db_object(self._context, self, row)


@base.NovaObjectRegistry.register
class MigrationList(base.ObjectListBase, base.NovaObject):
    """A list of Migration objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Migration"),
    }

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, filters, sort_keys=None, sort_dirs=None, limit=None,
                       marker=None):
        """Return migrations matching ``filters``.

        :param filters: dict; keys ``status`` (str or list), ``host`` (source
            or destination), ``node``, ``source_compute``, ``dest_compute``,
            ``instance_uuid``, ``migration_type``, ``user_id``, ``project_id``,
            ``hidden`` (include hidden ones), ``in_progress`` (bool),
            ``changes-since``/``changes-before``.
        :param marker: uuid of the last migration of the previous page.
        :raises MarkerNotFound: unknown marker.
        """
        return cls._from_db_rows(context, _migrations_get(
            context, filters or {}, sort_keys, sort_dirs, limit, marker))

    @classmethod
    @base.remotable
    def get_in_progress_by_host_and_node(cls, context, host, node):
        """Return unfinished migrations to or from (``host``, ``node``)."""
        rows = _migrations_get(context, {"in_progress": True}, None, None, None, None)
        rows = [r for r in rows
                if (r.source_compute == host and r.source_node == node)
                or (r.dest_compute == host and r.dest_node == node)]
        return cls._from_db_rows(context, rows)

    @classmethod
    @base.remotable
    def get_in_progress_by_instance(cls, context, instance_uuid, migration_type=None):
        """Return unfinished migrations of ``instance_uuid`` (of ``migration_type``)."""
        filters = {"in_progress": True, "instance_uuid": instance_uuid}
        if migration_type is not None:
            filters["migration_type"] = migration_type
        return cls._from_db_rows(context, _migrations_get(context, filters, None, None, None, None))

    @classmethod
    @base.remotable
    def get_unconfirmed_by_dest_compute(cls, context, confirm_window, dest_compute):
        """Return resizes "finished" on ``dest_compute`` more than ``confirm_window`` s ago."""
        cutoff = timeutils.utcnow() - datetime.timedelta(seconds=confirm_window)
        filters = {"status": "finished", "dest_compute": dest_compute,
                   "updated_before": cutoff}
        return cls._from_db_rows(context, _migrations_get(context, filters, None, None, None, None))
