"""The alembic environment shared by the API and the cell database.

Each database's ``migrations/env.py`` calls :func:`run_migrations` with the
metadata of its own models; everything else about running a migration is the
same for both. nova.db.migration passes an open connection in
``config.attributes["connection"]``; the ``alembic`` command line works too
when ``sqlalchemy.url`` is set in alembic.ini, e.g. to write a new revision
with ``alembic revision --autogenerate``.
"""

import sqlalchemy
from alembic import context
from sqlalchemy import pool


def _configure_and_run(target_metadata, **kwargs):
    context.configure(target_metadata=target_metadata, compare_type=True, **kwargs)
    with context.begin_transaction():
        context.run_migrations()


def _run_offline(target_metadata):
    # ``alembic upgrade --sql``: write the SQL to stdout instead of running it.
    _configure_and_run(
        target_metadata,
        url=context.config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )


def _run_on(target_metadata, connection):
    # SQLite cannot ALTER most things; batch mode copies tables instead.
    _configure_and_run(
        target_metadata,
        connection=connection,
        render_as_batch=connection.dialect.name == "sqlite")


def _run_online(target_metadata):
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(target_metadata, connection)
        return
    engine = sqlalchemy.create_engine(
        config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run_on(target_metadata, connection)


def run_migrations(target_metadata):
    """Run the migrations alembic was asked for, for one database.

    Only valid while alembic executes an ``env.py`` (it reads the proxied
    ``alembic.context``).

    :param target_metadata: sqlalchemy.MetaData of that database's models
        (compared against the database by ``--autogenerate``).
    :returns: None. In offline mode (``--sql``) the SQL goes to stdout; online
        it runs on ``config.attributes["connection"]`` when given, else on a
        new engine for ``sqlalchemy.url``.
    """
    if context.is_offline_mode():
        _run_offline(target_metadata)
    else:
        _run_online(target_metadata)
