"""Several daemons writing one SQLite file never fail with "database is locked".

Regression test of issue 14: on the quickstart's SQLite databases, deleting
several servers at once failed in nova-compute and nova-conductor with
``sqlite3.OperationalError: database is locked``. Here several processes,
each with several threads, run read-then-write transactions through the
enginefacade nova builds (nova.db.conf_facade) on one SQLite file.
"""

import concurrent.futures
import multiprocessing

import sqlalchemy as sa

from nova import context as nova_context
from nova.db import conf_facade
from nova.db.main import models

PROCESSES = 4
THREADS = 3
ROUNDS = 8


def _worker_thread(manager, name):
    ctx = nova_context.get_admin_context()
    for round_ in range(ROUNDS):
        # Read first, then write, in one transaction: with SQLite's
        # deferred transactions this is what fails at once when another
        # process wrote in between.
        with manager.writer.using(ctx) as session:
            seen = session.execute(sa.select(sa.func.count()).select_from(models.Tag)).scalar()
            session.add(models.Tag(resource_id=f"{name}-{round_}", tag=str(seen)))


def _worker_process(url, index, errors):
    manager = conf_facade.url_context_manager(url)
    try:
        with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(_worker_thread, manager, f"p{index}t{t}")
                       for t in range(THREADS)]
            for future in futures:
                future.result()
    except Exception as exc:  # reported to the parent, which asserts
        errors.put(f"{type(exc).__name__}: {exc}")
    finally:
        manager.dispose_pool()


def test_concurrent_writers_on_one_sqlite_file_all_commit(main_db):
    # fork: the children inherit the parsed configuration of the test.
    mp = multiprocessing.get_context("fork")
    errors = mp.Queue()
    children = [mp.Process(target=_worker_process, args=(main_db, i, errors))
                for i in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0] * PROCESSES
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []

    manager = conf_facade.url_context_manager(main_db)
    try:
        with manager.reader.using(nova_context.get_admin_context()) as session:
            seen = sorted(int(tag) for tag in session.scalars(sa.select(models.Tag.tag)))
            journal = session.execute(sa.text("PRAGMA journal_mode")).scalar()
    finally:
        manager.dispose_pool()
    # Every transaction committed and each saw all those before it.
    assert seen == list(range(PROCESSES * THREADS * ROUNDS))
    assert journal == "wal"
