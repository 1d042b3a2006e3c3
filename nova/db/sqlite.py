"""SQLite tuned so that several daemons can share one database file.

The quickstart's default databases are SQLite files used at the same time
by nova-api, nova-conductor, nova-scheduler and the console proxies, each
with many threads. Out of the box that fails with "database is locked":

* in SQLite's default rollback journal a writer blocks every reader, and
  Python's sqlite3 only waits 5 s for a lock;
* a deferred transaction (oslo.db emits a plain ``BEGIN``) that has read
  and then writes must upgrade its lock; when another transaction wrote in
  between, SQLite cannot make it wait and fails it at once, whatever the
  busy timeout.

Every engine nova builds through ``nova.db.conf_facade`` on an SQLite URL
gets three settings when it opens a connection or a transaction:

* ``PRAGMA busy_timeout`` (``BUSY_TIMEOUT_MS``): a transaction waits for a
  lock instead of failing;
* ``PRAGMA journal_mode=WAL`` (file databases): readers and the writer do
  not block each other, and commits cost one fsync;
* ``BEGIN IMMEDIATE`` instead of ``BEGIN``: every transaction takes the
  write lock when it starts, so no transaction ever needs to upgrade a
  lock and the deadlock case above cannot happen; transactions of all
  processes take turns, each waiting up to the busy timeout.

Why no retry decorator: with the write lock taken at BEGIN, the only
"database is locked" left is a wait longer than the busy timeout, and
retrying it would only be a longer timeout; wrapping every write path of
the DB API and of the objects in ``oslo_db.api.wrap_db_retry`` would add
nothing but the risk of retrying inside an outer transaction. The busy
timeout is generous instead (transactions of the control plane last
milliseconds).

MariaDB and PostgreSQL engines are left alone.
"""

import sqlite3
import time

from sqlalchemy import event

#: How long a transaction waits for another's lock before failing (ms).
BUSY_TIMEOUT_MS = 60000


def _on_connect(dbapi_connection, connection_record):
    dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # WAL is a property of the file: once set it stays. Switching needs an
    # exclusive lock, which SQLite may refuse at once (without the busy
    # handler) while other processes open the file, so only the first
    # connection of a file in rollback mode asks. In-memory databases
    # answer "memory" and cannot use WAL.
    mode = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
    if mode.lower() in ("delete", "truncate", "persist"):
        _switch_to_wal(dbapi_connection)


def _switch_to_wal(dbapi_connection, attempts=50, pause=0.1):
    """Set WAL, retrying while other connections hold the file (about 5 s)."""
    for attempt in range(attempts):
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def _begin_immediate(connection, cursor, statement, parameters, context, executemany):
    # oslo.db turns off the driver's own transaction handling on SQLite and
    # emits a plain BEGIN itself; that BEGIN takes the write lock here.
    if statement.strip().upper() == "BEGIN":
        statement = "BEGIN IMMEDIATE"
    return statement, parameters


def tune_engine(engine):
    """Apply busy timeout, WAL and BEGIN IMMEDIATE to an SQLite ``engine``.

    Call it before the engine opens its first connection (connections
    already open keep their settings). Engines of other databases are
    returned untouched; calling it twice does nothing more.

    :param engine: a sqlalchemy.engine.Engine.
    :returns: ``engine``.
    """
    if engine.dialect.name != "sqlite":
        return engine
    if not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
    if not event.contains(engine, "before_cursor_execute", _begin_immediate):
        event.listen(engine, "before_cursor_execute", _begin_immediate, retval=True)
    return engine
