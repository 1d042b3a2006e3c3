"""ComputeNode: one hypervisor node's resources, as its compute service reports them.

The resource tracker of nova-compute creates and updates one row per node
(a libvirt host has one node named after its hypervisor hostname). The
hypervisors API reads them; Placement holds the inventory the scheduler uses.
Units: ``memory_mb`` MiB, ``local_gb`` GiB, ``vcpus`` count.
"""

from oslo_serialization import jsonutils
from oslo_utils import timeutils, uuidutils

import nova.conf
from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields
from nova.objects import hv_spec as hv_spec_obj

CONF = nova.conf.CONF

# Object fields stored as JSON text in a column of another name or shape.
_JSON_FIELDS = ("stats", "supported_hv_specs")
_RATIO_FIELDS = ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio")


def _query(context, read_deleted=None):
    return db_api.model_query(context, models.ComputeNode, read_deleted=read_deleted)


@db_api.pick_context_manager_reader
def _node_get_by(context, **filters):
    return _query(context).filter_by(**filters).order_by(models.ComputeNode.id).all()


@db_api.pick_context_manager_reader
def _node_get_by_uuids(context, uuids):
    return _query(context).filter(models.ComputeNode.uuid.in_(uuids)).order_by(
        models.ComputeNode.id).all()


@db_api.pick_context_manager_reader
def _node_get_changed_since(context, since):
    model = models.ComputeNode
    return _query(context, read_deleted="yes").filter(
        (model.created_at >= since) | (model.updated_at >= since)
        | (model.deleted_at >= since)).order_by(model.id).all()


@db_api.pick_context_manager_writer
def _node_create(context, values):
    return dbutils.insert_row(
        context.session, models.ComputeNode, values,
        on_duplicate=lambda: exception.ObjectActionError(
            action="create",
            reason=f"compute node {values.get('host')}/"
                   f"{values.get('hypervisor_hostname')} already exists"))


@db_api.pick_context_manager_writer
def _node_update(context, node_id, values):
    row = _query(context).filter_by(id=node_id).first()
    if row is None:
        raise exception.ComputeHostNotFound(host=node_id)
    row.update(values)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _node_destroy(context, node_id):
    row = _query(context).filter_by(id=node_id).first()
    if row is None:
        raise exception.ComputeHostNotFound(host=node_id)
    row.deleted = row.id
    row.deleted_at = timeutils.utcnow()
    context.session.flush()


@base.NovaObjectRegistry.register
class ComputeNode(base.NovaPersistentObject, base.NovaObject):
    """A hypervisor node (``compute_nodes`` table of a cell DB).

    ``uuid`` is also the node's resource provider uuid in Placement.
    A ratio stored as NULL or 0.0 reads as [DEFAULT] initial_*_allocation_ratio,
    upstream's rule for nodes that never had one set.
    """

    # Version 1.0: initial version (upstream's fields as of 1.19 without the
    #              PCI device pools)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(read_only=True),
        "uuid": fields.UUIDField(read_only=True),
        "service_id": fields.IntegerField(nullable=True),
        "host": fields.StringField(nullable=True),
        "vcpus": fields.IntegerField(),
        "memory_mb": fields.IntegerField(),
        "local_gb": fields.IntegerField(),
        "vcpus_used": fields.IntegerField(),
        "memory_mb_used": fields.IntegerField(),
        "local_gb_used": fields.IntegerField(),
        "hypervisor_type": fields.StringField(),
        "hypervisor_version": fields.IntegerField(),
        "hypervisor_hostname": fields.StringField(nullable=True),
        "free_ram_mb": fields.IntegerField(nullable=True),
        "free_disk_gb": fields.IntegerField(nullable=True),
        "current_workload": fields.IntegerField(nullable=True),
        "running_vms": fields.IntegerField(nullable=True),
        "cpu_info": fields.StringField(nullable=True),
        "disk_available_least": fields.IntegerField(nullable=True),
        "metrics": fields.StringField(nullable=True),
        "stats": fields.DictOfNullableStringsField(nullable=True),
        "host_ip": fields.IPAddressField(nullable=True),
        "numa_topology": fields.StringField(nullable=True),
        "supported_hv_specs": fields.ListOfObjectsField("HVSpec"),
        "cpu_allocation_ratio": fields.FloatField(),
        "ram_allocation_ratio": fields.FloatField(),
        "disk_allocation_ratio": fields.FloatField(),
        "mapped": fields.IntegerField(),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, node, row):
        for key in node.fields:
            if key == "supported_hv_specs":
                specs = jsonutils.loads(row["supported_instances"] or "[]")
                value = [hv_spec_obj.HVSpec.from_list(s) for s in specs]
            elif key == "stats":
                value = jsonutils.loads(row["stats"] or "{}")
                value = {k: None if v is None else str(v) for k, v in value.items()}
            elif key in _RATIO_FIELDS:
                value = row[key]
                if not value:
                    value = getattr(CONF, f"initial_{key}")
            elif key == "deleted":
                value = bool(row["deleted"])
            elif key == "mapped":
                value = row["mapped"] or 0
            else:
                value = row[key]
            setattr(node, key, value)
        node._context = context
        node.obj_reset_changes()
        return node

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive=recursive)
        if fields is None or "stats" in fields:
            # Baseline to notice stats edited in place (dicts do not report it).
            self._orig_stats = (dict(self.stats) if self.obj_attr_is_set("stats")
                                and self.stats is not None else None)

    def obj_what_changed(self):
        changed = super().obj_what_changed()
        orig = getattr(self, "_orig_stats", None)
        if orig is not None and self.obj_attr_is_set("stats") and self.stats != orig:
            changed.add("stats")
        return changed

    @staticmethod
    def _to_db_values(updates):
        """Map changed object fields to column values (JSON-encoding as needed)."""
        values = dict(updates)
        if "stats" in values:
            values["stats"] = jsonutils.dumps(values["stats"] or {})
        if "supported_hv_specs" in values:
            values["supported_instances"] = jsonutils.dumps(
                [spec.to_list() for spec in values.pop("supported_hv_specs") or []])
        if "host_ip" in values and values["host_ip"] is not None:
            values["host_ip"] = str(values["host_ip"])
        return values

    @classmethod
    def _first_node(cls, context, reported_as, **filters):
        """Return the lowest-id live node matching ``filters`` (column=value).

        :param reported_as: what ComputeHostNotFound names as the host.
        :raises ComputeHostNotFound: no live node matches.
        """
        rows = _node_get_by(context, **filters)
        if not rows:
            raise exception.ComputeHostNotFound(host=reported_as)
        return cls._from_db_object(context, cls(), rows[0])

    @classmethod
    @base.remotable
    def get_by_id(cls, context, compute_id):
        """Return the node with primary key ``compute_id``.

        :raises ComputeHostNotFound: no live node has it.
        """
        return cls._first_node(context, compute_id, id=compute_id)

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, compute_uuid):
        """Return the node with ``uuid`` (its resource provider uuid).

        :raises ComputeHostNotFound: no live node has it.
        """
        return cls._first_node(context, compute_uuid, uuid=compute_uuid)

    @classmethod
    @base.remotable
    def get_by_service_id(cls, context, service_id):
        """Return the first node of the service ``service_id``.

        :raises ComputeHostNotFound: the service has no node.
        """
        return cls._first_node(context, service_id, service_id=service_id)

    @classmethod
    @base.remotable
    def get_by_host_and_nodename(cls, context, host, nodename):
        """Return the node ``nodename`` of compute service ``host``.

        :raises ComputeHostNotFound: there is no such live node.
        """
        return cls._first_node(context, host, host=host, hypervisor_hostname=nodename)

    @classmethod
    @base.remotable
    def get_first_node_by_host_for_old_compat(cls, context, host, use_slave=False):
        """Return the lowest-id node of ``host`` (callers that assume one node).

        :raises ComputeHostNotFound: the host has no node.
        """
        return cls._first_node(context, host, host=host)

    @base.remotable
    def create(self):
        """Insert this node; a uuid is generated when none was set.

        :raises ObjectActionError: already created, or a live node with the
            same host and hypervisor_hostname exists.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        updates = self.obj_get_changes()
        if "uuid" not in updates:
            updates["uuid"] = uuidutils.generate_uuid()
        row = _node_create(self._context, self._to_db_values(updates))
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self, prune_stats=False):
        """Write the changed fields.

        :param prune_stats: accepted for upstream compatibility; stats are
            always replaced as a whole here.
        :raises ComputeHostNotFound: the node was deleted meanwhile.
        """
        updates = self.obj_get_changes()
        updates.pop("id", None)
        updates.pop("uuid", None)
        if not updates:
            return
        row = _node_update(self._context, self.id, self._to_db_values(updates))
        self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Soft-delete this node.

        :raises ComputeHostNotFound: it is already gone.
        """
        _node_destroy(self._context, self.id)

    def update_from_virt_driver(self, resources):
        """Copy the virt driver's ``get_available_resource()`` dict onto this node.

        :param resources: dict with keys named like this object's fields
            (vcpus, memory_mb, local_gb, *_used, hypervisor_*, cpu_info,
            disk_available_least, numa_topology, supported_instances as a list
            of [arch, hv_type, vm_mode]). Unknown keys are ignored.
        """
        keys = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
                "local_gb_used", "hypervisor_type", "hypervisor_version",
                "hypervisor_hostname", "cpu_info", "disk_available_least",
                "numa_topology", "host_ip")
        for key in keys:
            if key in resources:
                setattr(self, key, resources[key])
        if "supported_instances" in resources:
            self.supported_hv_specs = [
                hv_spec_obj.HVSpec.from_list(s) for s in resources["supported_instances"]]


@base.NovaObjectRegistry.register
class ComputeNodeList(base.ObjectListBase, base.NovaObject):
    """A list of ComputeNode objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("ComputeNode"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every live node of the targeted cell, by id."""
        return cls._from_db_rows(context, _node_get_by(context))

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, use_slave=False):
        """Return the nodes of compute service ``host``.

        :raises ComputeHostNotFound: the host has none (upstream's contract).
        """
        rows = _node_get_by(context, host=host)
        if not rows:
            raise exception.ComputeHostNotFound(host=host)
        return cls._from_db_rows(context, rows)

    @classmethod
    def get_changed_since(cls, context, since):
        """Return the nodes created, updated or deleted at or after ``since``.

        For services with database access (the scheduler's host state
        cache); deleted nodes are included with ``deleted`` set.

        :param since: naive UTC datetime, compared with the rows'
            created_at, updated_at and deleted_at.
        """
        return cls._from_db_rows(context, _node_get_changed_since(context, since))

    @classmethod
    @base.remotable
    def get_all_by_uuids(cls, context, compute_uuids):
        """Return the live nodes whose uuid is in ``compute_uuids`` (list of str)."""
        return cls._from_db_rows(context, _node_get_by_uuids(context, list(compute_uuids)))

    @classmethod
    @base.remotable
    def get_all_by_hypervisor_hostname(cls, context, hypervisor_hostname):
        """Return the nodes whose hypervisor_hostname equals the given name."""
        return cls._from_db_rows(
            context, _node_get_by(context, hypervisor_hostname=hypervisor_hostname))
