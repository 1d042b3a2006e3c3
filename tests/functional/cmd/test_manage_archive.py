"""nova-manage db archive_deleted_rows, db purge and db online_data_migrations.

Servers are made with the real objects (instance, metadata, system
metadata, tags, info cache, fault, action and event, block device mapping,
migration, console token, instance mapping, request spec, server group
membership) and deleted the way nova deletes them (``Instance.destroy``),
on SQLite, MariaDB and PostgreSQL.
"""

import datetime

import pytest
import sqlalchemy as sa

from nova import context as nova_context
from nova import objects
from nova.db.main import models
from tests.functional.cmd.cli import cell_session, table_rows

#: Cell tables whose rows belong to one instance, and the column naming it.
INSTANCE_COLUMNS = {
    "instances": "uuid", "instance_extra": "instance_uuid",
    "instance_metadata": "instance_uuid", "instance_system_metadata": "instance_uuid",
    "instance_faults": "instance_uuid", "instance_actions": "instance_uuid",
    "instance_info_caches": "instance_uuid", "block_device_mapping": "instance_uuid",
    "migrations": "instance_uuid",
}
API_TABLES = ("instance_mappings", "request_specs", "instance_group_member")


@pytest.fixture(autouse=True)
def _objects_registered():
    objects.register_all()


@pytest.fixture
def cells(deployment):
    ctxt = nova_context.get_admin_context()
    return {cell.name: cell for cell in objects.CellMappingList.get_all(ctxt)}


@pytest.fixture
def flavor(deployment):
    flavor = objects.Flavor(nova_context.get_admin_context(), name="m1.archive", flavorid="a1",
                            memory_mb=128, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            is_public=True, disabled=False)
    flavor.create()
    return flavor


@pytest.fixture
def group(deployment):
    group = objects.InstanceGroup(nova_context.get_admin_context(), name="g",
                                  project_id="p1", user_id="u1", policy="anti-affinity")
    group.create()
    return group


def _server(cell, flavor, group, deleted=False):
    """Make a server with every kind of related row in ``cell``; return its uuid."""
    admin = nova_context.get_admin_context()
    with nova_context.target_cell(admin, cell) as ctxt:
        instance = objects.Instance(
            ctxt, flavor=flavor, project_id="p1", user_id="u1", host="h1", node="h1",
            metadata={"role": "web"}, system_metadata={"image_os": "debian"},
            tags=objects.TagList(objects=[objects.Tag(tag="blue")]))
        instance.create()
        request = nova_context.RequestContext(user_id="u1", project_id="p1", is_admin=True)
        request.db_connection = ctxt.db_connection
        objects.InstanceAction.action_start(request, instance.uuid, "create")
        objects.InstanceActionEvent.event_start(request, instance.uuid, "compute_build", host="h1")
        objects.InstanceFault.create_from_exception(ctxt, instance.uuid, ValueError("boom"))
        objects.BlockDeviceMapping(ctxt, instance_uuid=instance.uuid, source_type="image",
                                   destination_type="local", boot_index=0,
                                   image_id="image1").create()
        objects.Migration(ctxt, instance_uuid=instance.uuid, source_compute="h1",
                          dest_compute="h2", status="confirmed",
                          migration_type="migration").create()
        objects.ConsoleAuthToken(ctxt, console_type="novnc", host="h1", port=5900,
                                 instance_uuid=instance.uuid).authorize(600)
    objects.InstanceMapping(admin, instance_uuid=instance.uuid, project_id="p1",
                            cell_mapping=cell).create()
    objects.RequestSpec.from_components(admin, instance.uuid, None, flavor,
                                        instance_group=group, project_id="p1",
                                        user_id="u1").create()
    objects.InstanceGroup.add_members(admin, group.uuid, [instance.uuid])
    if deleted:
        with nova_context.target_cell(admin, cell) as ctxt:
            instance.destroy()
    return instance.uuid


def _rows(url, table, column, value):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT * FROM {table} WHERE {column} = :v"),
                                {"v": value}).all()
    finally:
        engine.dispose()
    return sorted(tuple(str(v) for v in row) for row in rows)


def _instance_rows(url, uuid, shadow=False):
    """{table: sorted rows} of one instance (events under instance_actions_events)."""
    prefix = "shadow_" if shadow else ""
    rows = {t: _rows(url, prefix + t, c, uuid) for t, c in INSTANCE_COLUMNS.items()}
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            events = conn.execute(sa.text(
                f"SELECT e.* FROM {prefix}instance_actions_events e JOIN "
                f"{prefix}instance_actions a ON e.action_id = a.id "
                "WHERE a.instance_uuid = :v"), {"v": uuid}).all()
    finally:
        engine.dispose()
    rows["instance_actions_events"] = sorted(tuple(str(v) for v in r) for r in events)
    return rows


def _api_rows(api_url, uuid):
    return {t: _rows(api_url, t, "instance_uuid", uuid) for t in API_TABLES}


def _soft_deleted_left(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(sa.text(f"SELECT COUNT(*) FROM {name} WHERE deleted != 0"))
                    .scalar() for name in models.SHADOW_TABLES}
    finally:
        engine.dispose()


def _archived_table(output):
    """{table: rows} from the verbose output's table."""
    counts = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].isdigit():
            counts[cells[0]] = int(cells[1])
    return counts


def test_archive_moves_a_deleted_server_with_all_its_rows(cli, deployment, cells, flavor,
                                                          group, db_backend):
    cell1 = cells["cell1"]
    live = _server(cell1, flavor, group)
    gone = _server(cell1, flavor, group, deleted=True)
    url = deployment.main_url
    gone_rows, live_rows = _instance_rows(url, gone), _instance_rows(url, live)
    live_api = _api_rows(deployment.api_url, live)
    assert all(gone_rows.values()), gone_rows  # every kind of row exists
    # A console token written after the delete must not block the archive
    # (its foreign key) and goes with the instance.
    with cell_session(url) as session:
        session.add(models.ConsoleAuthToken(token_hash="late", console_type="novnc",
                                            host="h1", port=1, instance_uuid=gone, expires=1))

    code, out = cli.manage("db", "archive_deleted_rows", "--verbose")
    assert code == 1, out
    archived = _archived_table(out)
    expected = {t: len(rows) for t, rows in gone_rows.items()}
    expected.update({f"API_DB.{t}": 1 for t in API_TABLES})
    assert archived == expected
    # The rows moved unchanged; the live server kept everything.
    assert _instance_rows(url, gone, shadow=True) == gone_rows
    assert not any(_instance_rows(url, gone).values())
    assert _instance_rows(url, live) == live_rows
    assert not any(_api_rows(deployment.api_url, gone).values())
    assert _api_rows(deployment.api_url, live) == live_api
    assert table_rows(url, "tags") == [(live, "blue")]
    assert not _rows(url, "console_auth_tokens", "instance_uuid", gone)
    assert len(_rows(url, "console_auth_tokens", "instance_uuid", live)) == 1
    code, out = cli.manage("cell_v2", "verify_instance", "--uuid", gone)
    assert code == 1, out

    assert cli.manage("db", "archive_deleted_rows", "--verbose") == (0, "Nothing was archived.\n")
    assert cli.manage("db", "archive_deleted_rows") == (0, "")


def test_max_rows_batches_and_until_complete(cli, deployment, cells, flavor, group):
    for _ in range(4):
        _server(cells["cell1"], flavor, group, deleted=True)
    url = deployment.main_url
    before = sum(_soft_deleted_left(url).values())

    code, out = cli.manage("db", "archive_deleted_rows", "--max_rows", "3")
    assert (code, out) == (1, "")
    assert sum(_soft_deleted_left(url).values()) == before - 3

    code, out = cli.manage("db", "archive_deleted_rows", "--max_rows", "2", "--until-complete",
                           "--verbose")
    assert code == 1
    first_line = out.splitlines()[0]
    assert first_line.startswith("Archiving..") and first_line.endswith("complete")
    assert _archived_table(out)["instances"] == 4
    assert _archived_table(out)["API_DB.instance_mappings"] == 4
    assert set(_soft_deleted_left(url).values()) == {0}
    assert table_rows(url, "instances") == []
    assert cli.manage("db", "archive_deleted_rows", "--until-complete") == (0, "")


def _set_deleted_at(url, uuid, when):
    with cell_session(url) as session:
        for table, column in INSTANCE_COLUMNS.items():
            model = models.BASE.metadata.tables[table]
            session.execute(sa.update(model).where(model.c[column] == uuid)
                            .where(model.c.deleted != 0).values(deleted_at=when))


def test_before_archives_and_purges_only_older_rows(cli, deployment, cells, flavor, group):
    url = deployment.main_url
    old = _server(cells["cell1"], flavor, group, deleted=True)
    recent = _server(cells["cell1"], flavor, group, deleted=True)
    _set_deleted_at(url, old, datetime.datetime(2020, 1, 1, 12, 0))
    _set_deleted_at(url, recent, datetime.datetime(2024, 6, 1, 12, 0))

    # 2021-01-01 10:00 at UTC+2 is 08:00 UTC: still after the old delete.
    code, out = cli.manage("db", "archive_deleted_rows", "--before",
                           "2021-01-01T10:00:00+02:00", "--verbose")
    assert code == 1, out
    assert _archived_table(out)["instances"] == 1
    assert _rows(url, "shadow_instances", "uuid", old) and not _rows(
        url, "shadow_instances", "uuid", recent)
    assert _rows(url, "instances", "uuid", recent)

    assert cli.manage("db", "archive_deleted_rows") == (1, "")
    # purge --before compares deleted_at (created_at for actions, which are
    # never soft-deleted): only the older server's rows go.
    code, out = cli.manage("db", "purge", "--before", "Jan 1 2022", "--verbose")
    assert code == 0, out
    assert "Deleted 1 rows from shadow_instances based on timestamp column deleted_at" in out
    assert not _rows(url, "shadow_instances", "uuid", old)
    assert _rows(url, "shadow_instances", "uuid", recent)
    assert _rows(url, "shadow_instance_actions", "instance_uuid", recent)
    code, out = cli.manage("db", "purge", "--before", "2022-01-01")
    assert (code, out) == (3, "")

    code, out = cli.manage("db", "purge", "--all", "--verbose")
    assert code == 0
    assert "Deleted 1 rows from shadow_instances based on timestamp column (n/a)" in out
    assert all(table_rows(url, shadow.name) == [] for shadow in models.SHADOW_TABLES.values())
    assert cli.manage("db", "purge", "--all") == (3, "")


def test_all_cells_and_purge_option(cli, deployment, cells, flavor, group):
    in_cell0 = _server(cells["cell0"], flavor, group, deleted=True)
    in_cell1 = _server(cells["cell1"], flavor, group, deleted=True)

    # Without --all-cells only [database] (cell1) is archived.
    assert cli.manage("db", "archive_deleted_rows")[0] == 1
    assert _rows(deployment.cell0_url, "instances", "uuid", in_cell0)
    assert _rows(deployment.main_url, "shadow_instances", "uuid", in_cell1)

    code, out = cli.manage("db", "archive_deleted_rows", "--all-cells", "--purge", "--verbose")
    assert code == 1, out
    archived = _archived_table(out)
    assert archived["cell0.instances"] == 1
    assert "cell1.instances" not in archived
    assert archived["API_DB.instance_mappings"] == 1
    assert "cell0: Deleted 1 rows from shadow_instances based on timestamp column (n/a)" in out
    for url in (deployment.cell0_url, deployment.main_url):
        assert table_rows(url, "instances") == []
        assert table_rows(url, "shadow_instances") == []

    assert cli.manage("db", "purge", "--all", "--all-cells") == (3, "")


def test_usage_errors_and_exit_codes(cli, databases, conf_fixture, tmp_path):
    for bad in ("0", "-5", str(2**31)):
        code, out = cli.manage("db", "archive_deleted_rows", "--max_rows", bad)
        assert code == 2, (bad, out)
        assert "max_rows must be >= 1" in out
    assert cli.manage("db", "archive_deleted_rows", "--max_rows", "many")[0] == 2
    code, out = cli.manage("db", "archive_deleted_rows", "--before", "yesterday")
    assert code == 4 and out.startswith("Invalid value for --before:")

    code, out = cli.manage("db", "purge")
    assert (code, out.strip()) == (1, "Exactly one of --all and --before is required.")
    assert cli.manage("db", "purge", "--all", "--before", "2020-01-01")[0] == 1
    code, out = cli.manage("db", "purge", "--before", "not a date")
    assert code == 2 and out.startswith("Invalid value for --before:")

    # No API database: archive refuses (3) before touching anything, purge
    # --all-cells cannot list the cells (4); purge of [database] works.
    conf_fixture.config(connection=f"sqlite:///{tmp_path}/no/such/dir.sqlite",
                        group="api_database")
    code, out = cli.manage("db", "archive_deleted_rows")
    assert code == 3 and "[api_database]/connection" in out
    code, out = cli.manage("db", "purge", "--all", "--all-cells")
    assert code == 4 and "[api_database]/connection" in out
    assert cli.manage("db", "purge", "--all")[0] == 3
    conf_fixture.config(connection=None, group="api_database")
    assert cli.manage("db", "archive_deleted_rows")[0] == 3
    assert cli.manage("db", "purge", "--before", "2020-01-01", "--all-cells")[0] == 4


def test_online_data_migrations_with_the_empty_registry(cli, databases):
    code, out = cli.manage("db", "online_data_migrations")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Running batches of 50 until complete"
    assert [c.strip() for c in lines[2].strip("|").split("|")] == [
        "Migration", "Total Needed", "Completed"]
    assert cli.manage("db", "online_data_migrations", "--max-count", "5")[0] == 0
    for bad in ("0", "-1", "many"):
        assert cli.manage("db", "online_data_migrations", "--max-count", bad) == (
            127, "Must supply a positive value for max_count\n")
