"""nova-manage db / api_db: version, sync, --local_cell, cell0, refused downgrades."""

from nova.db import migration
from tests.functional.cmd.cli import alembic_version


def test_versions_print_the_head_revision(cli, db_backend, databases):
    code, out = cli.manage("api_db", "version")
    assert (code, out.strip()) == (0, migration.head_revision("api"))
    code, out = cli.manage("db", "version")
    assert (code, out.strip()) == (0, migration.head_revision("main"))


def test_db_sync_upgrades_cell0_unless_local_cell(cli, db_backend, databases,
                                                  database_factory):
    # Without a cell0 mapping only [database] is synced, with a warning.
    code, out = cli.manage("db", "sync")
    assert code == 0
    assert "WARNING: cell0 mapping not found - not syncing cell0." in out

    cell0_url = database_factory(prefix="nm_cell0")
    assert cli.manage("cell_v2", "map_cell0", "--database_connection", cell0_url)[0] == 0
    assert cli.manage("db", "sync", "--local_cell") == (0, "")
    assert alembic_version(cell0_url) is None
    assert cli.manage("db", "sync") == (0, "")
    assert alembic_version(cell0_url) == migration.head_revision("main")
    # Running it again is a no-op.
    assert cli.manage("db", "sync") == (0, "")


def test_db_sync_errors(cli, db_backend, databases, tmp_path):
    head = migration.head_revision("main")
    code, out = cli.manage("db", "sync", "--local_cell", "base")
    assert code == 255
    assert "ERROR:" in out and "downgrade" in out.lower()
    assert alembic_version(databases.main_url) == head

    code, out = cli.manage("api_db", "sync", "ffffffffffff")
    assert code == 255
    assert "ffffffffffff is not a known revision of the api database" in out

    # A cell0 mapping whose database cannot be opened: exit 1 and the hints.
    unreachable = f"sqlite:///{tmp_path}/missing-dir/cell0.sqlite"
    assert cli.manage("cell_v2", "map_cell0", "--database_connection", unreachable)[0] == 0
    code, out = cli.manage("db", "sync")
    assert code == 1
    assert "ERROR: Could not access cell0." in out
    assert cli.manage("db", "sync", "--local_cell") == (0, "")


def test_usage_errors_exit_2(cli, databases):
    assert cli.manage()[0] == 2
    assert cli.manage("db")[0] == 2
    assert cli.manage("cell_v2", "no_such_action")[0] == 2
    assert cli.manage("cell_v2", "delete_cell")[0] == 2  # --cell_uuid is required
    assert cli.manage("cell_v2", "verify_instance")[0] == 2
