"""enginefacade transaction contexts whose options come from a nova.conf group.

oslo.db's global facade reads [database] when it starts; nova has two
databases ([database] for the cell database, [api_database] for the API
database) and connects to other cells' databases by URL. The helpers here
build transaction context managers for each case. None of them touches a
database before the first transaction, so importing the db modules is safe
in nova-compute, which has no database credentials.
"""

import threading

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade

from nova.conf import CONF
from nova.db import sqlite

#: Options of an oslo.db group that the enginefacade factory understands.
_FACTORY_OPTIONS = (
    "connection",
    "slave_connection",
    "mysql_sql_mode",
    "mysql_wsrep_sync_wait",
    "connection_recycle_time",
    "connection_debug",
    "max_pool_size",
    "max_overflow",
    "pool_timeout",
    "sqlite_synchronous",
    "connection_trace",
    "max_retries",
    "retry_interval",
    "connection_parameters",
)


def facade_options(group, connection=None):
    """Return enginefacade ``configure()`` keywords from a CONF group.

    :param group: an oslo.config group object such as ``CONF.database``.
    :param connection: a SQLAlchemy URL (str) replacing the group's own
        ``connection``; the pool and retry options still come from the group.
    :returns: dict of keyword arguments for ``transaction_context().configure``.
    """
    options = {}
    for name in _FACTORY_OPTIONS:
        value = getattr(group, name, None)
        if value is not None:
            options[name] = value
    if connection is not None:
        options["connection"] = connection
        # A replica of the group's database is no replica of another cell's.
        options.pop("slave_connection", None)
    # Upstream nova leaves SQLite foreign keys off and keeps loaded objects
    # usable after commit, since objects are read after the session ends.
    options["sqlite_fk"] = False
    options["expire_on_commit"] = False
    return options


class TunedFactory(enginefacade._TransactionFactory):
    """A transaction factory whose SQLite engines are ``sqlite.tune_engine``d."""

    def _setup_for_connection(self, sql_connection, engine_kwargs, maker_kwargs):
        engine, maker = super()._setup_for_connection(
            sql_connection, engine_kwargs, maker_kwargs)
        return sqlite.tune_engine(engine), maker


class GroupConfiguredFactory(TunedFactory):
    """A transaction factory that reads a CONF group when it first starts.

    Raises oslo_db.exception.CantStartEngineError at first use when the
    group's ``connection`` is unset.

    Reading at start rather than at import lets tests and nova-manage set
    options (``--config-file``, ``set_override``) after the module is imported.
    """

    def __init__(self, group_name):
        super().__init__()
        self._group_name = group_name
        self._configure_lock = threading.Lock()

    def _start(self, conf=False, connection=None, slave_connection=None):
        with self._configure_lock:
            if self._started:
                return
            options = facade_options(getattr(CONF, self._group_name))
            if not options.get("connection"):
                raise db_exc.CantStartEngineError(
                    f"[{self._group_name}] connection is not set")
            self.configure(**options)
            # conf=None: every option is set explicitly above, so the factory
            # must not fall back to [database] (wrong for [api_database]).
            super()._start(conf=None)


#: Groups whose engines nova-api opens.
_API_GROUPS = ("database", "api_database")


def set_api_defaults(conf):
    """Make a first connection of nova-api to a database that is down fail at once.

    oslo.db tries a new engine's first connection ``max_retries`` times,
    ``retry_interval`` seconds apart (10 and 10 s), before the request that
    started the engine gets its error: up to 100 s for one API call. With
    0, the engine starts without that test and the request fails at once
    (503, doc/source/outages.rst). Only the default changes: a value set in
    nova-api's configuration files wins. Daemons keep waiting for the
    database at start.

    :param conf: the process's ConfigOpts, with the database groups registered.
    """
    for group in _API_GROUPS:
        conf.set_default("max_retries", 0, group=group)


def group_context_manager(group_name):
    """Return a transaction context manager configured lazily from a CONF group.

    :param group_name: "database" or "api_database".
    :returns: an enginefacade ``_TransactionContextManager`` usable as
        ``@manager.writer`` / ``with manager.reader.using(context)``.
    """
    manager = enginefacade.transaction_context()
    manager.patch_factory(GroupConfiguredFactory(group_name))
    return manager


def reset_group_context_manager(manager, group_name):
    """Drop ``manager``'s engines so that its next use re-reads the CONF group.

    Decorators created from ``manager`` (``manager.writer`` etc.) keep
    working, because they reach the factory through ``manager``.

    :param manager: a manager made by ``group_context_manager``.
    :param group_name: the group it reads, as given to ``group_context_manager``.
    """
    manager.dispose_pool()
    manager.patch_factory(GroupConfiguredFactory(group_name))


def url_context_manager(connection_url):
    """Return a new transaction context manager for one database URL.

    Pool, retry and SQL-mode options come from [database], as a cell's
    database is tuned like this process's own cell database.

    :param connection_url: a SQLAlchemy URL (str).
    """
    manager = enginefacade.transaction_context()
    manager.patch_factory(TunedFactory())
    manager.configure(**facade_options(CONF.database, connection=connection_url))
    return manager
