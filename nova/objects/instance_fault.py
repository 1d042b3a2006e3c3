"""InstanceFault: an error recorded against a server (``instance_faults``).

The API shows the newest fault of a server in ERROR as its ``fault``
attribute (code, message, details, created). Compute writes one whenever an
action on the instance fails.
"""

import traceback

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields

#: ``message`` is a VARCHAR(255) column.
MAX_MESSAGE_LENGTH = 255


@db_api.pick_context_manager_reader
def _faults_get(context, instance_uuids, latest=False):
    """Return fault rows of ``instance_uuids``, newest first per instance."""
    if not instance_uuids:
        return []
    rows = db_api.model_query(context, models.InstanceFault).filter(
        models.InstanceFault.instance_uuid.in_(instance_uuids)
    ).order_by(models.InstanceFault.created_at.desc(), models.InstanceFault.id.desc()).all()
    if not latest:
        return rows
    newest = {}
    for row in rows:
        newest.setdefault(row.instance_uuid, row)
    return list(newest.values())


@db_api.pick_context_manager_writer
def _fault_create(context, values):
    return dbutils.insert_row(context.session, models.InstanceFault, values)


def fault_values_from_exception(exc, exc_tb=None, include_details=True):
    """Return (code, message, details) describing ``exc`` for a fault record.

    Follows upstream: a NovaException gives its ``code`` and formatted
    message; anything else is a 500 whose message is the exception's text
    or, when empty, its class name. ``details`` is the traceback text when
    ``exc_tb`` is given, else the message.

    :param exc: the exception instance.
    :param exc_tb: a traceback object, or None.
    :param include_details: False leaves ``details`` empty.
    """
    code = 500
    if isinstance(exc, exception.NovaException):
        code = exc.kwargs.get("code", exc.code)
        message = exc.format_message()
    else:
        message = str(exc)
    if not message:
        message = exc.__class__.__name__
    details = ""
    if include_details:
        if exc_tb is not None:
            details = "".join(traceback.format_exception(type(exc), exc, exc_tb))
        else:
            details = message
    return code, message[:MAX_MESSAGE_LENGTH], details


@base.NovaObjectRegistry.register
class InstanceFault(base.NovaPersistentObject, base.NovaObject):
    """One fault: ``code`` (HTTP-like int), ``message`` (<=255 chars), ``details``."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "code": fields.IntegerField(),
        "message": fields.StringField(nullable=True),
        "details": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    _from_db_object = staticmethod(dbutils.from_plain_row)

    @classmethod
    @base.remotable
    def get_latest_for_instance(cls, context, instance_uuid):
        """Return the newest fault of ``instance_uuid``, or None if it has none."""
        rows = _faults_get(context, [instance_uuid], latest=True)
        return cls._from_db_object(context, cls(), rows[0]) if rows else None

    @base.remotable
    def create(self):
        """Insert this fault (``message`` truncated to 255 characters).

        :raises ObjectActionError: it was already created.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        values = self.obj_get_changes()
        if values.get("message"):
            values["message"] = values["message"][:MAX_MESSAGE_LENGTH]
        row = _fault_create(self._context, values)
        self._from_db_object(self._context, self, row)

    @classmethod
    def create_from_exception(cls, context, instance_uuid, exc, exc_tb=None, host=None):
        """Record ``exc`` as a fault of ``instance_uuid`` and return the fault.

        :param exc: the exception that made the action fail.
        :param exc_tb: its traceback (becomes ``details``), or None.
        :param host: the compute host that hit it, or None.
        """
        code, message, details = fault_values_from_exception(exc, exc_tb)
        fault = cls(context, instance_uuid=instance_uuid, code=code, message=message,
                    details=details, host=host)
        fault.create()
        return fault


@base.NovaObjectRegistry.register
class InstanceFaultList(base.ObjectListBase, base.NovaObject):
    """A list of InstanceFault objects, newest first."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("InstanceFault"),
    }

    @classmethod
    @base.remotable
    def get_latest_by_instance_uuids(cls, context, instance_uuids):
        """Return the newest fault of each instance in ``instance_uuids`` that has one."""
        return base.obj_make_list(
            context, cls(context), _faults_get(context, list(instance_uuids), latest=True))

    @classmethod
    @base.remotable
    def get_by_instance_uuids(cls, context, instance_uuids):
        """Return every fault of ``instance_uuids`` (list of str), newest first."""
        return base.obj_make_list(context, cls(context), _faults_get(context, list(instance_uuids)))
