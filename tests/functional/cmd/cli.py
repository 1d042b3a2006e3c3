"""Helpers for driving nova-manage and nova-status through their real ``main()``.

``cli`` runs ``nova.cmd.manage.main`` / ``nova.cmd.status.main`` in this
process with a real argument vector (``--config-file`` to a file written per
test), captures what they print and gives back ``(exit code, output)``.
Running in-process keeps each call at a few milliseconds instead of the
second a new interpreter costs; after each call the global CONF forgets the
command line and the sub-command option again, and the root logger gets its
handlers back, so later tests see no trace of the run.

``cell_rows`` writes compute nodes, services and instances straight into a
cell database, standing in for the services that would create them.
"""

import contextlib
import io
import logging
import types
import uuid as uuid_lib

import sqlalchemy as sa

from nova import context as nova_context
from nova.cmd import manage, status
from nova.conf import CONF
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models

#: A transport URL with a password, so that masking can be asserted.
TRANSPORT_URL = "rabbit://nova:rabbitsecret@127.0.0.1:5672/"


@contextlib.contextmanager
def _restored_root_logger():
    # oslo.log's setup() replaces the root logger's handlers with one that
    # writes to the stdout of the moment (our StringIO); put pytest's back.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        for handler in handlers:
            if handler not in root.handlers:
                root.addHandler(handler)
        root.setLevel(level)


def _run(main, opt, argv):
    out = io.StringIO()
    with _restored_root_logger(), contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        finally:
            CONF.clear()
            CONF.unregister_opt(opt)
    return code, out.getvalue()


class Cli:
    """Runs nova-manage / nova-status with ``--config-file`` set to ``conf_path``."""

    def __init__(self, conf_path):
        self.conf_path = conf_path

    def write_conf(self, **sections):
        """Write the config file: ``write_conf(DEFAULT={...}, database={...})``."""
        lines = []
        for section, values in sections.items():
            lines.append(f"[{section}]")
            lines.extend(f"{key} = {value}" for key, value in values.items())
            lines.append("")
        self.conf_path.write_text("\n".join(lines))

    def manage(self, *args):
        """Return (exit code, stdout) of ``nova-manage --config-file F *args``."""
        argv = ["nova-manage", "--config-file", str(self.conf_path), *args]
        return _run(manage.main, manage.category_opt, argv)

    def status(self, *args):
        """Return (exit code, stdout) of ``nova-status --config-file F *args``."""
        argv = ["nova-status", "--config-file", str(self.conf_path), *args]
        return _run(status.main, status.command_opt, argv)


@contextlib.contextmanager
def cell_session(url):
    """Yield a writer session on the cell database at ``url``."""
    cell = types.SimpleNamespace(uuid=None, name=None, transport_url=None,
                                 database_connection=url)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, cell) as cctxt:
        with main_db_api.get_context_manager(cctxt).writer.using(cctxt) as session:
            yield session


def add_compute_node(url, host, node=None, mapped=0):
    """Insert a live compute node of ``host`` into the cell database at ``url``."""
    with cell_session(url) as session:
        session.add(main_models.ComputeNode(
            host=host, hypervisor_hostname=node or host, uuid=str(uuid_lib.uuid4()),
            vcpus=4, memory_mb=8192, local_gb=100, vcpus_used=0, memory_mb_used=0,
            local_gb_used=0, hypervisor_type="fake", hypervisor_version=1,
            cpu_info="{}", mapped=mapped, deleted=0))


def add_service(url, host, binary="nova-compute"):
    """Insert a live service record into the cell database at ``url``."""
    with cell_session(url) as session:
        session.add(main_models.Service(
            host=host, binary=binary, topic=binary.replace("nova-", ""),
            uuid=str(uuid_lib.uuid4()), report_count=1, disabled=False, deleted=0))


def add_instance(url, project_id="project-a", host="compute1", deleted=False):
    """Insert an instance row (soft-deleted when ``deleted``); return its uuid."""
    instance_uuid = str(uuid_lib.uuid4())
    with cell_session(url) as session:
        row = main_models.Instance(uuid=instance_uuid, project_id=project_id,
                                   user_id="user-a", host=host, node=host, deleted=0)
        session.add(row)
        session.flush()
        if deleted:
            row.deleted = row.id
    return instance_uuid


def delete_instance_row(url, instance_uuid):
    """Remove an instance row entirely, as archiving deleted rows would."""
    with cell_session(url) as session:
        session.execute(sa.delete(main_models.Instance)
                        .where(main_models.Instance.uuid == instance_uuid))


def compute_node_mapped(url, host):
    """Return the ``mapped`` column of ``host``'s compute nodes (list of int)."""
    with cell_session(url) as session:
        return list(session.execute(
            sa.select(main_models.ComputeNode.mapped)
            .where(main_models.ComputeNode.host == host)).scalars())


def table_rows(url, table):
    """Return every row of ``table`` at ``url`` as sorted tuples (for before/after checks)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
    finally:
        engine.dispose()
    return sorted(tuple(str(value) for value in row) for row in rows)


def uuid_in_table(output, cell_uuid):
    """True when ``cell_uuid`` appears as a cell of a prettytable listing."""
    return any(f" {cell_uuid} " in line for line in output.splitlines())


def soft_delete_instance(url, instance_uuid):
    """Mark an instance row deleted the way nova does (``deleted = id``)."""
    with cell_session(url) as session:
        row = session.execute(sa.select(main_models.Instance)
                              .where(main_models.Instance.uuid == instance_uuid)).scalar_one()
        row.deleted = row.id


def alembic_version(url):
    """Return the schema revision of the database at ``url``, None when empty."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
