"""TaskLog: one host's run of a periodic audit over one period (``task_log``).

nova-compute records the instance usage audit here (through the
conductor, like every object it writes): ``begin_task`` when it starts a
period, ``end_task`` when it is done. os-instance-usage-audit-log reads
the rows of every host for a period.
"""

from oslo_db import exception as db_exc

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields

RUNNING = "RUNNING"
DONE = "DONE"


def _naive(value):
    return value.replace(tzinfo=None) if value is not None else None


@db_api.pick_context_manager_reader
def _task_logs(context, task_name, period_beginning, period_ending, host=None, state=None):
    query = db_api.model_query(context, models.TaskLog).filter_by(
        task_name=task_name, period_beginning=_naive(period_beginning),
        period_ending=_naive(period_ending))
    if host is not None:
        query = query.filter_by(host=host)
    if state is not None:
        query = query.filter_by(state=state)
    return query.order_by(models.TaskLog.host.asc()).all()


@db_api.pick_context_manager_writer
def _task_log_begin(context, values):
    try:
        return dbutils.insert_row(context.session, models.TaskLog, values)
    except db_exc.DBDuplicateEntry as exc:
        raise exception.TaskAlreadyRunning(task_name=values["task_name"],
                                           host=values["host"]) from exc


@db_api.pick_context_manager_writer
def _task_log_end(context, task_name, period_beginning, period_ending, host, values):
    row = db_api.model_query(context, models.TaskLog).filter_by(
        task_name=task_name, host=host, period_beginning=_naive(period_beginning),
        period_ending=_naive(period_ending)).first()
    if row is None:
        raise exception.TaskNotRunning(task_name=task_name, host=host)
    row.update(values)
    context.session.flush()
    return row


@base.NovaObjectRegistry.register
class TaskLog(base.NovaObject):
    """One task_log row: task_name, state (RUNNING/DONE), host, the period
    (naive UTC datetimes), message, task_items and errors (ints)."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "task_name": fields.StringField(),
        "state": fields.StringField(),
        "host": fields.StringField(),
        "period_beginning": fields.DateTimeField(),
        "period_ending": fields.DateTimeField(),
        "message": fields.StringField(),
        "task_items": fields.IntegerField(),
        "errors": fields.IntegerField(),
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
    }

    _from_db_object = staticmethod(dbutils.from_plain_row)

    @base.remotable
    def begin_task(self):
        """Record the task as RUNNING for this host and period.

        :raises TaskAlreadyRunning: a row exists for them already.
        """
        row = _task_log_begin(self._context, {
            "task_name": self.task_name, "host": self.host, "state": RUNNING,
            "period_beginning": _naive(self.period_beginning),
            "period_ending": _naive(self.period_ending),
            "message": self.message, "task_items": self.task_items, "errors": 0})
        self._from_db_object(self._context, self, row)

    @base.remotable
    def end_task(self):
        """Record the task as DONE with its task_items, errors and message.

        :raises TaskNotRunning: begin_task was never recorded.
        """
        row = _task_log_end(self._context, self.task_name, self.period_beginning,
                            self.period_ending, self.host,
                            {"state": DONE, "message": self.message,
                             "task_items": self.task_items, "errors": self.errors})
        self._from_db_object(self._context, self, row)


@base.NovaObjectRegistry.register
class TaskLogList(base.ObjectListBase, base.NovaObject):
    """A list of TaskLog objects, by host."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("TaskLog"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context, task_name, period_beginning, period_ending, host=None,
                state=None):
        """Return the rows of ``task_name`` for one period (every host, or ``host``)."""
        return base.obj_make_list(context, cls(context), _task_logs(
            context, task_name, period_beginning, period_ending, host, state))
