"""HostMapping: which cell a compute host belongs to (API DB ``host_mappings``).

The scheduler and the API route per-host operations to a cell through these
rows. ``discover_hosts`` creates them for compute hosts that registered in a
cell database but have no mapping yet; ``nova-manage cell_v2 discover_hosts``
and the scheduler's periodic discovery call it.
"""

from sqlalchemy import func, select, update

from nova import context as nova_context
from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models
from nova.objects import base, cell_mapping, dbutils, fields

_FIELD_NAMES = ("id", "host", "created_at", "updated_at")


def _from_db_object(context, mapping, db_mapping):
    """Copy a ``host_mappings`` row (with its joined cell) into ``mapping``."""
    for key in _FIELD_NAMES:
        setattr(mapping, key, getattr(db_mapping, key))
    mapping.cell_mapping = cell_mapping._from_db_object(
        context, cell_mapping.CellMapping(), db_mapping.cell_mapping)
    mapping._context = context
    mapping.obj_reset_changes()
    return mapping


def _row_by_host(context, host):
    """Return the ``host_mappings`` row of ``host``; raise HostMappingNotFound."""
    row = context.session.execute(
        select(api_models.HostMapping).filter_by(host=host)).scalars().first()
    if row is None:
        raise exception.HostMappingNotFound(name=host)
    return row


@api_db_api.context_manager.reader
def _get_by_host_from_db(context, host):
    return _row_by_host(context, host)


@api_db_api.context_manager.writer
def _create_in_db(context, updates):
    row = dbutils.insert_row(
        context.session, api_models.HostMapping, updates,
        on_duplicate=lambda: exception.HostMappingExists(name=updates["host"]))
    # Re-read so the joined cell_mapping relationship is loaded.
    context.session.refresh(row)
    return row


@api_db_api.context_manager.writer
def _save_in_db(context, host, updates):
    row = _row_by_host(context, host)
    row.update(updates)
    context.session.flush()
    context.session.refresh(row)
    return row


@api_db_api.context_manager.writer
def _destroy_in_db(context, host):
    row = _row_by_host(context, host)
    context.session.delete(row)


def _cell_id_updates(mapping, changes):
    """Turn a changed ``cell_mapping`` field into the ``cell_id`` column value."""
    if "cell_mapping" in changes:
        changes.pop("cell_mapping")
        changes["cell_id"] = mapping.cell_mapping.id
    return changes


@base.NovaObjectRegistry.register
class HostMapping(base.NovaTimestampObject, base.NovaObject):
    """One compute host (its service ``host`` name) and the cell it lives in."""

    # Version 1.0: Initial version (host, cell_mapping)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(read_only=True),
        "host": fields.StringField(),
        "cell_mapping": fields.ObjectField("CellMapping"),
    }

    # obj_make_list (ObjectListBase._from_db_rows) builds items through this.
    _from_db_object = staticmethod(_from_db_object)

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host):
        """Return the mapping of ``host``; raises HostMappingNotFound."""
        return _from_db_object(context, cls(), _get_by_host_from_db(context, host))

    @base.remotable
    def create(self):
        """Insert the mapping; ``cell_mapping`` must be a created CellMapping.

        :raises HostMappingExists: when ``host`` is mapped already (unique key).
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        changes = _cell_id_updates(self, self.obj_get_changes())
        _from_db_object(self._context, self, _create_in_db(self._context, changes))

    @base.remotable
    def save(self):
        """Write a changed ``cell_mapping`` back (moves the host to another cell)."""
        changes = _cell_id_updates(self, self.obj_get_changes())
        changes.pop("id", None)
        changes.pop("host", None)
        if not changes:
            return
        _from_db_object(self._context, self, _save_in_db(self._context, self.host, changes))

    @base.remotable
    def destroy(self):
        """Delete the mapping; raises HostMappingNotFound."""
        _destroy_in_db(self._context, self.host)


@api_db_api.context_manager.reader
def _get_list_from_db(context, cell_id=None):
    query = select(api_models.HostMapping).order_by(api_models.HostMapping.id.asc())
    if cell_id is not None:
        query = query.filter_by(cell_id=cell_id)
    return context.session.execute(query).scalars().all()


@base.NovaObjectRegistry.register
class HostMappingList(base.ObjectListBase, base.NovaObject):
    """Host mappings, ordered by id."""

    # Version 1.0: Initial version (get_all, get_by_cell_id)
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("HostMapping"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every host mapping of the deployment."""
        return cls._from_db_rows(context, _get_list_from_db(context))

    @classmethod
    @base.remotable
    def get_by_cell_id(cls, context, cell_id):
        """Return the mappings of the cell whose ``cell_mappings.id`` is ``cell_id``."""
        return cls._from_db_rows(context, _get_list_from_db(context, cell_id=cell_id))


def _unmapped_compute_nodes(cctxt):
    """Return ``(id, host)`` of live compute nodes of the targeted cell not yet mapped."""
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        node = main_models.ComputeNode
        rows = session.execute(
            select(node.id, node.host)
            .where(node.deleted == 0)
            .where((node.mapped.is_(None)) | (node.mapped < 1))
            .order_by(node.id.asc())).all()
    return [(row.id, row.host) for row in rows]


def _mark_compute_nodes_mapped(cctxt, node_ids):
    """Set ``mapped = 1`` on the given compute node ids of the targeted cell."""
    if not node_ids:
        return
    with main_db_api.get_context_manager(cctxt).writer.using(cctxt) as session:
        session.execute(
            update(main_models.ComputeNode)
            .where(main_models.ComputeNode.id.in_(node_ids))
            .values(mapped=1))


def compute_node_hosts(cctxt):
    """Return the sorted distinct host names of the live compute nodes of a cell.

    :param cctxt: a context targeted at the cell (``target_cell``), or an
        untargeted one for this process's own [database].
    """
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        node = main_models.ComputeNode
        rows = session.execute(
            select(node.host).where(node.deleted == 0).distinct()).scalars().all()
    return sorted(host for host in rows if host)


def count_compute_nodes(cctxt, unmapped_only=False):
    """Count the live compute nodes of a cell (only those without a host mapping).

    :param cctxt: a context targeted at the cell.
    :param unmapped_only: count only nodes whose ``mapped`` is 0 or NULL.
    :returns: int
    """
    node = main_models.ComputeNode
    query = select(func.count(node.id)).where(node.deleted == 0)
    if unmapped_only:
        query = query.where((node.mapped.is_(None)) | (node.mapped < 1))
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        return session.execute(query).scalar_one()


def unmap_compute_nodes(cctxt, host=None):
    """Reset ``mapped`` to 0 on a cell's compute nodes (only ``host``'s when given).

    Done when a host mapping is deleted, so that a later ``discover_hosts``
    maps the host again.

    :param cctxt: a context targeted at the cell.
    :param host: a compute host name, or None for every node of the cell.
    :returns: how many compute node rows changed (int).
    """
    node = main_models.ComputeNode
    statement = update(node).where(node.deleted == 0).where(node.mapped != 0).values(mapped=0)
    if host is not None:
        statement = statement.where(node.host == host)
    with main_db_api.get_context_manager(cctxt).writer.using(cctxt) as session:
        return session.execute(statement).rowcount


def _compute_service_hosts(cctxt):
    """Return the sorted host names of live nova-compute services, disabled ones too."""
    with main_db_api.get_context_manager(cctxt).reader.using(cctxt) as session:
        service = main_models.Service
        rows = session.execute(
            select(service.host)
            .where(service.deleted == 0)
            .where(service.binary == "nova-compute")
            .distinct()).scalars().all()
    return sorted(host for host in rows if host)


def _is_mapped(context, host):
    try:
        HostMapping.get_by_host(context, host)
    except exception.HostMappingNotFound:
        return False
    return True


def _create_mapping(context, cell, host, status_fn):
    status_fn(f"Creating host mapping for compute host '{host}': {cell.uuid}")
    mapping = HostMapping(context, host=host, cell_mapping=cell)
    mapping.create()
    return mapping


def _map_compute_nodes(context, cctxt, cell, status_fn):
    """Map the hosts of the cell's unmapped compute nodes, then flag the nodes."""
    created = []
    node_ids = []
    seen = set()
    status_fn("Checking host mapping for compute host(s) with unmapped compute nodes")
    for node_id, host in _unmapped_compute_nodes(cctxt):
        node_ids.append(node_id)
        # One host can run several nodes (ironic); one mapping covers them.
        if not host or host in seen:
            continue
        seen.add(host)
        if not _is_mapped(context, host):
            created.append(_create_mapping(context, cell, host, status_fn))
    _mark_compute_nodes_mapped(cctxt, node_ids)
    return created


def _map_compute_services(context, cctxt, cell, status_fn):
    """Map every nova-compute service host of the cell that has no mapping yet."""
    mapped = {hm.host for hm in HostMappingList.get_by_cell_id(context, cell.id)}
    created = []
    for host in _compute_service_hosts(cctxt):
        if host in mapped or _is_mapped(context, host):
            continue
        created.append(_create_mapping(context, cell, host, status_fn))
    return created


def discover_hosts(context, cell_uuid=None, status_fn=None, by_service=False):
    """Create host mappings for compute hosts of the cells that have none yet.

    Upstream's rule: cell0 is skipped (it never has hosts); in each other cell
    (or only ``cell_uuid``) the compute nodes whose ``mapped`` column is 0 are
    found, a HostMapping is created for each host not mapped yet, and the
    nodes are then marked ``mapped = 1`` so the next run skips them. With
    ``by_service`` the nova-compute service records are used instead of
    compute nodes (for drivers whose hosts may have no node at times).

    :param context: an admin RequestContext (API DB access).
    :param cell_uuid: restrict discovery to that cell; None means all cells.
    :param status_fn: called with one progress message (str) at a time.
    :param by_service: look at nova-compute services instead of compute nodes.
    :returns: list of the HostMapping objects created (empty when none).
    :raises CellMappingNotFound: ``cell_uuid`` names no cell.
    :raises HostMappingExists: another discovery mapped a host concurrently.
    """
    status_fn = status_fn or (lambda message: None)
    if cell_uuid:
        cells = [cell_mapping.CellMapping.get_by_uuid(context, cell_uuid)]
    else:
        cells = list(cell_mapping.CellMappingList.get_all(context))
        status_fn(f"Found {len(cells)} cell mappings.")
    created = []
    for cell in cells:
        if cell.is_cell0():
            status_fn("Skipping cell0 since it does not contain hosts.")
            continue
        if cell.name:
            status_fn(f"Getting computes from cell '{cell.name}': {cell.uuid}")
        else:
            status_fn(f"Getting computes from cell: {cell.uuid}")
        with nova_context.target_cell(context, cell) as cctxt:
            if by_service:
                added = _map_compute_services(context, cctxt, cell, status_fn)
            else:
                added = _map_compute_nodes(context, cctxt, cell, status_fn)
        status_fn(f"Found {len(added)} unmapped computes in cell: {cell.uuid}")
        created.extend(added)
    return created
