"""Database schemas and cell mappings for a single-process deployment.

``ensure_cells`` leaves the API database, cell0 and the cell of ``[database]``
ready to use, whatever state they are in (new, half set up, up to date): the
library equivalent of ``nova-manage api_db sync``, ``cell_v2 map_cell0``,
``cell_v2 create_cell --name cell1`` and ``db sync``. Running it twice
changes nothing the second time.
"""

import collections
import os

from oslo_log import log as logging
from oslo_utils import uuidutils
from sqlalchemy.engine import url as sa_url

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.cmd import manage
from nova.db import migration
from nova.objects import cell_mapping as cell_mapping_obj

LOG = logging.getLogger(__name__)

CONF = nova.conf.CONF

#: The name nova-all gives the cell it creates for [database].
DEFAULT_CELL_NAME = "cell1"

Cells = collections.namedtuple("Cells", ["cell0", "cell1"])


def default_cell0_connection(connection):
    """Return the cell0 database URL that goes with the cell database ``connection``.

    Upstream's rule (``nova.cmd.manage.cell0_database_connection``): the
    database name with "_cell0" appended; for an SQLite file with an
    extension the suffix goes before it, so ``.../nova.sqlite`` gives
    ``.../nova_cell0.sqlite`` rather than ``.../nova.sqlite_cell0``.

    :param connection: a SQLAlchemy URL (str).
    :raises ValueError: the URL names no database.
    """
    url = sa_url.make_url(connection)
    if url.get_backend_name() == "sqlite" and url.database:
        stem, extension = os.path.splitext(url.database)
        if extension:
            return url.set(database=f"{stem}_cell0{extension}").render_as_string(
                hide_password=False)
    return manage.cell0_database_connection(connection)


def _ensure_cell0(ctxt, connection):
    try:
        cell0 = objects.CellMapping.get_by_uuid(ctxt, cell_mapping_obj.CELL0_UUID)
    except exception.CellMappingNotFound:
        # cell0 never receives RPC: "none:///" is the transport upstream gives it.
        cell0 = objects.CellMapping(
            ctxt, uuid=cell_mapping_obj.CELL0_UUID, name="cell0",
            transport_url="none:///", database_connection=connection)
        cell0.create()
        LOG.info("Created the cell0 mapping (database %s)",
                 manage.mask_passwd_in_url(connection))
    return cell0


def _ensure_cell(ctxt, connection, transport_url, name):
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.is_cell0() or cell.database_connection != connection:
            continue
        if cell.transport_url != transport_url:
            # One process, one transport: a cell left by a run with another
            # transport_url would send its RPC where no service listens.
            LOG.info("Cell %s: transport URL changed to the configured one", cell.uuid)
            cell.transport_url = transport_url
            cell.save()
        return cell
    cell = objects.CellMapping(
        ctxt, uuid=uuidutils.generate_uuid(), name=name,
        transport_url=transport_url, database_connection=connection,
        disabled=False)
    cell.create()
    LOG.info("Created cell %s (%s) for [database] connection", name, cell.uuid)
    return cell


def ensure_cells(conf=CONF, cell0_connection=None, cell_name=DEFAULT_CELL_NAME,
                 sync=True):
    """Sync every schema and create the cell0 and cell mappings that are missing.

    :param conf: parsed ConfigOpts with [api_database] connection, [database]
        connection and [DEFAULT] transport_url set.
    :param cell0_connection: database URL of cell0 when it has no mapping
        yet; default: [database] connection with "_cell0" appended to the
        database name (upstream's rule, see
        ``default_cell0_connection``). An existing cell0
        mapping keeps its URL.
    :param cell_name: name of the cell created for [database] when none
        maps it yet.
    :param sync: migrate the three databases to the newest schema first;
        False for callers whose databases are known to be synced (tests).
    :returns: ``Cells(cell0, cell1)``, the two CellMapping objects.
    :raises nova.exception.InvalidInput: a database is at a revision this
        code does not know, or an option is missing.
    :raises oslo_db.exception.DBError: a database cannot be reached.
    """
    if not conf.api_database.connection or not conf.database.connection:
        raise exception.InvalidInput(
            reason="[api_database] connection and [database] connection must be set")
    ctxt = nova_context.get_admin_context()
    if sync:
        migration.db_sync(database="api")
    cell0 = _ensure_cell0(
        ctxt, cell0_connection or default_cell0_connection(conf.database.connection))
    if sync:
        with nova_context.target_cell(ctxt, cell0) as cctxt:
            migration.db_sync(database="main", context=cctxt)
        migration.db_sync(database="main")
    cell1 = _ensure_cell(ctxt, conf.database.connection, conf.transport_url, cell_name)
    return Cells(cell0=cell0, cell1=cell1)
