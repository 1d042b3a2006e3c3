"""nova.embedded.sqlite: threads sharing an SQLite file take turns instead of failing."""

import concurrent.futures

import sqlalchemy as sa
from oslo_db.sqlalchemy import engines

from nova.embedded import sqlite

THREADS = 6
ROUNDS = 15


def _read_then_write(engine, worker):
    # Read first, then write, in one transaction: the pattern that makes
    # two deferred SQLite transactions fail with "database is locked".
    for _ in range(ROUNDS):
        with engine.begin() as conn:
            count = conn.execute(sa.text("SELECT COUNT(*) FROM counter")).scalar()
            conn.execute(sa.text("INSERT INTO counter (worker, seen) VALUES (:w, :s)"),
                         {"w": worker, "s": count})


def test_concurrent_read_then_write_transactions_all_commit(tmp_path):
    with sqlite.serialized_transactions():
        engine = engines.create_engine(f"sqlite:///{tmp_path / 'shared.sqlite'}")
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE counter (worker INTEGER, seen INTEGER)"))
            with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
                futures = [pool.submit(_read_then_write, engine, w) for w in range(THREADS)]
                for future in futures:
                    future.result()
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT seen FROM counter ORDER BY seen")).all()
        finally:
            engine.dispose()
    # Every transaction committed, and each saw all the ones before it:
    # they ran one after another.
    assert [seen for (seen,) in rows] == list(range(THREADS * ROUNDS))


def test_uninstall_leaves_new_transactions_deferred(tmp_path):
    sqlite.install()
    sqlite.uninstall()
    engine = engines.create_engine(f"sqlite:///{tmp_path / 'plain.sqlite'}")
    statements = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda conn, cur, statement, *args: statements.append(statement))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE t (a INTEGER)"))
    finally:
        engine.dispose()
    assert "BEGIN IMMEDIATE" not in statements
