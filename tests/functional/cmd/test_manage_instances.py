"""nova-manage cell_v2 map_instances / verify_instance / simple_cell_setup."""

from nova import context, objects
from tests.functional.cmd.cli import (
    add_compute_node,
    add_instance,
    delete_instance_row,
    soft_delete_instance,
    table_rows,
    uuid_in_table,
)

UNKNOWN = "9d6ad2bc-8d6f-4bb0-9d59-3d0c4a6f4b0e"


def _mapped_uuids(api_url):
    return {row[1] for row in table_rows(api_url, "instance_mappings")}


def test_map_instances_in_batches_and_verify(cli, deployment):
    cell1 = deployment.cell1_uuid
    for args in (("--max-count", "0"), ("--max-count", "many")):
        code, out = cli.manage("cell_v2", "map_instances", "--cell_uuid", cell1, *args)
        assert (code, out.strip()) == (127, "Must supply a positive value for max-count")
    code, out = cli.manage("cell_v2", "map_instances", "--cell_uuid", UNKNOWN)
    assert (code, out.strip()) == (127, f"Cell with uuid {UNKNOWN} was not found.")

    live = [add_instance(deployment.main_url) for _ in range(2)]
    gone = add_instance(deployment.main_url, deleted=True)

    assert cli.manage("cell_v2", "map_instances", "--cell_uuid", cell1,
                      "--max-count", "2") == (1, "")
    assert _mapped_uuids(deployment.api_url) >= set(live)
    assert gone not in _mapped_uuids(deployment.api_url)
    # The next run starts after the marker and finishes.
    assert cli.manage("cell_v2", "map_instances", "--cell_uuid", cell1,
                      "--max-count", "2") == (0, "")
    assert _mapped_uuids(deployment.api_url) == {*live, gone}
    ctxt = context.get_admin_context()
    assert objects.InstanceMapping.get_by_instance_uuid(ctxt, gone).queued_for_delete
    assert not objects.InstanceMapping.get_by_instance_uuid(ctxt, live[0]).queued_for_delete

    later = add_instance(deployment.main_url)
    assert cli.manage("cell_v2", "map_instances", "--cell_uuid", cell1, "--reset") == (0, "")
    assert _mapped_uuids(deployment.api_url) == {*live, gone, later}

    def verify(uuid, *extra):
        return cli.manage("cell_v2", "verify_instance", "--uuid", uuid, *extra)

    code, out = verify(live[0])
    assert (code, out.strip()) == (0, f"Instance {live[0]} is in cell: cell1 ({cell1})")
    code, out = verify(UNKNOWN)
    assert (code, out.strip()) == (1, f"Instance {UNKNOWN} is not mapped to a cell.")
    assert verify(UNKNOWN, "--quiet") == (1, "")

    unscheduled = "0b1c6f1e-2d47-4c3b-8a4f-3c2d1e0f9a88"
    objects.InstanceMapping(ctxt, instance_uuid=unscheduled, project_id="project-a",
                            cell_mapping=None).create()
    code, out = verify(unscheduled)
    assert (code, out.strip()) == (2, f"Instance {unscheduled} is not mapped to a cell.")

    code, out = verify(gone)
    assert code == 3
    assert f"The instance with uuid {gone} has been deleted." in out
    delete_instance_row(deployment.main_url, gone)
    code, out = verify(gone)
    assert code == 4
    assert f"The instance with uuid {gone} has been archived." in out
    soft_delete_instance(deployment.main_url, live[1])
    assert verify(live[1], "--quiet") == (3, "")


def test_simple_cell_setup(db_backend, cli, databases, cell_database_factory):
    # cell0 is mapped first: on MariaDB/PostgreSQL its database must exist
    # under a name of our own; simple_cell_setup then finds it set up.
    cell0_url = cell_database_factory(prefix="nm_cell0")
    assert cli.manage("cell_v2", "map_cell0", "--database_connection", cell0_url)[0] == 0

    code, out = cli.manage("cell_v2", "simple_cell_setup")
    assert code == 1
    assert "Cell0 is already setup" in out
    assert "No hosts found to map to cell, exiting." in out

    add_compute_node(databases.main_url, "compute1")
    instance = add_instance(databases.main_url, host="compute1")
    code, out = cli.manage("cell_v2", "simple_cell_setup")
    assert code == 0, out
    ctxt = context.get_admin_context()
    mapping = objects.HostMapping.get_by_host(ctxt, "compute1")
    assert mapping.cell_mapping.database_connection == databases.main_url
    assert objects.InstanceMapping.get_by_instance_uuid(
        ctxt, instance).cell_mapping.uuid == mapping.cell_mapping.uuid
    code, listing = cli.manage("cell_v2", "list_cells")
    assert uuid_in_table(listing, mapping.cell_mapping.uuid)

    code, out = cli.manage("cell_v2", "simple_cell_setup")
    assert code == 0
    assert "All hosts are already mapped to cell(s)." in out
    assert len(objects.CellMappingList.get_all(ctxt)) == 2
