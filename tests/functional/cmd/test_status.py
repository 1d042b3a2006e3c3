"""nova-status upgrade check: Cells v2, host mapping, schema, Placement, policy
file and compute service version checks."""

import json
import socket

import pytest
import sqlalchemy as sa

from nova.db.main import models as main_models
from nova.objects import service as service_obj
from tests.functional.cmd.cli import TRANSPORT_URL, add_compute_node, add_service, cell_session

SUCCESS, WARNING, FAILURE = 0, 1, 2


def _check(cli):
    """Run ``upgrade check --json``; return (exit code, {check name: (result, details)})."""
    code, out = cli.status("upgrade", "check", "--json")
    document = json.loads(out.strip().splitlines()[-1])
    assert document["name"] == "Upgrade Check Results"
    return code, {c["check"]: (c["result"], c["details"]) for c in document["checks"]}


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def placement_unreachable(cli):
    """[placement] pointed at a loopback port nothing listens on."""
    url = f"http://127.0.0.1:{_closed_port()}"
    cli.write_conf(DEFAULT={"transport_url": TRANSPORT_URL},
                   placement={"auth_type": "admin_token", "endpoint": url, "token": "admin"})
    return url


def test_cells_v2_fails_on_an_empty_api_database(cli, db_backend, databases,
                                                 placement_unreachable):
    code, checks = _check(cli)
    assert code == FAILURE
    result, details = checks["Cells v2"]
    assert result == FAILURE
    assert "at least two cell mappings" in details
    assert "nova-manage cell_v2 simple_cell_setup" in details


def test_cells_v2_and_host_mapping_after_setup(cli, deployment, placement_unreachable):
    code, checks = _check(cli)
    assert checks["Cells v2"][0] == SUCCESS
    assert "nova-manage cell_v2 discover_hosts" in checks["Cells v2"][1]
    assert checks["Compute hosts mapped"] == (SUCCESS, None)
    assert checks["Database schemas"] == (SUCCESS, None)

    # A compute node registered but never discovered: no host mapping at all.
    add_compute_node(deployment.main_url, "compute1")
    code, checks = _check(cli)
    assert checks["Cells v2"][0] == FAILURE
    assert "No host mappings found but there are compute nodes" in checks["Cells v2"][1]
    assert checks["Compute hosts mapped"][0] == WARNING
    assert "1 compute node(s) without a host mapping" in checks["Compute hosts mapped"][1]

    assert cli.manage("cell_v2", "discover_hosts")[0] == 0
    add_compute_node(deployment.main_url, "compute2")
    code, checks = _check(cli)
    assert checks["Cells v2"] == (SUCCESS, None)
    result, details = checks["Compute hosts mapped"]
    assert result == WARNING
    assert f"Cell {deployment.cell1_uuid}(cell1) has 1 compute node(s)" in details


def test_schema_check_fails_for_an_unsynced_cell(cli, databases, database_factory,
                                                 placement_unreachable):
    empty = database_factory(prefix="nm_cell0")
    assert cli.manage("cell_v2", "map_cell0", "--database_connection", empty)[0] == 0
    assert cli.manage("cell_v2", "create_cell", "--name", "cell1")[0] == 0
    code, checks = _check(cli)
    assert code == FAILURE
    result, details = checks["Database schemas"]
    assert result == FAILURE
    assert "00000000-0000-0000-0000-000000000000(cell0) is at revision None" in details
    assert "nova-manage db sync" in details
    assert checks["Cells v2"][0] == SUCCESS


def test_placement_unreachable_is_a_failure(cli, databases, placement_unreachable):
    code, checks = _check(cli)
    assert code == FAILURE
    result, details = checks["Placement API"]
    assert result == FAILURE
    assert details.startswith("Placement API does not seem to be running")
    assert placement_unreachable in details


def test_every_check_passes_against_a_real_placement(cli, databases, cell_database_factory,
                                                     placement_service):
    # SQLite only: the backends are covered above; this is about Placement.
    cell0_url = cell_database_factory(prefix="nm_cell0")
    assert cli.manage("cell_v2", "map_cell0", "--database_connection", cell0_url)[0] == 0
    assert cli.manage("cell_v2", "create_cell", "--name", "cell1")[0] == 0
    add_compute_node(databases.main_url, "compute1")
    assert cli.manage("cell_v2", "discover_hosts")[0] == 0
    code, out = cli.status("upgrade", "check")
    assert code == SUCCESS, out
    for name in ("Cells v2", "Compute hosts mapped", "Database schemas", "Placement API",
                 "Policy File JSON to YAML Migration", "Older than N-1 computes"):
        assert f"Check: {name}" in out
    assert "Failure" not in out and "Warning" not in out
    assert out.count("Result: Success") == 6



def _set_compute_service(url, host, **values):
    with cell_session(url) as session:
        services = main_models.Service.__table__
        session.execute(sa.update(services).where(services.c.host == host).values(**values))


def test_older_than_n_minus_1_computes(cli, deployment, placement_unreachable):
    assert _check(cli)[1]["Older than N-1 computes"] == (SUCCESS, None)
    # A service row that recorded no version (0) is older than any this
    # code speaks RPC with.
    add_service(deployment.main_url, "compute1")
    result, details = _check(cli)[1]["Older than N-1 computes"]
    assert result == FAILURE
    assert f"Cell {deployment.cell1_uuid}(cell1) has nova-compute services at service " \
           "version 0." in details
    # Forced-down services (hosts that are gone) are not counted.
    _set_compute_service(deployment.main_url, "compute1", forced_down=True)
    assert _check(cli)[1]["Older than N-1 computes"] == (SUCCESS, None)
    _set_compute_service(deployment.main_url, "compute1", forced_down=False,
                         version=service_obj.SERVICE_VERSION)
    add_service(deployment.main_url, "controller", binary="nova-conductor")
    assert _check(cli)[1]["Older than N-1 computes"] == (SUCCESS, None)


def test_json_policy_file_fails(cli, databases, placement_unreachable, tmp_path):
    assert _check(cli)[1]["Policy File JSON to YAML Migration"] == (SUCCESS, None)
    (tmp_path / "policy.json").write_text('{"os_compute_api:servers:index": ""}')
    (tmp_path / "policy.yaml").write_text('"os_compute_api:servers:index": ""\n')
    conf = cli.conf_path.read_text()
    cli.conf_path.write_text(conf + "[oslo_policy]\npolicy_file = policy.json\n")
    code, checks = _check(cli)
    result, details = checks["Policy File JSON to YAML Migration"]
    assert result == FAILURE and "oslopolicy-convert-json-to-yaml" in details
    cli.conf_path.write_text(conf + "[oslo_policy]\npolicy_file = policy.yaml\n")
    assert _check(cli)[1]["Policy File JSON to YAML Migration"] == (SUCCESS, None)
