"""nova-manage cell_v2 create_cell / list_cells / update_cell / delete_cell.

Each test runs on SQLite, MariaDB and PostgreSQL, against cell0 and cell1
mapped by nova-manage itself (the ``deployment`` fixture), and checks the
exit codes and messages upstream documents.
"""

import uuid

import pytest

from nova import context, exception, objects
from tests.functional.cmd.cli import (
    TRANSPORT_URL,
    add_compute_node,
    add_instance,
    compute_node_mapped,
    soft_delete_instance,
    table_rows,
    uuid_in_table,
)

UNKNOWN = "9d6ad2bc-8d6f-4bb0-9d59-3d0c4a6f4b0e"
CELL0 = "00000000-0000-0000-0000-000000000000"


def _create_cell(cli, name, database_url, transport="rabbit://other:pw@10.0.0.9:5672/"):
    code, out = cli.manage("cell_v2", "create_cell", "--name", name, "--verbose",
                           "--transport-url", transport, "--database_connection", database_url)
    assert code == 0, out
    return out.strip().splitlines()[-1]


def test_create_cell_refuses_duplicates_and_bad_urls(cli, deployment, db_backend,
                                                     cell_database_factory):
    # Same database as cell1 ([database]) with another queue: still a duplicate.
    code, out = cli.manage("cell_v2", "create_cell", "--name", "again",
                           "--transport-url", "rabbit://x:y@10.1.1.1:5672/")
    assert code == 2
    assert deployment.cell1_uuid in out

    code, out = cli.manage("cell_v2", "create_cell", "--name", "bad",
                           "--transport-url", "no-scheme-here",
                           "--database_connection", "sqlite:///nowhere.db")
    assert code == 1
    assert "Invalid transport URL" in out

    cell2_url = cell_database_factory(prefix="nm_cell2")
    code, out = cli.manage("cell_v2", "create_cell", "--name", "cell2", "--verbose",
                           "--disabled", "--transport-url", "rabbit://c2:pw2@10.0.0.2:5672/",
                           "--database_connection", cell2_url)
    assert code == 0
    cell2_uuid = out.strip().splitlines()[-1]
    assert str(uuid.UUID(cell2_uuid)) == cell2_uuid

    code, listing = cli.manage("cell_v2", "list_cells")
    assert code == 0
    rows = [line for line in listing.splitlines() if line.startswith("| cell")]
    assert [row.split("|")[1].strip() for row in rows] == ["cell0", "cell1", "cell2"]
    cell2_row = rows[2]
    assert cell2_uuid in cell2_row
    assert "rabbit://c2:****@10.0.0.2:5672/" in cell2_row
    assert "pw2" not in listing
    assert cell2_row.split("|")[5].strip() == "True"


def test_update_cell_exit_codes(cli, deployment, cell_database_factory):
    cell2_url = cell_database_factory(prefix="nm_cell2")
    cell2 = _create_cell(cli, "cell2", cell2_url)

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", UNKNOWN, "--name", "x")
    assert (code, out.strip()) == (1, f"Cell with uuid {UNKNOWN} was not found.")

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2,
                           "--disable", "--enable")
    assert code == 4
    assert "disabled and enabled at same time" in out

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", CELL0, "--disable")
    assert (code, out.strip()) == (5, "Cell0 cannot be disabled.")
    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", CELL0, "--enable")
    assert (code, out.strip()) == (5, "Cell0 cannot be enabled.")

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2,
                           "--transport-url", "no-scheme-here", "--name", "never")
    assert code == 2
    assert "Invalid transport URL" in out
    assert objects.CellMapping.get_by_uuid(context.get_admin_context(), cell2).name == "cell2"

    # Without --database_connection the cell would take [database], cell1's.
    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2, "--name", "x")
    assert code == 3
    assert deployment.cell1_uuid in out

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2, "--name", "renamed",
                           "--database_connection", cell2_url,
                           "--transport-url", "rabbit://c2:new@10.0.0.3:5672/", "--disable")
    assert (code, out) == (0, "")
    ctxt = context.get_admin_context()
    cell = objects.CellMapping.get_by_uuid(ctxt, cell2)
    assert (cell.name, cell.disabled) == ("renamed", True)
    assert cell.transport_url == "rabbit://c2:new@10.0.0.3:5672/"

    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2, "--disable",
                           "--database_connection", cell2_url,
                           "--transport-url", "rabbit://c2:new@10.0.0.3:5672/")
    assert (code, out.strip()) == (0, f"Cell {cell2} is already disabled")
    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", cell2, "--enable",
                           "--database_connection", cell2_url,
                           "--transport-url", "rabbit://c2:new@10.0.0.3:5672/")
    assert code == 0
    assert objects.CellMapping.get_by_uuid(ctxt, cell2).disabled is False

    # cell1 may be renamed with this host's own configuration (it is its own).
    code, out = cli.manage("cell_v2", "update_cell", "--cell_uuid", deployment.cell1_uuid,
                           "--name", "first")
    assert (code, out) == (0, "")


def test_delete_cell_exit_codes(cli, deployment, cell_database_factory):
    code, out = cli.manage("cell_v2", "delete_cell", "--cell_uuid", UNKNOWN)
    assert (code, out.strip()) == (1, f"Cell with uuid {UNKNOWN} was not found.")

    # An empty cell goes at once.
    empty = _create_cell(cli, "empty", cell_database_factory(prefix="nm_empty"))
    assert cli.manage("cell_v2", "delete_cell", "--cell_uuid", empty) == (0, "")
    code, listing = cli.manage("cell_v2", "list_cells")
    assert not uuid_in_table(listing, empty)

    # cell1 with a mapped host and a live instance.
    cell1 = deployment.cell1_uuid
    add_compute_node(deployment.main_url, "compute1")
    assert cli.manage("cell_v2", "discover_hosts")[0] == 0
    live = add_instance(deployment.main_url)
    assert cli.manage("cell_v2", "map_instances", "--cell_uuid", cell1)[0] == 0

    code, out = cli.manage("cell_v2", "delete_cell", "--cell_uuid", cell1)
    assert code == 2
    assert f"There are existing hosts mapped to cell with uuid {cell1}." in out

    code, out = cli.manage("cell_v2", "delete_cell", "--cell_uuid", cell1, "--force")
    assert code == 3
    assert f"There are existing instances mapped to cell with uuid {cell1}." in out

    # Once the instance is deleted only its mapping remains: 4, then --force.
    soft_delete_instance(deployment.main_url, live)
    code, out = cli.manage("cell_v2", "delete_cell", "--cell_uuid", cell1)
    assert code == 2  # hosts are checked first
    assert cli.manage("cell_v2", "delete_host", "--cell_uuid", cell1,
                      "--host", "compute1") == (0, "")
    code, out = cli.manage("cell_v2", "delete_cell", "--cell_uuid", cell1)
    assert code == 4
    assert "all instances have been deleted in the cell" in out
    assert "archive_deleted_rows" in out

    # --force removes the remaining mappings, the hosts and the cell.
    assert cli.manage("cell_v2", "discover_hosts", "--cell_uuid", cell1, "--strict")[0] == 0
    assert cli.manage("cell_v2", "delete_cell", "--cell_uuid", cell1, "--force") == (0, "")
    ctxt = context.get_admin_context()
    with pytest.raises(exception.InstanceMappingNotFound):
        objects.InstanceMapping.get_by_instance_uuid(ctxt, live)
    code, listing = cli.manage("cell_v2", "list_cells")
    assert not uuid_in_table(listing, cell1)
    code, hosts = cli.manage("cell_v2", "list_hosts")
    assert "compute1" not in hosts
    # The node is unmapped so a re-created cell would discover it again.
    assert compute_node_mapped(deployment.main_url, "compute1") == [0]


def test_url_templates_are_stored_and_shown_filled(cli, deployment, cell_database_factory,
                                                   conf_fixture):
    template = "rabbit://{username}:{password}@{hostname}:{port}/cell2"
    cell2 = _create_cell(cli, "cell2", cell_database_factory(prefix="nm_cell2"),
                         transport=template)
    stored = [row for row in table_rows(deployment.api_url, "cell_mappings") if cell2 in row]
    assert template in stored[0]

    ctxt = context.get_admin_context()
    # This process's own [DEFAULT] transport_url fills the template.
    conf_fixture.config(transport_url=TRANSPORT_URL)
    filled = "rabbit://nova:rabbitsecret@127.0.0.1:5672/cell2"
    assert objects.CellMapping.get_by_uuid(ctxt, cell2).transport_url == filled
    code, listing = cli.manage("cell_v2", "list_cells")
    assert "rabbit://nova:****@127.0.0.1:5672/cell2" in listing
    assert "rabbitsecret" not in listing
