"""The base of every service manager: the RPC endpoint and its periodic tasks.

A manager is the object an RPC server dispatches to (its public methods are
the RPC methods of the service's current API version) and the owner of the
service's periodic tasks. ``nova.service.Service`` drives its life cycle:

1. ``init_host()`` before the service record and the RPC server exist;
2. ``pre_start_hook(service_ref)`` once the service record is known;
3. the RPC server starts;
4. ``post_start_hook()``;
5. ``periodic_tasks(context)`` every so often, ``reset()`` on SIGHUP;
6. ``cleanup_host()`` after the RPC server has stopped and drained.

Periodic tasks are methods decorated with ``periodic_task.periodic_task``
(oslo.service); ``spacing`` is in seconds.
"""

from oslo_log import log as logging
from oslo_service import periodic_task

from nova import conf as nova_conf

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

#: The decorator for periodic tasks, re-exported so managers import one module.
periodic = periodic_task.periodic_task


class Manager(periodic_task.PeriodicTasks):
    """Base class of the conductor, scheduler and compute managers.

    :param host: the name this service runs under ([DEFAULT] host).
    :param service_name: the short name ("conductor", "compute", ...), used
        in log lines and notification publisher ids.

    Subclasses set ``target`` (an oslo_messaging.Target with the API
    version) and may list extra RPC endpoints in ``additional_endpoints``
    (objects with their own ``target``, e.g. a namespaced API).
    """

    #: oslo_messaging.Target(version=...) of this manager's RPC API.
    target = None

    def __init__(self, host=None, service_name="undefined"):
        self.host = host or CONF.host
        self.service_name = service_name
        self.additional_endpoints = []
        super().__init__(CONF)

    def set_periodic_spacing(self, task_name, spacing):
        """Set the spacing of one periodic task of this manager from configuration.

        oslo.service fixes a task's spacing when the class is defined, which
        is before the configuration files are read; this applies the
        configured value to this instance only.

        :param task_name: the task's name (its method name).
        :param spacing: seconds; 0 means the default (60 s), a negative
            value disables the task.
        :raises KeyError: the manager has no such task.
        """
        tasks = dict(self._periodic_tasks)
        if task_name not in tasks:
            raise KeyError(task_name)
        if spacing < 0:
            self._periodic_tasks = [(name, task) for name, task in self._periodic_tasks
                                    if name != task_name]
            return
        self._periodic_spacing = dict(self._periodic_spacing)
        self._periodic_spacing[task_name] = spacing or periodic_task.DEFAULT_INTERVAL

    def periodic_tasks(self, context, raise_on_error=False):
        """Run the periodic tasks that are due.

        :param context: an admin RequestContext.
        :param raise_on_error: re-raise a task's exception instead of logging it.
        :returns: seconds until the next task is due (float).
        """
        return self.run_periodic_tasks(context, raise_on_error=raise_on_error)

    def init_host(self, service_ref=None):
        """Prepare the host before the RPC server starts (nothing by default).

        :param service_ref: the objects.Service of this service if it
            already exists in the services table, else None.
        """

    def cleanup_host(self):
        """Release the host's resources after the RPC server stopped."""

    def pre_start_hook(self, service_ref):
        """Called with the service record, before the RPC server starts.

        :param service_ref: the objects.Service of this service.
        """

    def post_start_hook(self):
        """Called once the RPC server is consuming."""

    def reset(self):
        """Re-read whatever depends on mutable options (called on SIGHUP)."""
