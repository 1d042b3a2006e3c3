"""Engines and transactions of cell databases ([database] and cell mappings).

``main_context_manager`` serves the cell database this process is configured
with ([database]). A context targeted at another cell (``nova.context
.target_cell``) carries that cell's manager in ``context.db_connection``;
``get_context_manager`` and the ``pick_context_manager_*`` decorators choose
between the two, so one function serves every cell::

    @pick_context_manager_writer
    def instance_destroy(context, instance_uuid):
        model_query(context, models.Instance).filter_by(...).soft_delete()

No engine is created at import: nova-compute imports this module and must
never connect to a database.
"""

import functools
import threading

from nova.db import conf_facade

_GROUP = "database"

#: enginefacade transaction context of the [database] cell database.
main_context_manager = conf_facade.group_context_manager(_GROUP)

# One transaction context (and so one connection pool) per cell database URL,
# shared by every request that targets that cell.
_cell_context_managers = {}
_cell_context_managers_lock = threading.Lock()


def create_context_manager(connection_url):
    """Return the transaction context manager of a cell database.

    Managers are cached per URL, so every request targeting a cell shares
    one connection pool; nothing connects until the first transaction.

    :param connection_url: the cell's SQLAlchemy URL (str), usually
        ``CellMapping.database_connection``.
    :returns: an enginefacade transaction context manager.
    """
    with _cell_context_managers_lock:
        manager = _cell_context_managers.get(connection_url)
        if manager is None:
            manager = conf_facade.url_context_manager(connection_url)
            _cell_context_managers[connection_url] = manager
        return manager


def get_context_manager(context):
    """Return the manager of the cell ``context`` targets, else the [database] one.

    :param context: a RequestContext (or None for [database]).
    """
    db_connection = getattr(context, "db_connection", None)
    return db_connection if db_connection is not None else main_context_manager


def get_engine(use_slave=False, context=None):
    """Return the Engine of the cell database ``context`` targets.

    :param use_slave: True for the reader engine ([database] slave_connection
        when configured, else the writer's).
    :param context: a RequestContext or None for [database].
    """
    manager = get_context_manager(context)
    return manager.reader.get_engine() if use_slave else manager.writer.get_engine()


def _using(mode_of):
    """Build a decorator running its function inside a transaction of the chosen cell.

    ``mode_of(manager)`` picks the mode (writer, reader, ...). The decorated
    function's first argument is the RequestContext; inside the function
    ``context.session`` is the open session.
    """

    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(context, *args, **kwargs):
            manager = get_context_manager(context)
            with mode_of(manager).using(context):
                return fn(context, *args, **kwargs)

        return wrapper

    return decorator


#: Run the function in a writer transaction on the context's cell database.
pick_context_manager_writer = _using(lambda manager: manager.writer)
#: Run the function in a reader transaction on the context's cell database.
pick_context_manager_reader = _using(lambda manager: manager.reader)
#: Reader transaction that may go to [database] slave_connection.
pick_context_manager_reader_allow_async = _using(
    lambda manager: manager.reader.allow_async)


def select_db_reader_mode(fn):
    """Run ``fn(context, ..., use_slave=False)`` in a reader transaction.

    Upstream's rule for reads that tolerate replication lag: when the call
    passes ``use_slave=True`` the transaction may use [database]
    slave_connection (if configured); otherwise it reads from the primary.
    """

    @functools.wraps(fn)
    def wrapper(context, *args, **kwargs):
        reader = get_context_manager(context).reader
        if kwargs.get("use_slave", False):
            reader = reader.allow_async
        with reader.using(context):
            return fn(context, *args, **kwargs)

    return wrapper


def model_query(context, model, args=None, read_deleted=None, project_only=False):
    """Start a query on ``model`` in the context's open session, soft-delete aware.

    Follows upstream's rule: rows with ``deleted != 0`` are soft-deleted;
    ``read_deleted`` "no" hides them, "yes" shows everything, "only" shows
    only them. Models without a ``deleted`` column are not filtered.

    :param context: a RequestContext inside a ``pick_context_manager_*``
        (or ``manager.reader/writer.using(context)``) block.
    :param model: the mapped class to query.
    :param args: optional columns/entities to select instead of ``model``.
    :param read_deleted: "no", "yes" or "only"; None uses
        ``context.read_deleted``.
    :param project_only: True restricts a non-admin context to its own
        project's rows; "allow_none" also lets rows with a NULL project_id
        through. Admin contexts are never restricted.
    :returns: a SQLAlchemy ``Query``.
    :raises ValueError: unknown ``read_deleted`` value.
    """
    if read_deleted is None:
        read_deleted = context.read_deleted
    query = context.session.query(*(args or (model,)))
    if args:
        query = query.select_from(model)

    deleted = getattr(model, "deleted", None)
    if read_deleted == "no":
        if deleted is not None:
            query = query.filter(deleted == 0)
    elif read_deleted == "only":
        if deleted is not None:
            query = query.filter(deleted != 0)
    elif read_deleted != "yes":
        raise ValueError(
            f"Unrecognized read_deleted value {read_deleted!r}; "
            "expected 'no', 'yes' or 'only'")

    if project_only and _is_user_context(context):
        if project_only == "allow_none":
            query = query.filter(
                (model.project_id == context.project_id) | model.project_id.is_(None))
        else:
            query = query.filter(model.project_id == context.project_id)
    return query


def _is_user_context(context):
    """True for a non-admin request made by a user within a project."""
    return bool(not context.is_admin and context.user_id and context.project_id)


def reset_context_managers():
    """Dispose every engine: [database]'s (re-read at next use) and each cell's.

    For tests and nova-manage after changing configuration or dropping
    databases; cell managers are forgotten and made afresh on next use.
    """
    conf_facade.reset_group_context_manager(main_context_manager, _GROUP)
    with _cell_context_managers_lock:
        managers = list(_cell_context_managers.values())
        _cell_context_managers.clear()
    for manager in managers:
        manager.dispose_pool()
