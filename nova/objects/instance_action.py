"""InstanceAction and InstanceActionEvent: the os-instance-actions history.

An action (create, reboot, resize, ...) is keyed by the instance and the
request id that started it; its events are the steps services took
(``compute_reboot_instance`` ...), each finishing "Success" or "Error" with
a traceback. When an event fails its action's ``message`` becomes "Error",
as upstream.
"""

import traceback

from oslo_utils import timeutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields

RESULT_SUCCESS = "Success"
RESULT_ERROR = "Error"


def _actions(context):
    return db_api.model_query(context, models.InstanceAction)


def _action_by_request(context, instance_uuid, request_id):
    return _actions(context).filter_by(
        instance_uuid=instance_uuid, request_id=request_id
    ).order_by(models.InstanceAction.id.desc()).first()


@db_api.pick_context_manager_reader
def _action_get_by_request_id(context, instance_uuid, request_id):
    return _action_by_request(context, instance_uuid, request_id)


@db_api.pick_context_manager_reader
def _actions_get(context, instance_uuid, limit, marker, changes_since, changes_before):
    query = _actions(context).filter_by(instance_uuid=instance_uuid)
    if changes_since is not None:
        query = query.filter(models.InstanceAction.updated_at >= changes_since)
    if changes_before is not None:
        query = query.filter(models.InstanceAction.updated_at <= changes_before)
    query = query.order_by(models.InstanceAction.created_at.desc(),
                           models.InstanceAction.id.desc())
    rows = query.all()
    if marker is not None:
        ids = [r.request_id for r in rows]
        if marker not in ids:
            raise exception.MarkerNotFound(marker=marker)
        rows = rows[ids.index(marker) + 1:]
    return rows[:limit] if limit is not None else rows


@db_api.pick_context_manager_writer
def _action_start(context, values):
    row = models.InstanceAction()
    row.update(values)
    context.session.add(row)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _action_finish(context, instance_uuid, request_id, values):
    row = _action_by_request(context, instance_uuid, request_id)
    if row is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    row.update(values)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _action_discard(context, instance_uuid, request_id):
    row = _action_by_request(context, instance_uuid, request_id)
    if row is not None:
        context.session.query(models.InstanceActionEvent).filter_by(
            action_id=row.id).delete()
        context.session.delete(row)


@db_api.pick_context_manager_writer
def _event_start(context, instance_uuid, request_id, values):
    action = _action_by_request(context, instance_uuid, request_id)
    if action is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    row = models.InstanceActionEvent(action_id=action.id, **values)
    context.session.add(row)
    # Touch the action so changes-since listings notice the new event.
    action.updated_at = timeutils.utcnow()
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _event_finish(context, instance_uuid, request_id, event_name, values):
    action = _action_by_request(context, instance_uuid, request_id)
    if action is None:
        raise exception.InstanceActionNotFound(request_id=request_id,
                                               instance_uuid=instance_uuid)
    row = db_api.model_query(context, models.InstanceActionEvent).filter_by(
        action_id=action.id, event=event_name
    ).order_by(models.InstanceActionEvent.id.desc()).first()
    if row is None:
        raise exception.InstanceActionEventNotFound(event=event_name, action_id=action.id)
    row.update(values)
    if values.get("result") == RESULT_ERROR:
        action.message = RESULT_ERROR
    action.updated_at = timeutils.utcnow()
    context.session.flush()
    return row


@db_api.pick_context_manager_reader
def _events_get(context, action_id):
    return db_api.model_query(context, models.InstanceActionEvent).filter_by(
        action_id=action_id
    ).order_by(models.InstanceActionEvent.created_at.desc(),
               models.InstanceActionEvent.id.desc()).all()


def _now(context):
    return dbutils.naive_utc({"t": context.timestamp or timeutils.utcnow()})["t"]


@base.NovaObjectRegistry.register
class InstanceAction(base.NovaPersistentObject, base.NovaObject):
    """One user-visible action on an instance, identified by its request id."""

    # Version 1.0: initial version (upstream's fields as of 1.2)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "action": fields.StringField(nullable=True),
        "instance_uuid": fields.UUIDField(nullable=True),
        "request_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "start_time": fields.DateTimeField(nullable=True),
        "finish_time": fields.DateTimeField(nullable=True),
        "message": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    _from_db_object = staticmethod(dbutils.from_plain_row)

    @classmethod
    @base.remotable
    def get_by_request_id(cls, context, instance_uuid, request_id):
        """Return the action of ``instance_uuid`` started by ``request_id``, or None."""
        row = _action_get_by_request_id(context, instance_uuid, request_id)
        return cls._from_db_object(context, cls(), row) if row is not None else None

    @classmethod
    @base.remotable
    def action_start(cls, context, instance_uuid, action_name, want_result=True):
        """Record that ``action_name`` started now for ``instance_uuid``.

        The request id, user and project come from ``context``; the start
        time is the context's timestamp (when the request arrived).

        :returns: the InstanceAction, or None when ``want_result`` is False.
        """
        values = {"action": action_name, "instance_uuid": instance_uuid,
                  "request_id": context.request_id, "user_id": context.user_id,
                  "project_id": context.project_id, "start_time": _now(context)}
        row = _action_start(context, values)
        return cls._from_db_object(context, cls(), row) if want_result else None

    @classmethod
    @base.remotable
    def action_finish(cls, context, instance_uuid, want_result=True):
        """Stamp finish_time on the context's request's action of ``instance_uuid``.

        :raises InstanceActionNotFound: the request started no action on it.
        """
        row = _action_finish(context, instance_uuid, context.request_id,
                             {"finish_time": timeutils.utcnow()})
        return cls._from_db_object(context, cls(), row) if want_result else None

    @classmethod
    def discard(cls, context, instance_uuid):
        """Remove the action (and its events) the context's request started.

        For nova-api, which has the cell database, when a request it
        recorded could not be carried out after all (its RPC was never
        sent); not remotable. No action: nothing happens.
        """
        _action_discard(context, instance_uuid, context.request_id)

    @base.remotable
    def finish(self):
        """Stamp finish_time on this action."""
        row = _action_finish(self._context, self.instance_uuid, self.request_id,
                             {"finish_time": timeutils.utcnow()})
        self._from_db_object(self._context, self, row)


@base.NovaObjectRegistry.register
class InstanceActionList(base.ObjectListBase, base.NovaObject):
    """The actions of one instance, newest first."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("InstanceAction"),
    }

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid, limit=None, marker=None,
                             filters=None):
        """Return the actions of ``instance_uuid``, newest first.

        :param limit: max number, or None.
        :param marker: request id of the last action of the previous page.
        :param filters: dict with optional ``changes-since`` /
            ``changes-before`` (datetimes; bounds on updated_at).
        :raises MarkerNotFound: no action has ``marker`` as request id.
        """
        filters = filters or {}
        since = filters.get("changes-since")
        before = filters.get("changes-before")
        since, before = (dbutils.naive_utc({"t": since})["t"],
                         dbutils.naive_utc({"t": before})["t"])
        rows = _actions_get(context, instance_uuid, limit, marker, since, before)
        return base.obj_make_list(context, cls(context), rows)


@base.NovaObjectRegistry.register
class InstanceActionEvent(base.NovaPersistentObject, base.NovaObject):
    """One step of an action: ``result`` "Success" or "Error"; ``traceback`` text."""

    # Version 1.0: initial version (upstream's fields as of 1.4)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "event": fields.StringField(nullable=True),
        "action_id": fields.IntegerField(nullable=True),
        "start_time": fields.DateTimeField(nullable=True),
        "finish_time": fields.DateTimeField(nullable=True),
        "result": fields.StringField(nullable=True),
        "traceback": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
        "details": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    _from_db_object = staticmethod(dbutils.from_plain_row)

    @classmethod
    @base.remotable
    def event_start(cls, context, instance_uuid, event_name, want_result=True, host=None):
        """Record that ``event_name`` started on the context's request's action.

        :raises InstanceActionNotFound: the request started no action on the instance.
        """
        row = _event_start(context, instance_uuid, context.request_id,
                           {"event": event_name, "start_time": timeutils.utcnow(),
                            "host": host})
        return cls._from_db_object(context, cls(), row) if want_result else None

    @classmethod
    @base.remotable
    def event_finish_with_failure(cls, context, instance_uuid, event_name, exc_val=None,
                                  exc_tb=None, want_result=None):
        """Finish ``event_name``: "Success" when ``exc_val`` is None, else "Error".

        A failure stores the formatted traceback (``exc_tb``) and the
        exception's message in ``details``, and marks the action's message
        "Error". Called over RPC (from nova-compute), ``exc_val`` and
        ``exc_tb`` arrive as the strings the caller formatted.

        :raises InstanceActionNotFound / InstanceActionEventNotFound: nothing to finish.
        """
        values = {"finish_time": timeutils.utcnow(), "result": RESULT_SUCCESS}
        if exc_val is not None:
            values["result"] = RESULT_ERROR
            if isinstance(exc_val, exception.NovaException):
                values["details"] = exc_val.format_message()
            else:
                values["details"] = str(exc_val) or exc_val.__class__.__name__
            if isinstance(exc_tb, str):
                values["traceback"] = exc_tb
            elif exc_tb is not None:
                values["traceback"] = "".join(
                    traceback.format_exception(type(exc_val), exc_val, exc_tb))
            else:
                values["traceback"] = values["details"]
        row = _event_finish(context, instance_uuid, context.request_id, event_name, values)
        return cls._from_db_object(context, cls(), row) if want_result else None

    @classmethod
    def event_finish(cls, context, instance_uuid, event_name, want_result=True):
        """Finish ``event_name`` successfully."""
        return cls.event_finish_with_failure(context, instance_uuid, event_name,
                                             want_result=want_result)


@base.NovaObjectRegistry.register
class InstanceActionEventList(base.ObjectListBase, base.NovaObject):
    """The events of one action, newest first."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("InstanceActionEvent"),
    }

    @classmethod
    @base.remotable
    def get_by_action(cls, context, action_id):
        """Return the events of action ``action_id`` (int)."""
        return base.obj_make_list(context, cls(context), _events_get(context, action_id))
