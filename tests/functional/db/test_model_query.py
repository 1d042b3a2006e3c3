"""Soft-delete and project filtering of model_query, on every backend."""

import uuid

import pytest
from oslo_utils import timeutils

from nova import context as nova_context
from nova.db.main import api as main_db_api
from nova.db.main import models


@main_db_api.pick_context_manager_writer
def _add_instance(context, project_id, deleted=False):
    instance = models.Instance(uuid=str(uuid.uuid4()), project_id=project_id,
                               vm_state="active")
    context.session.add(instance)
    context.session.flush()
    if deleted:
        instance.soft_delete(context.session)
    return instance.uuid


@main_db_api.pick_context_manager_reader
def _uuids(context, **kwargs):
    return {i.uuid for i in main_db_api.model_query(context, models.Instance, **kwargs)}


@pytest.fixture
def instances(db_backend, main_db):
    admin = nova_context.get_admin_context()
    return {
        "live": _add_instance(admin, "p1"),
        "deleted": _add_instance(admin, "p1", deleted=True),
        "other_project": _add_instance(admin, "p2"),
    }


def test_read_deleted_from_context(instances):
    ctxt = nova_context.get_admin_context()
    assert _uuids(ctxt) == {instances["live"], instances["other_project"]}
    ctxt.read_deleted = "yes"
    assert _uuids(ctxt) == set(instances.values())
    ctxt.read_deleted = "only"
    assert _uuids(ctxt) == {instances["deleted"]}


def test_read_deleted_argument_overrides_context(instances):
    ctxt = nova_context.get_admin_context(read_deleted="no")
    assert _uuids(ctxt, read_deleted="only") == {instances["deleted"]}
    assert _uuids(ctxt, read_deleted="yes") == set(instances.values())


def test_unknown_read_deleted_is_refused(instances):
    with pytest.raises(ValueError):
        _uuids(nova_context.get_admin_context(), read_deleted="maybe")


def test_soft_delete_marks_row_with_its_id(instances):
    @main_db_api.pick_context_manager_reader
    def load(context):
        return main_db_api.model_query(context, models.Instance, read_deleted="only").one()

    row = load(nova_context.get_admin_context())
    assert row.uuid == instances["deleted"]
    assert row.deleted == row.id
    assert row.deleted_at is not None and row.deleted_at <= timeutils.utcnow()


def test_project_only_limits_users_not_admins(instances):
    user = nova_context.RequestContext(user_id="u1", project_id="p1")
    assert _uuids(user, project_only=True) == {instances["live"]}
    assert _uuids(user) == {instances["live"], instances["other_project"]}
    admin = nova_context.get_admin_context()
    assert _uuids(admin, project_only=True) == {instances["live"], instances["other_project"]}


def test_project_only_allow_none_includes_unowned_rows(instances):
    admin = nova_context.get_admin_context()
    unowned = _add_instance(admin, None)
    user = nova_context.RequestContext(user_id="u1", project_id="p1")
    assert _uuids(user, project_only="allow_none") == {instances["live"], unowned}


def test_writer_rolls_back_on_error(db_backend, main_db):
    admin = nova_context.get_admin_context()

    @main_db_api.pick_context_manager_writer
    def add_then_fail(context):
        context.session.add(models.Instance(uuid=str(uuid.uuid4()), project_id="p"))
        context.session.flush()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        add_then_fail(admin)
    assert _uuids(admin, read_deleted="yes") == set()


def test_select_db_reader_mode_reads_with_and_without_slave(instances):
    @main_db_api.select_db_reader_mode
    def count(context, use_slave=False):
        return main_db_api.model_query(context, models.Instance).count()

    ctxt = nova_context.get_admin_context()
    # No slave_connection is configured, so both read the primary.
    assert count(ctxt) == 2
    assert count(ctxt, use_slave=True) == 2
