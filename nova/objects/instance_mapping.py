"""InstanceMapping: which cell holds an instance (API DB ``instance_mappings``).

The API creates the mapping with no cell when it accepts a server (the server
is then a build request); the conductor sets the cell once the instance row
exists in a cell database (cell0 when scheduling failed). Every request about
one server starts by reading its mapping.
"""

from sqlalchemy import delete, func, select

from nova import context as nova_context
from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova.objects import base, cell_mapping, dbutils, fields

#: project_id of the row that remembers where ``nova-manage cell_v2
#: map_instances`` stopped (the name upstream uses, so tools recognise it).
MAP_INSTANCES_MARKER_PROJECT = "INSTANCE_MIGRATION_MARKER"

_FIELD_NAMES = ("id", "instance_uuid", "project_id", "user_id", "queued_for_delete",
                "created_at", "updated_at")


def _from_db_object(context, mapping, db_mapping):
    """Copy an ``instance_mappings`` row (with its joined cell, if any) into ``mapping``."""
    for key in _FIELD_NAMES:
        value = getattr(db_mapping, key)
        if key == "queued_for_delete":
            # Rows written before the column existed upstream hold NULL.
            value = bool(value)
        setattr(mapping, key, value)
    if db_mapping.cell_mapping is not None:
        mapping.cell_mapping = cell_mapping._from_db_object(
            context, cell_mapping.CellMapping(), db_mapping.cell_mapping)
    else:
        mapping.cell_mapping = None
    mapping._context = context
    mapping.obj_reset_changes()
    return mapping


def _row_by_uuid(context, instance_uuid):
    """Return the ``instance_mappings`` row of ``instance_uuid``; raise InstanceMappingNotFound."""
    row = context.session.execute(
        select(api_models.InstanceMapping).filter_by(instance_uuid=instance_uuid)
    ).scalars().first()
    if row is None:
        raise exception.InstanceMappingNotFound(uuid=instance_uuid)
    return row


@api_db_api.context_manager.reader
def _get_by_instance_uuid_from_db(context, instance_uuid):
    return _row_by_uuid(context, instance_uuid)


@api_db_api.context_manager.writer
def _create_in_db(context, updates):
    row = dbutils.insert_row(
        context.session, api_models.InstanceMapping, updates,
        on_duplicate=lambda: exception.ObjectActionError(
            action="create",
            reason=f"instance {updates.get('instance_uuid')} is mapped already"))
    context.session.refresh(row)
    return row


@api_db_api.context_manager.writer
def _save_in_db(context, instance_uuid, updates):
    row = _row_by_uuid(context, instance_uuid)
    row.update(updates)
    context.session.flush()
    context.session.refresh(row)
    return row


@api_db_api.context_manager.writer
def _destroy_in_db(context, instance_uuid):
    row = _row_by_uuid(context, instance_uuid)
    context.session.delete(row)


def _column_updates(mapping, changes):
    """Turn a changed ``cell_mapping`` field into the ``cell_id`` column value."""
    if "cell_mapping" in changes:
        cell = changes.pop("cell_mapping")
        changes["cell_id"] = cell.id if cell is not None else None
    return changes


@base.NovaObjectRegistry.register
class InstanceMapping(base.NovaTimestampObject, base.NovaObject):
    """One instance uuid, its owner and its cell (None until scheduled).

    ``queued_for_delete`` becomes True when the server is deleted, so that
    counting a project's servers for quota does not need the cell databases.
    """

    # Version 1.0: Initial version (instance_uuid, cell_mapping, project_id,
    #              user_id, queued_for_delete)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(read_only=True),
        "instance_uuid": fields.UUIDField(),
        "cell_mapping": fields.ObjectField("CellMapping", nullable=True),
        "project_id": fields.StringField(),
        "user_id": fields.StringField(nullable=True),
        "queued_for_delete": fields.BooleanField(default=False),
    }

    # obj_make_list (ObjectListBase._from_db_rows) builds items through this.
    _from_db_object = staticmethod(_from_db_object)

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the mapping of ``instance_uuid``; raises InstanceMappingNotFound."""
        return _from_db_object(
            context, cls(), _get_by_instance_uuid_from_db(context, instance_uuid))

    @base.remotable
    def create(self):
        """Insert the mapping; ``cell_mapping`` may be None (not scheduled yet).

        :raises ObjectActionError: already created, or the uuid is mapped already.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        changes = _column_updates(self, self.obj_get_changes())
        changes.setdefault("queued_for_delete", False)
        _from_db_object(self._context, self, _create_in_db(self._context, changes))

    @base.remotable
    def save(self):
        """Write changed fields (cell, user, queued_for_delete) back."""
        changes = _column_updates(self, self.obj_get_changes())
        changes.pop("id", None)
        changes.pop("instance_uuid", None)
        if not changes:
            return
        _from_db_object(self._context, self,
                        _save_in_db(self._context, self.instance_uuid, changes))

    @base.remotable
    def destroy(self):
        """Delete the mapping; raises InstanceMappingNotFound."""
        _destroy_in_db(self._context, self.instance_uuid)


@api_db_api.context_manager.reader
def _get_list_from_db(context, project_id=None, cell_id=None, instance_uuids=None,
                      limit=None, marker_id=None):
    model = api_models.InstanceMapping
    query = select(model).order_by(model.id.asc())
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    if cell_id is not None:
        query = query.filter_by(cell_id=cell_id)
    if instance_uuids is not None:
        query = query.where(model.instance_uuid.in_(list(instance_uuids)))
    if marker_id is not None:
        query = query.where(model.id > marker_id)
    if limit is not None:
        query = query.limit(limit)
    return context.session.execute(query).scalars().all()


@base.NovaObjectRegistry.register
class InstanceMappingList(base.ObjectListBase, base.NovaObject):
    """Instance mappings, ordered by id."""

    # Version 1.0: Initial version (get_by_project_id, get_by_cell_id,
    #              get_by_instance_uuids)
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("InstanceMapping"),
    }

    @classmethod
    @base.remotable
    def get_by_project_id(cls, context, project_id):
        """Return the mappings of ``project_id``'s instances."""
        return cls._from_db_rows(context, _get_list_from_db(context, project_id=project_id))

    @classmethod
    @base.remotable
    def get_by_cell_id(cls, context, cell_id):
        """Return the mappings pointing at the cell whose ``cell_mappings.id`` is ``cell_id``."""
        return cls._from_db_rows(context, _get_list_from_db(context, cell_id=cell_id))

    @classmethod
    @base.remotable
    def get_by_instance_uuids(cls, context, uuids):
        """Return the mappings of the given instance uuids (unknown uuids are left out)."""
        return cls._from_db_rows(context, _get_list_from_db(context, instance_uuids=uuids))


# --- Cell database look-ups used when mapping or verifying instances -------

def cell_instance_state(cctxt, instance_uuid):
    """Tell whether an instance row exists in the targeted cell database.

    :param cctxt: a context targeted at the cell (``target_cell``).
    :param instance_uuid: the instance uuid (str).
    :returns: "present" for a live row, "deleted" for a soft-deleted row,
        None when the row is gone (archived or never there).
    """
    instance = main_models.Instance
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        deleted = session.execute(
            select(instance.deleted).where(instance.uuid == instance_uuid)
            .order_by(instance.deleted.asc())).scalars().first()
    if deleted is None:
        return None
    return "present" if deleted == 0 else "deleted"


def count_cell_instances(cctxt, host=None):
    """Count the live (not soft-deleted) instances of the targeted cell.

    :param cctxt: a context targeted at the cell.
    :param host: count only instances on this compute host when given.
    :returns: int
    """
    instance = main_models.Instance
    query = select(func.count(instance.id)).where(instance.deleted == 0)
    if host is not None:
        query = query.where(instance.host == host)
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        return session.execute(query).scalar_one()


def _cell_instances_after(cctxt, marker_uuid, limit):
    """Return up to ``limit`` (uuid, project_id, user_id, deleted) rows after the marker.

    Oldest first (created_at, then id), soft-deleted rows included, as
    upstream's map_instances walks the whole instances table.
    """
    instance = main_models.Instance
    query = (select(instance.id, instance.uuid, instance.project_id, instance.user_id,
                    instance.deleted, instance.created_at)
             .order_by(instance.created_at.asc(), instance.id.asc())
             .limit(limit))
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        if marker_uuid is not None:
            marker = session.execute(
                select(instance.id, instance.created_at)
                .where(instance.uuid == marker_uuid)).first()
            if marker is not None:
                if marker.created_at is None:
                    query = query.where(instance.id > marker.id)
                else:
                    query = query.where(
                        (instance.created_at > marker.created_at)
                        | ((instance.created_at == marker.created_at)
                           & (instance.id > marker.id)))
        return session.execute(query).all()


@api_db_api.context_manager.writer
def _create_missing_mappings(context, cell_id, rows):
    """Insert mappings for the rows whose uuid has none; returns how many were made."""
    uuids = [row.uuid for row in rows]
    existing = set(context.session.execute(
        select(api_models.InstanceMapping.instance_uuid)
        .where(api_models.InstanceMapping.instance_uuid.in_(uuids))).scalars().all())
    created = 0
    for row in rows:
        if row.uuid in existing:
            continue
        mapping = api_models.InstanceMapping()
        mapping.update({
            "instance_uuid": row.uuid, "cell_id": cell_id,
            "project_id": row.project_id, "user_id": row.user_id,
            "queued_for_delete": bool(row.deleted),
        })
        context.session.add(mapping)
        created += 1
    return created


def map_cell_instances(context, cell, batch_size, marker_uuid=None):
    """Create instance mappings for one batch of a cell's instances.

    :param context: an admin RequestContext (API DB).
    :param cell: the CellMapping whose database is read.
    :param batch_size: how many instance rows to read (int >= 1).
    :param marker_uuid: uuid of the last instance handled by a previous
        batch, or None to start from the oldest instance.
    :returns: ``(created, next_marker)``: how many mappings were made, and
        the uuid to continue after, or None when the table is exhausted.
    """
    with nova_context.target_cell(context, cell) as cctxt:
        rows = _cell_instances_after(cctxt, marker_uuid, batch_size)
    created = _create_missing_mappings(context, cell.id, rows) if rows else 0
    if len(rows) < batch_size:
        return created, None
    return created, rows[-1].uuid


def _marker_key(instance_uuid):
    # The real instance has a mapping with this uuid already; spaces keep the
    # marker row from colliding with it (upstream stores it the same way).
    return instance_uuid.replace("-", " ")


@api_db_api.context_manager.reader
def get_map_instances_marker(context):
    """Return the instance uuid where map_instances stopped, or None."""
    key = context.session.execute(
        select(api_models.InstanceMapping.instance_uuid)
        .filter_by(project_id=MAP_INSTANCES_MARKER_PROJECT)).scalars().first()
    return key.replace(" ", "-") if key else None


@api_db_api.context_manager.writer
def set_map_instances_marker(context, instance_uuid):
    """Remember ``instance_uuid`` (or forget the marker when None)."""
    context.session.execute(
        delete(api_models.InstanceMapping)
        .where(api_models.InstanceMapping.project_id == MAP_INSTANCES_MARKER_PROJECT))
    if instance_uuid is None:
        return
    marker = api_models.InstanceMapping()
    marker.update({
        "instance_uuid": _marker_key(instance_uuid), "cell_id": None,
        "project_id": MAP_INSTANCES_MARKER_PROJECT,
        "user_id": MAP_INSTANCES_MARKER_PROJECT, "queued_for_delete": False,
    })
    context.session.add(marker)
