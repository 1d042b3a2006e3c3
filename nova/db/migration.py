"""Schema upgrades of the API and cell databases (``nova-manage db/api_db sync``).

Each database has one linear alembic history under
``nova/db/<database>/migrations``. Upstream nova's rules apply: sync upgrades
to the newest revision (or to the one asked for), running it again changes
nothing, and downgrades are refused; to go back, restore a backup.
"""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script
from alembic import util as alembic_util

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.main import api as main_db_api

#: Database names accepted by db_sync/db_version: the cell database ("main",
#: [database] or the cell the context targets) and the API database ("api").
DATABASES = ("main", "api")

_HERE = os.path.dirname(os.path.abspath(__file__))


def _migrations_dir(database):
    return os.path.join(_HERE, database, "migrations")


def _check_database(database):
    if database not in DATABASES:
        raise exception.InvalidInput(
            reason=f"{database!r} is not a valid database name; expected one of "
                   f"{', '.join(DATABASES)}")


def _get_engine(database, context):
    if database == "api":
        return api_db_api.get_engine()
    return main_db_api.get_engine(context=context)


def _alembic_config(database, connection=None):
    """Return the alembic Config of ``database``, bound to ``connection``."""
    directory = _migrations_dir(database)
    config = alembic_config.Config(os.path.join(directory, "alembic.ini"))
    config.set_main_option("script_location", directory)
    config.attributes["connection"] = connection
    return config


def _history(database):
    """Revision ids of ``database`` from the first to the newest (list of str)."""
    script = alembic_script.ScriptDirectory(_migrations_dir(database))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _current_revision(connection):
    return alembic_migration.MigrationContext.configure(connection).get_current_revision()


def _resolve(database, version, history):
    """Return the revision id ``version`` names (None for "base", the empty schema).

    ``version`` is a revision id or a unique prefix of one, "head", "base"
    or None (meaning head).
    """
    if version is None or version in ("head", "heads"):
        return history[-1]
    if version == "base":
        return None
    version = str(version)
    matches = [rev for rev in history if rev.startswith(version)]
    if len(matches) != 1:
        raise exception.DBVersionNotFound(database=database, version=version)
    return matches[0]


def db_sync(version=None, database="main", context=None):
    """Upgrade a database schema to ``version`` (default: the newest revision).

    :param version: a revision id (or a unique prefix of one), "head" or
        None for the newest; "base" (the empty schema) is accepted only
        while the database is still empty, as anything else is a downgrade.
    :param database: "main" for a cell database, "api" for the API database.
    :param context: a RequestContext; when targeted at a cell
        (``nova.context.target_cell``) "main" means that cell's database,
        otherwise [database]. Ignored for "api".
    :raises nova.exception.InvalidInput: unknown ``database``.
    :raises nova.exception.DBVersionNotFound: ``version`` is no revision of
        this database, or the database is at a revision this code does not
        know (it was upgraded by a newer nova).
    :raises nova.exception.DBDowngradeNotSupported: ``version`` is older than
        the database's current revision; nothing is changed.
    """
    _check_database(database)
    sync_engine(_get_engine(database, context), database, version)


def sync_engine(engine, database, version=None):
    """Upgrade the ``database`` schema ("main" or "api") reached through ``engine``.

    ``db_sync`` without the configuration look-up, for tools and tests that
    hold their own SQLAlchemy Engine. Same arguments and exceptions.
    """
    _check_database(database)
    history = _history(database)
    target = _resolve(database, version, history)
    with engine.begin() as connection:
        current = _current_revision(connection)
        if current is not None and current not in history:
            raise exception.DBVersionNotFound(database=database, version=current)
        if target == current:
            return
        if current is not None and (
                target is None or history.index(target) < history.index(current)):
            raise exception.DBDowngradeNotSupported(
                database=database, current=current, target=target or "base")
        try:
            alembic_command.upgrade(_alembic_config(database, connection), target)
        except alembic_util.CommandError as exc:
            raise exception.InvalidInput(reason=str(exc)) from exc


def db_version(database="main", context=None):
    """Return the current schema revision (str), or None for an empty database.

    :param database: "main" or "api", as for ``db_sync``.
    :param context: chooses the cell database, as for ``db_sync``.
    :raises nova.exception.InvalidInput: unknown ``database``.
    """
    _check_database(database)
    return engine_version(_get_engine(database, context))


def engine_version(engine):
    """Return the schema revision (str or None) of the database behind ``engine``."""
    with engine.connect() as connection:
        return _current_revision(connection)


def head_revision(database="main"):
    """Return the newest revision id (str) this code can upgrade ``database`` to."""
    _check_database(database)
    return _history(database)[-1]
