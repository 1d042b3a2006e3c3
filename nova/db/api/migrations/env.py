"""Alembic environment of the API database.

nova.db.migration passes an open connection in
``config.attributes["connection"]``; the ``alembic`` command line works
too when ``sqlalchemy.url`` is set in alembic.ini, e.g. to write a new
revision with ``alembic revision --autogenerate``.
"""

import sqlalchemy
from alembic import context
from sqlalchemy import pool

from nova.db.api import models

config = context.config
target_metadata = models.BASE.metadata


def _configure_and_run(**kwargs):
    context.configure(target_metadata=target_metadata, compare_type=True, **kwargs)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline():
    """Write the SQL to stdout instead of running it (``alembic upgrade --sql``)."""
    _configure_and_run(
        url=config.get_main_option("sqlalchemy.url"),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )


def run_migrations_online():
    """Run the migrations on the given connection or on sqlalchemy.url."""
    connection = config.attributes.get("connection")
    if connection is not None:
        # SQLite cannot ALTER most things; batch mode copies tables instead.
        _configure_and_run(
            connection=connection,
            render_as_batch=connection.dialect.name == "sqlite")
        return
    engine = sqlalchemy.create_engine(
        config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _configure_and_run(
            connection=connection,
            render_as_batch=connection.dialect.name == "sqlite")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
