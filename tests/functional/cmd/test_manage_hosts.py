"""nova-manage cell_v2 discover_hosts / list_hosts / delete_host, on every backend."""

from tests.functional.cmd.cli import (
    add_compute_node,
    add_instance,
    add_service,
    compute_node_mapped,
)

UNKNOWN = "9d6ad2bc-8d6f-4bb0-9d59-3d0c4a6f4b0e"
CELL0 = "00000000-0000-0000-0000-000000000000"


def _hosts(listing):
    """{hostname: (cell name, cell uuid)} from a list_hosts table."""
    rows = {}
    for line in listing.splitlines():
        cols = [col.strip() for col in line.split("|")[1:-1]]
        if len(cols) == 3 and cols[0] != "Cell Name":
            rows[cols[2]] = (cols[0], cols[1])
    return rows


def test_discover_and_list_hosts(cli, deployment):
    cell1 = deployment.cell1_uuid
    code, out = cli.manage("cell_v2", "discover_hosts", "--strict")
    assert (code, out) == (1, "")
    assert cli.manage("cell_v2", "discover_hosts") == (0, "")

    add_compute_node(deployment.main_url, "compute1", node="node-a")
    add_compute_node(deployment.main_url, "compute1", node="node-b")
    add_compute_node(deployment.main_url, "compute2")
    code, out = cli.manage("cell_v2", "discover_hosts", "--verbose", "--strict")
    assert code == 0
    assert "Skipping cell0 since it does not contain hosts." in out
    assert f"Creating host mapping for compute host 'compute1': {cell1}" in out
    assert f"Creating host mapping for compute host 'compute2': {cell1}" in out
    assert f"Found 2 unmapped computes in cell: {cell1}" in out
    assert compute_node_mapped(deployment.main_url, "compute1") == [1, 1]

    # Nothing new: --strict answers 1, without it 0.
    assert cli.manage("cell_v2", "discover_hosts", "--strict")[0] == 1
    assert cli.manage("cell_v2", "discover_hosts", "--cell_uuid", cell1)[0] == 0

    code, listing = cli.manage("cell_v2", "list_hosts")
    assert code == 0
    assert _hosts(listing) == {"compute1": ("cell1", cell1), "compute2": ("cell1", cell1)}
    code, listing = cli.manage("cell_v2", "list_hosts", "--cell_uuid", CELL0)
    assert code == 0 and _hosts(listing) == {}

    code, out = cli.manage("cell_v2", "list_hosts", "--cell_uuid", UNKNOWN)
    assert (code, out.strip()) == (1, f"Cell with uuid {UNKNOWN} was not found.")
    code, out = cli.manage("cell_v2", "discover_hosts", "--cell_uuid", UNKNOWN)
    assert (code, out.strip()) == (1, f"Cell with uuid {UNKNOWN} was not found.")


def test_discover_hosts_by_service(cli, deployment):
    # An ironic-like host: a nova-compute service with no compute node yet.
    add_service(deployment.main_url, "ironic-conductor-1")
    add_service(deployment.main_url, "scheduler-host", binary="nova-scheduler")
    assert cli.manage("cell_v2", "discover_hosts", "--strict")[0] == 1

    code, out = cli.manage("cell_v2", "discover_hosts", "--by-service", "--strict",
                           "--verbose")
    assert code == 0
    assert "Creating host mapping for compute host 'ironic-conductor-1'" in out
    assert "scheduler-host" not in out
    assert cli.manage("cell_v2", "discover_hosts", "--by-service", "--strict")[0] == 1
    code, listing = cli.manage("cell_v2", "list_hosts")
    assert set(_hosts(listing)) == {"ironic-conductor-1"}


def test_delete_host_exit_codes(cli, deployment):
    cell1 = deployment.cell1_uuid
    add_compute_node(deployment.main_url, "compute1")
    add_compute_node(deployment.main_url, "busy")
    add_instance(deployment.main_url, host="busy")
    assert cli.manage("cell_v2", "discover_hosts")[0] == 0

    def delete(cell_uuid, host):
        return cli.manage("cell_v2", "delete_host", "--cell_uuid", cell_uuid, "--host", host)

    code, out = delete(UNKNOWN, "compute1")
    assert (code, out.strip()) == (1, f"Cell with uuid {UNKNOWN} was not found.")
    code, out = delete(cell1, "nosuchhost")
    assert (code, out.strip()) == (2, "The host nosuchhost was not found.")
    code, out = delete(CELL0, "compute1")
    assert (code, out.strip()) == (3, f"The host compute1 was not found in the cell {CELL0}.")
    code, out = delete(cell1, "busy")
    assert (code, out.strip()) == (4, "There are instances on the host busy.")

    assert delete(cell1, "compute1") == (0, "")
    code, listing = cli.manage("cell_v2", "list_hosts")
    assert set(_hosts(listing)) == {"busy"}
    # The node is unmapped again, so discovery finds it once more.
    assert compute_node_mapped(deployment.main_url, "compute1") == [0]
    code, out = cli.manage("cell_v2", "discover_hosts", "--strict", "--verbose")
    assert code == 0
    assert "Creating host mapping for compute host 'compute1'" in out
