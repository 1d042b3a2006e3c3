"""nova.embedded.cells: the databases and cell mappings nova-all needs, made idempotently."""

import oslo_messaging
import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.conf import CONF
from nova.db import migration
from nova.embedded import cells


@pytest.fixture
def empty_databases(database_factory, conf_fixture):
    """[api_database] and [database] on new, empty SQLite files; cell0's URL."""
    objects.register_all()
    oslo_messaging.TransportURL.parse(CONF)
    conf_fixture.config(connection=database_factory(prefix="nova_api"), group="api_database")
    conf_fixture.config(connection=database_factory(prefix="nova_cell1"), group="database")
    conf_fixture.config(transport_url="fake:/")
    return database_factory(prefix="nova_cell0")


def _cells():
    return {cell.name: cell for cell in
            objects.CellMappingList.get_all(nova_context.get_admin_context())}


def test_ensure_cells_syncs_all_three_databases_and_maps_both_cells(empty_databases):
    found = cells.ensure_cells(CONF, cell0_connection=empty_databases)
    assert found.cell0.is_cell0()
    assert found.cell0.database_connection == empty_databases
    assert found.cell0.transport_url == "none:///"
    assert found.cell1.name == "cell1"
    assert found.cell1.database_connection == CONF.database.connection
    assert found.cell1.transport_url == "fake:/"
    head = migration.head_revision("main")
    assert migration.db_version("main") == head
    assert migration.db_version("api") == migration.head_revision("api")
    with nova_context.target_cell(nova_context.get_admin_context(), found.cell0) as cctxt:
        assert migration.db_version("main", context=cctxt) == head


def test_ensure_cells_twice_creates_nothing_new(empty_databases):
    first = cells.ensure_cells(CONF, cell0_connection=empty_databases)
    second = cells.ensure_cells(CONF)
    assert (second.cell0.uuid, second.cell1.uuid) == (first.cell0.uuid, first.cell1.uuid)
    # cell0 keeps the URL it was mapped with, not the one derived again.
    assert second.cell0.database_connection == empty_databases
    assert set(_cells()) == {"cell0", "cell1"}


def test_ensure_cells_moves_cell1_to_the_configured_transport(empty_databases, conf_fixture):
    cells.ensure_cells(CONF, cell0_connection=empty_databases)
    conf_fixture.config(transport_url="rabbit://guest:guest@127.0.0.1:5672/nova")
    found = cells.ensure_cells(CONF)
    assert found.cell1.transport_url == "rabbit://guest:guest@127.0.0.1:5672/nova"
    assert _cells()["cell1"].transport_url == "rabbit://guest:guest@127.0.0.1:5672/nova"


def test_ensure_cells_needs_both_database_connections(conf_fixture):
    conf_fixture.config(connection=None, group="api_database")
    with pytest.raises(exception.InvalidInput, match="connection must be set"):
        cells.ensure_cells(CONF)


@pytest.mark.parametrize(("connection", "expected"), [
    ("sqlite:////var/lib/nova/nova.sqlite", "sqlite:////var/lib/nova/nova_cell0.sqlite"),
    ("sqlite:////tmp/state/nova", "sqlite:////tmp/state/nova_cell0"),
    ("mysql+pymysql://nova:secret@db/nova", "mysql+pymysql://nova:secret@db/nova_cell0"),
])
def test_default_cell0_connection(connection, expected):
    assert cells.default_cell0_connection(connection) == expected
