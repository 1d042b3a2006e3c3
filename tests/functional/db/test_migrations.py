"""Schema sync of both databases on SQLite, MariaDB and PostgreSQL.

Covers what ``nova-manage db sync`` / ``api_db sync`` promise: an empty
database reaches head, a second sync changes nothing, downgrades are refused
without touching the schema, and the alembic history builds exactly the
schema the models describe.
"""

import pytest
import sqlalchemy
from alembic import autogenerate
from alembic import migration as alembic_migration

from nova import exception
from nova.db import migration
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models

DATABASES = {
    # database name -> (CONF group, models, engine getter)
    "api": ("api_database", api_models, api_db_api.get_engine),
    "main": ("database", main_models, main_db_api.get_engine),
}


@pytest.fixture(params=sorted(DATABASES))
def empty_db(request, db_backend, database_factory, conf_fixture):
    """One empty database (API or cell) configured in its CONF group."""
    database = request.param
    group, models, get_engine = DATABASES[database]
    url = database_factory(prefix=f"nova_mig_{database}")
    conf_fixture.config(connection=url, group=group)
    return database, models, get_engine


def _schema_snapshot(engine):
    """Tables with their columns, indexes, unique constraints and foreign keys."""
    inspector = sqlalchemy.inspect(engine)
    snapshot = {}
    for table in sorted(inspector.get_table_names()):
        snapshot[table] = (
            sorted((c["name"], str(c["type"]), c["nullable"])
                   for c in inspector.get_columns(table)),
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(str(u["name"]) for u in inspector.get_unique_constraints(table)),
            sorted(str(f["name"]) for f in inspector.get_foreign_keys(table)),
        )
    return snapshot


def _rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(sqlalchemy.text(f"SELECT * FROM {table}")).all()


def test_sync_from_empty_to_head(empty_db):
    database, models, get_engine = empty_db
    assert migration.db_version(database) is None

    migration.db_sync(database=database)

    assert migration.db_version(database) == migration.head_revision(database)
    tables = set(sqlalchemy.inspect(get_engine()).get_table_names())
    assert tables == set(models.BASE.metadata.tables) | {"alembic_version"}


def test_second_sync_changes_nothing(empty_db):
    database, models, get_engine = empty_db
    migration.db_sync(database=database)
    before = _schema_snapshot(get_engine())

    migration.db_sync(database=database)
    migration.db_sync(version=migration.head_revision(database), database=database)

    assert _schema_snapshot(get_engine()) == before
    assert _rows(get_engine(), "alembic_version") == [(migration.head_revision(database),)]


def test_downgrade_is_refused_and_changes_nothing(empty_db):
    database, models, get_engine = empty_db
    migration.db_sync(database=database)
    head = migration.head_revision(database)
    before = _schema_snapshot(get_engine())

    with pytest.raises(exception.DBDowngradeNotSupported) as raised:
        migration.db_sync(version="base", database=database)

    assert head in str(raised.value)
    assert migration.db_version(database) == head
    assert _schema_snapshot(get_engine()) == before


def test_unknown_revision_is_refused(empty_db):
    database, _, _ = empty_db
    with pytest.raises(exception.DBVersionNotFound):
        migration.db_sync(version="0123456789ab", database=database)
    assert migration.db_version(database) is None


def test_models_match_migrated_schema(empty_db):
    """Fails on any drift between models.py and the alembic history."""
    database, models, get_engine = empty_db
    migration.db_sync(database=database)

    with get_engine().connect() as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={"compare_type": True})
        diff = autogenerate.compare_metadata(context, models.BASE.metadata)

    # alembic_version is alembic's bookkeeping, not part of the models.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "alembic_version")]
    assert diff == []


def test_unknown_database_name_is_refused():
    with pytest.raises(exception.InvalidInput):
        migration.db_sync(database="nova_cell1")
    with pytest.raises(exception.InvalidInput):
        migration.db_version(database="cell")
