"""CellMapping: where one cell's database and message queue live (API DB).

Every deployment has cell0, the cell of instances that failed before a host
was chosen (uuid ``CELL0_UUID``, no message queue of its own to speak of), and
one or more real cells. The rows live in the API database table
``cell_mappings``; the objects layer is the only code that queries it.

URL templates (upstream's rule): a stored ``transport_url`` or
``database_connection`` may contain ``{username}``, ``{password}``,
``{hostname}``, ``{port}``, ``{path}``, ``{scheme}``, ``{query}`` and
``{fragment}``; they are filled, when a mapping is loaded, from this host's
[DEFAULT] transport_url and [database] connection respectively. For
oslo.messaging's multi-host URLs, ``{username1}``, ``{hostname2}``... name the
parts of each host. Credentials can so stay in each host's configuration
instead of the API database.
"""

import logging
import urllib.parse

from sqlalchemy import select

import nova.conf
from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, dbutils, fields

#: The fixed uuid of cell0, as upstream defines it; nova-manage map_cell0
#: creates the mapping with this uuid so every service can find it by uuid.
CELL0_UUID = "00000000-0000-0000-0000-000000000000"

_FIELD_NAMES = ("id", "uuid", "name", "transport_url", "database_connection", "disabled",
                "created_at", "updated_at")

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _netloc_parts(netloc):
    """Split one ``user:pass@host:port`` into its parts (missing ones are None)."""
    userinfo, _sep, hostport = netloc.rpartition("@")
    username, _sep, password = userinfo.partition(":")
    parsed = urllib.parse.urlsplit(f"//{hostport}")
    return {"username": username or None, "password": password or None,
            "hostname": parsed.hostname, "port": parsed.port}


def format_url(url, default):
    """Fill the ``{...}`` template variables of ``url`` from the URL ``default``.

    :param url: a stored cell URL (str), with or without template variables.
    :param default: this host's own URL of the same kind (str or None).
    :returns: ``url`` with its variables filled; ``url`` unchanged when it
        has no ``{``, there is no ``default`` to fill from, or it is no valid
        template (an unknown variable, a stray brace in a password; logged).
    """
    if not url or "{" not in url or not default:
        return url
    parsed = urllib.parse.urlsplit(default)
    values = {"scheme": parsed.scheme, "path": parsed.path.lstrip("/"),
              "query": parsed.query, "fragment": parsed.fragment}
    hosts = parsed.netloc.split(",")
    values.update(_netloc_parts(hosts[0]))
    if len(hosts) > 1:
        for index, netloc in enumerate(hosts, start=1):
            values.update({f"{key}{index}": value
                           for key, value in _netloc_parts(netloc).items()})
    # A part the default lacks (no password, no port) fills in as nothing.
    values = {key: "" if value is None else value for key, value in values.items()}
    try:
        return url.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        LOG.warning("Cell URL template could not be filled (%s); using it as stored",
                    exc.__class__.__name__)
        return url


def _default_transport_url():
    # [DEFAULT] transport_url exists once oslo.messaging registered it (nova.rpc
    # and nova-manage do); without it there is nothing to fill templates from.
    return CONF.transport_url if "transport_url" in CONF else None


def _from_db_object(context, mapping, db_mapping):
    """Copy a ``cell_mappings`` row into ``mapping`` (templates filled), mark it clean."""
    for key in _FIELD_NAMES:
        value = getattr(db_mapping, key)
        if key == "transport_url":
            value = format_url(value, _default_transport_url())
        elif key == "database_connection":
            value = format_url(value, CONF.database.connection)
        setattr(mapping, key, value)
    mapping._context = context
    mapping.obj_reset_changes()
    return mapping


def _row_by_uuid(context, uuid):
    """Return the ``cell_mappings`` row of ``uuid``; raise CellMappingNotFound."""
    row = context.session.execute(
        select(api_models.CellMapping).filter_by(uuid=uuid)).scalars().first()
    if row is None:
        raise exception.CellMappingNotFound(uuid=uuid)
    return row


@api_db_api.context_manager.reader
def _get_by_uuid_from_db(context, uuid):
    return _row_by_uuid(context, uuid)


@api_db_api.context_manager.writer
def _create_in_db(context, updates):
    return dbutils.insert_row(context.session, api_models.CellMapping, updates)


@api_db_api.context_manager.writer
def _save_in_db(context, uuid, updates):
    row = _row_by_uuid(context, uuid)
    row.update(updates)
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _destroy_in_db(context, uuid):
    row = _row_by_uuid(context, uuid)
    context.session.delete(row)


@base.NovaObjectRegistry.register
class CellMapping(base.NovaTimestampObject, base.NovaObject):
    """One row of ``cell_mappings``: a cell's uuid, name, queue and database URLs.

    ``transport_url`` is an oslo.messaging URL (``rabbit://user:pass@host:5672/``)
    and ``database_connection`` an SQLAlchemy URL; both may contain passwords,
    so print them only through ``nova.cmd.manage``'s masking helpers.
    """

    # Version 1.0: Initial version (uuid, name, transport_url,
    #              database_connection, disabled)
    VERSION = "1.0"

    CELL0_UUID = CELL0_UUID

    fields = {
        "id": fields.IntegerField(read_only=True),
        "uuid": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "transport_url": fields.StringField(),
        "database_connection": fields.StringField(),
        "disabled": fields.BooleanField(default=False),
    }

    # obj_make_list (ObjectListBase._from_db_rows) builds items through this.
    _from_db_object = staticmethod(_from_db_object)

    @property
    def identity(self):
        """``uuid(name)`` when the cell has a name, else the bare uuid (for messages)."""
        if "name" in self and self.name:
            return f"{self.uuid}({self.name})"
        return self.uuid

    def is_cell0(self):
        """True when this is the cell0 mapping (uuid ``CELL0_UUID``)."""
        return "uuid" in self and self.uuid == CELL0_UUID

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """Return the mapping with ``uuid``; raises CellMappingNotFound."""
        return _from_db_object(context, cls(), _get_by_uuid_from_db(context, uuid))

    @base.remotable
    def create(self):
        """Insert this mapping; ``disabled`` defaults to False.

        :raises ObjectActionError: when the object already has an ``id``.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        updates = self.obj_get_changes()
        updates.setdefault("disabled", False)
        _from_db_object(self._context, self, _create_in_db(self._context, updates))

    @base.remotable
    def save(self):
        """Write changed fields (not uuid) back; raises CellMappingNotFound."""
        changes = self.obj_get_changes()
        changes.pop("uuid", None)
        changes.pop("id", None)
        if not changes:
            return
        _from_db_object(self._context, self, _save_in_db(self._context, self.uuid, changes))

    @base.remotable
    def destroy(self):
        """Delete the row (hard delete, as every API DB table); raises CellMappingNotFound."""
        _destroy_in_db(self._context, self.uuid)


@api_db_api.context_manager.reader
def _get_all_from_db(context, disabled=None, project_id=None):
    query = select(api_models.CellMapping).order_by(api_models.CellMapping.id.asc())
    if disabled is not None:
        query = query.filter_by(disabled=disabled)
    if project_id is not None:
        query = query.where(api_models.CellMapping.id.in_(
            select(api_models.InstanceMapping.cell_id)
            .filter_by(project_id=project_id)
            .where(api_models.InstanceMapping.cell_id.is_not(None))
            .distinct()))
    return context.session.execute(query).scalars().all()


@base.NovaObjectRegistry.register
class CellMappingList(base.ObjectListBase, base.NovaObject):
    """The cell mappings of a deployment, ordered by id (cell0 usually first)."""

    # Version 1.0: Initial version (get_all, get_by_disabled, get_by_project_id)
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("CellMapping"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every cell mapping, cell0 included."""
        return cls._from_db_rows(context, _get_all_from_db(context))

    @classmethod
    @base.remotable
    def get_by_disabled(cls, context, disabled):
        """Return the mappings whose ``disabled`` equals ``disabled`` (bool)."""
        return cls._from_db_rows(context, _get_all_from_db(context, disabled=bool(disabled)))

    @classmethod
    @base.remotable
    def get_by_project_id(cls, context, project_id):
        """Return the cells holding at least one instance mapping of ``project_id``."""
        return cls._from_db_rows(context, _get_all_from_db(context, project_id=project_id))
