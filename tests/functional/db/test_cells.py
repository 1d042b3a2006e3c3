"""target_cell and scatter_gather_cells reaching separate cell databases."""

import threading
import types
import uuid

import pytest

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova.db.main import models


def _cell(url, name):
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), name=name,
                                 database_connection=url, transport_url="fake://")


@main_db_api.pick_context_manager_writer
def _add_service(context, host):
    context.session.add(models.Service(host=host, binary="nova-compute",
                                       topic="compute", report_count=0))


@main_db_api.pick_context_manager_reader
def _hosts(context):
    return sorted(s.host for s in main_db_api.model_query(context, models.Service))


@pytest.fixture
def two_cells(db_backend, main_db, cell_database_factory):
    """[database] (cell0-like) plus two more cell databases."""
    return _cell(cell_database_factory(), "cell1"), _cell(cell_database_factory(), "cell2")


def test_target_cell_reaches_the_cells_database(two_cells):
    cell1, cell2 = two_cells
    ctxt = nova_context.get_admin_context()
    _add_service(ctxt, "in-default")
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        _add_service(cctxt, "in-cell1")
        assert cctxt.cell_uuid == cell1.uuid
    with nova_context.target_cell(ctxt, cell2) as cctxt:
        assert _hosts(cctxt) == []

    assert _hosts(ctxt) == ["in-default"]
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        assert _hosts(cctxt) == ["in-cell1"]
    # The caller's context is never retargeted.
    assert ctxt.db_connection is None and ctxt.cell_uuid is None


def test_target_cell_inside_open_transaction_uses_the_cell(two_cells):
    cell1, _ = two_cells
    ctxt = nova_context.get_admin_context()

    @main_db_api.pick_context_manager_writer
    def write_both(context):
        _add_service(context, "outer")
        with nova_context.target_cell(context, cell1) as cctxt:
            _add_service(cctxt, "inner")

    write_both(ctxt)
    assert _hosts(ctxt) == ["outer"]
    with nova_context.target_cell(ctxt, cell1) as cctxt:
        assert _hosts(cctxt) == ["inner"]


def test_target_cell_none_targets_default_database(two_cells):
    ctxt = nova_context.get_admin_context()
    _add_service(ctxt, "default")
    with nova_context.target_cell(ctxt, two_cells[0]) as cctxt:
        nova_context.set_target_cell(cctxt, None)
        assert _hosts(cctxt) == ["default"]


def test_cells_share_one_context_manager_per_url(two_cells):
    cell1, cell2 = two_cells
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, cell1) as a, nova_context.target_cell(ctxt, cell1) as b:
        assert a.db_connection is b.db_connection
    with nova_context.target_cell(ctxt, cell2) as c:
        assert c.db_connection is not a.db_connection


def test_scatter_gather_collects_results_per_cell(two_cells):
    cell1, cell2 = two_cells
    ctxt = nova_context.get_admin_context()
    for cell in two_cells:
        with nova_context.target_cell(ctxt, cell) as cctxt:
            _add_service(cctxt, f"host-{cell.name}")

    results = nova_context.scatter_gather_cells(ctxt, [cell1, cell2], 30, _hosts)

    assert results == {cell1.uuid: ["host-cell1"], cell2.uuid: ["host-cell2"]}


def test_scatter_gather_reports_timeouts_and_errors(two_cells):
    cell1, cell2 = two_cells
    slow = _cell(cell1.database_connection, "slow")
    release = threading.Event()

    def work(cctxt):
        if cctxt.cell_uuid == slow.uuid:
            release.wait(30)
            return "late"
        if cctxt.cell_uuid == cell2.uuid:
            raise LookupError("cell2 broke")
        return _hosts(cctxt)

    try:
        results = nova_context.scatter_gather_cells(
            nova_context.get_admin_context(), [cell1, cell2, slow], 3, work)
    finally:
        release.set()

    assert results[cell1.uuid] == []
    assert results[slow.uuid] is nova_context.did_not_respond_sentinel
    assert isinstance(results[cell2.uuid], LookupError)
    assert not nova_context.is_cell_failure_sentinel(results[cell1.uuid])
    assert nova_context.is_cell_failure_sentinel(results[slow.uuid])
    assert nova_context.is_cell_failure_sentinel(results[cell2.uuid])


def test_scatter_gather_with_no_cells_returns_empty():
    assert nova_context.scatter_gather_cells(
        nova_context.get_admin_context(), [], 1, lambda c: 1) == {}
