"""Fixtures of the nova-manage / nova-status functional tests (see cli.py)."""

import types

import pytest

from tests.functional.cmd.cli import TRANSPORT_URL, Cli


@pytest.fixture
def cli(tmp_path, conf_fixture):
    """A Cli whose config file holds only [DEFAULT] transport_url (DB URLs come
    from the ``databases`` fixtures' overrides or a later ``write_conf``)."""
    runner = Cli(tmp_path / "nova.conf")
    runner.write_conf(DEFAULT={"transport_url": TRANSPORT_URL})
    return runner


@pytest.fixture
def deployment(db_backend, cli, databases, cell_database_factory):
    """An API database with cell0 and cell1 mapped through nova-manage itself,
    once per backend (SQLite, MariaDB, PostgreSQL).

    cell1's database is [database] (``databases.main_url``); cell0 has its
    own synced database. Returns a namespace with ``api_url``, ``main_url``,
    ``cell0_url`` and ``cell1_uuid``.
    """
    cell0_url = cell_database_factory(prefix="nm_cell0")
    code, out = cli.manage("cell_v2", "map_cell0", "--database_connection", cell0_url)
    assert code == 0, out
    code, out = cli.manage("cell_v2", "create_cell", "--name", "cell1", "--verbose")
    assert code == 0, out
    return types.SimpleNamespace(api_url=databases.api_url, main_url=databases.main_url,
                                 cell0_url=cell0_url, cell1_uuid=out.strip().splitlines()[-1])
