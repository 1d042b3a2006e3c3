"""The server action table is consistent with everything that reads it."""

import pathlib

from nova.api.openstack.compute import routes
from nova.compute import manager, rpcapi, server_actions
from nova.objects import service
from nova.policies import server_actions as action_policies

DOC = pathlib.Path(__file__).resolve().parents[3] / "doc" / "source" / "server-actions.rst"


def test_the_docs_page_shows_the_current_table():
    text = DOC.read_text()
    table = text.split(".. begin table\n", 1)[1].split(".. end table\n", 1)[0]
    assert table.strip() == server_actions.as_rst().strip(), (
        "doc/source/server-actions.rst is stale: run "
        ".venv/bin/python tools/gen-server-actions-doc.py")


def test_every_row_with_an_rpc_has_a_manager_method_within_the_served_version():
    served = manager.ComputeManager.target.version
    newest = rpcapi.SERVICE_VERSION_TO_RPC[service.SERVICE_VERSION]
    for row in server_actions.ROWS:
        if row.rpc is None:
            continue
        assert callable(getattr(manager.ComputeManager, row.rpc.method, None)), row.name
        version = tuple(map(int, row.rpc.version.split(".")))
        assert version <= tuple(map(int, served.split("."))), row.name
        assert version <= tuple(map(int, newest.split("."))), row.name


def test_every_action_key_is_routed_and_every_rule_registered():
    table = routes.route_table(lambda: None)
    routed = set(table["/servers/{id}/action"]["POST"].actions)
    assert set(server_actions.action_keys()) <= routed
    registered = {rule.name for rule in action_policies.list_rules()}
    assert {row.policy for row in server_actions.ROWS} <= registered


def test_rows_are_unique_and_task_states_lead_back_to_one_row():
    names = [row.name for row in server_actions.ROWS]
    assert len(names) == len(set(names))
    # Start-up recovery re-runs the RPC of the row whose task_state a server
    # was left in: rows sharing a task_state must mean the same operation.
    for row in server_actions.ROWS:
        if row.task_state and row.on_restart == server_actions.RETRY:
            rows = server_actions.rows_for_task_state(row.task_state)
            assert {r.rpc.method for r in rows} == {row.rpc.method}, row.name
