"""SQLite shared by many threads of one process: one writer at a time, waiting.

nova-all and the functional tests run every service in one process on
SQLite files, and oslo.db gives each session its own connection. SQLite's
default (deferred) transactions take the write lock only at the first
write; when two transactions that have both read try to write, SQLite
cannot make either wait for the other and fails one at once with
"database is locked", whatever the busy timeout. Starting every
transaction with ``BEGIN IMMEDIATE`` takes the write lock up front, so a
second transaction waits for the first (up to ``BUSY_TIMEOUT_MS``) instead
of failing: threads take turns, which is what a laptop or a test needs.
oslo.db already follows SQLAlchemy's recipe for SQLite transaction control
(the driver's own BEGIN off, a BEGIN of its own emitted): we turn that
BEGIN into BEGIN IMMEDIATE on its way to the driver.

Only SQLite connections are touched; engines of MariaDB or PostgreSQL in
the same process are left alone.
"""

import contextlib
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: How long a transaction waits for another's write lock before failing (ms).
BUSY_TIMEOUT_MS = 30000


def _on_connect(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _immediate_begin(connection, cursor, statement, parameters, context, executemany):
    # oslo.db turns the driver's own transaction handling off for SQLite and
    # emits a plain BEGIN itself; this makes that BEGIN take the write lock.
    if connection.dialect.name == "sqlite" and statement.strip().upper() == "BEGIN":
        statement = "BEGIN IMMEDIATE"
    return statement, parameters


def install():
    """Make SQLite transactions of every engine in this process begin IMMEDIATE.

    Applies to engines built by oslo.db (nova's, Placement's); the busy
    timeout to connections opened from now on (oslo.db opens one per
    session for SQLite files). Idempotent.
    """
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
    if not event.contains(Engine, "before_cursor_execute", _immediate_begin):
        event.listen(Engine, "before_cursor_execute", _immediate_begin, retval=True)


def uninstall():
    """Undo ``install`` for connections opened from now on."""
    if event.contains(Engine, "connect", _on_connect):
        event.remove(Engine, "connect", _on_connect)
    if event.contains(Engine, "before_cursor_execute", _immediate_begin):
        event.remove(Engine, "before_cursor_execute", _immediate_begin)


@contextlib.contextmanager
def serialized_transactions():
    """``install`` for the duration of a ``with`` block (the tests' scope)."""
    install()
    try:
        yield
    finally:
        uninstall()
