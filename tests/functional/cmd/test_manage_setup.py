"""The documented install sequence, run twice, on SQLite, MariaDB and PostgreSQL.

    nova-manage api_db sync
    nova-manage cell_v2 map_cell0
    nova-manage cell_v2 create_cell --name cell1
    nova-manage db sync
    nova-manage cell_v2 list_cells

The second run must change nothing: map_cell0 says cell0 is set up (exit 0),
create_cell refuses the duplicate (exit 2), the syncs are no-ops, and every
mapping row and schema version is as the first run left it. The database
URLs carry a password, which list_cells must mask.
"""

import contextlib

import psycopg2
import pymysql
import pytest
from sqlalchemy.engine import url as sa_url

from nova.cmd import manage
from tests.fixtures import database as db_fixtures
from tests.functional.cmd.cli import TRANSPORT_URL, table_rows

PASSWORD = "s3cretpw"

API_TABLES = ("cell_mappings", "host_mappings", "instance_mappings", "alembic_version")


@contextlib.contextmanager
def _mysql_user(databases):
    """A MariaDB user with PASSWORD and every right on ``databases`` (names)."""
    user = db_fixtures.unique_database_name("nm")[:32]
    hosts = ("%", "localhost")
    with contextlib.closing(pymysql.connect(autocommit=True, **db_fixtures.MYSQL_SERVER)) as conn:
        with conn.cursor() as cur:
            for host in hosts:
                cur.execute(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{PASSWORD}'")
                for name in databases:
                    cur.execute(f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{user}'@'{host}'")
    try:
        yield user
    finally:
        with contextlib.closing(
                pymysql.connect(autocommit=True, **db_fixtures.MYSQL_SERVER)) as conn:
            with conn.cursor() as cur:
                for host in hosts:
                    cur.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")


def _create_named_database(backend, name):
    if backend == "mysql":
        with contextlib.closing(
                pymysql.connect(autocommit=True, **db_fixtures.MYSQL_SERVER)) as conn:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    elif backend == "postgresql":
        conn = psycopg2.connect(dbname="postgres", **db_fixtures.POSTGRESQL_SERVER)
        conn.autocommit = True
        with contextlib.closing(conn), conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')


@pytest.fixture
def empty_databases(db_backend, database_factory):
    """Empty API and cell databases (plus the cell0 database nova-manage will
    derive, which an operator creates by hand on MariaDB/PostgreSQL), with
    URLs that carry PASSWORD. Returns (api_url, main_url, cell0_url)."""
    api = sa_url.make_url(database_factory(prefix="nm_api"))
    main = sa_url.make_url(database_factory(prefix="nm_main"))
    cell0_name = main.database + "_cell0"
    _create_named_database(db_backend, cell0_name)
    with contextlib.ExitStack() as stack:
        if db_backend != "sqlite":
            stack.callback(db_fixtures.drop_database,
                           main.set(database=cell0_name).render_as_string(hide_password=False))
            # Engines first: PostgreSQL/MariaDB drops wait for open connections.
            stack.callback(db_fixtures.reset_engines)
        if db_backend == "mysql":
            user = stack.enter_context(
                _mysql_user([api.database, main.database, cell0_name]))
            api, main = (u.set(username=user, password=PASSWORD) for u in (api, main))
        elif db_backend == "postgresql":
            # The server trusts loopback connections, so any password works.
            api, main = (u.set(password=PASSWORD) for u in (api, main))
        render = [u.render_as_string(hide_password=False) for u in (api, main)]
        yield render[0], render[1], manage.cell0_database_connection(render[1])


SEQUENCE = (
    ("api_db", "sync"),
    ("cell_v2", "map_cell0"),
    ("cell_v2", "create_cell", "--name", "cell1"),
    ("db", "sync"),
    ("cell_v2", "list_cells"),
)


def _snapshot(api_url, main_url, cell0_url):
    snapshot = {table: table_rows(api_url, table) for table in API_TABLES}
    snapshot["main alembic_version"] = table_rows(main_url, "alembic_version")
    snapshot["cell0 alembic_version"] = table_rows(cell0_url, "alembic_version")
    return snapshot


def _cell_lines(listing):
    return {line.split("|")[1].strip(): line for line in listing.splitlines()
            if line.startswith("|") and "UUID" not in line}


def test_install_sequence_twice_changes_nothing(cli, empty_databases, db_backend):
    api_url, main_url, cell0_url = empty_databases
    cli.write_conf(DEFAULT={"transport_url": TRANSPORT_URL},
                   database={"connection": main_url},
                   api_database={"connection": api_url})

    first = [cli.manage(*step) for step in SEQUENCE]
    assert [code for code, _out in first] == [0, 0, 0, 0, 0], first
    before = _snapshot(api_url, main_url, cell0_url)
    assert len(before["cell_mappings"]) == 2
    assert before["main alembic_version"] and before["cell0 alembic_version"]

    second = [cli.manage(*step) for step in SEQUENCE]
    assert [code for code, _out in second] == [0, 0, 2, 0, 0], second
    assert "Cell0 is already setup" in second[1][1]
    assert "already exists for another cell" in second[2][1]
    assert _snapshot(api_url, main_url, cell0_url) == before

    listing = second[4][1]
    assert listing == first[4][1]
    cells = _cell_lines(listing)
    assert set(cells) == {"cell0", "cell1"}
    assert "00000000-0000-0000-0000-000000000000" in cells["cell0"]
    assert "none:///" in cells["cell0"]
    assert "rabbit://nova:****@127.0.0.1:5672/" in cells["cell1"]
    assert "rabbitsecret" not in listing
    assert manage.mask_passwd_in_url(main_url) in cells["cell1"]
    assert manage.mask_passwd_in_url(cell0_url) in cells["cell0"]
    if db_backend != "sqlite":
        assert PASSWORD not in listing
        assert ":****@" in cells["cell0"] and ":****@" in cells["cell1"]

    code, verbose = cli.manage("cell_v2", "list_cells", "--verbose")
    assert code == 0
    assert TRANSPORT_URL in verbose
    if db_backend != "sqlite":
        assert PASSWORD in verbose

