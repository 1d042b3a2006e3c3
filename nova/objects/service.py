"""Service: one nova daemon (binary) on one host, as recorded in the cell DB.

Every nova-compute, nova-conductor and nova-scheduler writes a ``services``
row at start-up and bumps ``report_count`` periodically; the servicegroup
code derives "up" from ``last_seen_up`` (falling back to ``updated_at``).
``version`` is the code level of the daemon (``SERVICE_VERSION``), so callers
can ask for the oldest service of a binary before sending new RPC or
object versions.
"""

from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_utils import timeutils, uuidutils
from sqlalchemy import func, sql

import nova.conf
from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

#: The code level of every service this tree builds. Bump it (and add a line
#: to SERVICE_VERSION_HISTORY) whenever a service gains an RPC method or a
#: behaviour peers must know about before they rely on it.
SERVICE_VERSION = 11

#: What each SERVICE_VERSION means; index i describes version i.
SERVICE_VERSION_HISTORY = (
    # 0: no version recorded (a row written before versions existed).
    {"description": "unversioned"},
    # 1: the first release of this tree: compute RPC API 6.x, objects 1.0.
    {"description": "initial release: compute RPC 6.x, all objects at 1.0"},
    # 2: compute RPC 6.1 (build_and_run_instance, terminate_instance,
    #    get_console_output); conductor compute_task API 1.0.
    {"description": "compute RPC 6.1: build, terminate, console output"},
    # 3: compute RPC 6.2 (get_vnc_console: nova-compute issues console
    #    tokens for nova-novncproxy).
    {"description": "compute RPC 6.2: get_vnc_console"},
    # 4: compute RPC 6.3 (the server actions of nova.compute.server_actions:
    #    stop, start, reboot, pause, unpause, suspend, resume,
    #    trigger_crash_dump).
    {"description": "compute RPC 6.3: server actions"},
    # 5: compute RPC 6.4 (get_spice_console, get_serial_console,
    #    validate_console_port: SPICE and serial consoles, proxies check a
    #    token's port with the host).
    {"description": "compute RPC 6.4: SPICE and serial consoles, validate_console_port"},
    # 6: compute RPC 6.5 (rescue, unrescue, soft delete, restore,
    #    set_admin_password).
    {"description": "compute RPC 6.5: rescue, soft delete, password"},
    # 7: compute RPC 6.6 (rebuild, snapshot, backup, shelve, shelve offload,
    #    unshelve).
    {"description": "compute RPC 6.6: image actions"},
    # 8: compute RPC 6.7 (resize and cold migration: prep_resize,
    #    resize_instance, finish_resize, confirm_resize, revert_resize,
    #    finish_revert_resize); conductor compute_task 1.2 migrate_server.
    {"description": "compute RPC 6.7: resize and cold migration"},
    # 9: compute RPC 6.8 (live migration: check_can_live_migrate_destination,
    #    pre_live_migration, live_migration, post/rollback at the
    #    destination, force complete, abort; evacuate through
    #    rebuild_instance's recreate); conductor compute_task API 1.3.
    {"description": "compute RPC 6.8: live migration and evacuate"},
    # 10: compute RPC 6.9 (get_instance_diagnostics).
    {"description": "compute RPC 6.9: server diagnostics"},
    # 11: compute RPC 6.10 (external_instance_event).
    {"description": "compute RPC 6.10: external instance events"},
)

#: Binary name of the compute service, whose availability zone is real.
COMPUTE_BINARY = "nova-compute"

_ZONE_KEY = "availability_zone"


def _service_query(context, read_deleted=None):
    return db_api.model_query(context, models.Service, read_deleted=read_deleted)


@db_api.pick_context_manager_reader
def _service_get(context, service_id):
    row = _service_query(context).filter_by(id=service_id).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    return row


@db_api.pick_context_manager_reader
def _service_get_by_uuid(context, service_uuid):
    row = _service_query(context).filter_by(uuid=service_uuid).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_uuid)
    return row


@db_api.pick_context_manager_reader
def _service_get_by_host_and_binary(context, host, binary):
    row = _service_query(context).filter_by(host=host, binary=binary).first()
    if row is None:
        raise exception.HostBinaryNotFound(host=host, binary=binary)
    return row


@db_api.pick_context_manager_reader
def _service_get_all(context, disabled=None, **filters):
    query = _service_query(context)
    if disabled is not None:
        query = query.filter(models.Service.disabled == bool(disabled))
    if filters:
        query = query.filter_by(**filters)
    return query.order_by(models.Service.id).all()


@db_api.pick_context_manager_reader
def _service_get_changed_since(context, binary, since):
    model = models.Service
    return _service_query(context, read_deleted="yes").filter(
        model.binary == binary,
        (model.created_at >= since) | (model.updated_at >= since)
        | (model.deleted_at >= since)).order_by(model.id).all()


@db_api.pick_context_manager_reader
def _service_min_versions(context, binaries):
    """Return {binary: min version} over live, not forced-down services."""
    query = db_api.model_query(
        context, models.Service, read_deleted="no"
    ).with_entities(models.Service.binary, func.min(models.Service.version)).filter(
        models.Service.binary.in_(binaries)
    ).filter(
        sql.or_(models.Service.forced_down.is_(None),
                models.Service.forced_down == sql.false())
    ).group_by(models.Service.binary)
    return {binary: version for binary, version in query.all()}


@db_api.pick_context_manager_writer
def _service_create(context, values):
    row = models.Service()
    row.update(values)
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        if "binary" in (e.columns or []):
            raise exception.ServiceBinaryExists(
                host=values.get("host"), binary=values.get("binary")) from e
        raise exception.ServiceTopicExists(
            host=values.get("host"), topic=values.get("topic")) from e
    return row


@db_api.pick_context_manager_writer
def _service_update(context, service_id, values):
    row = _service_query(context).filter_by(id=service_id).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    # A heartbeat is a report_count bump; stamp when we saw it so "is up"
    # does not depend on updated_at, which any admin edit also moves.
    if "report_count" in values and values["report_count"] > (row.report_count or 0):
        values.setdefault("last_seen_up", timeutils.utcnow())
    row.update(values)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _service_destroy(context, service_id):
    row = _service_query(context).filter_by(id=service_id).first()
    if row is None:
        raise exception.ServiceNotFound(service_id=service_id)
    row.soft_delete(context.session)
    # A compute service's nodes go with it, as upstream does, so the
    # hypervisor list and the scheduler stop seeing them.
    if row.binary == COMPUTE_BINARY:
        now = timeutils.utcnow()
        nodes = db_api.model_query(context, models.ComputeNode).filter_by(
            service_id=service_id).all()
        for node in nodes:
            node.deleted = node.id
            node.deleted_at = now
        context.session.flush()


@api_db_api.context_manager.reader
def _host_availability_zones(context):
    """Return {host: "zone1,zone2"} from aggregates' availability_zone metadata."""
    rows = context.session.query(
        api_models.AggregateHost.host, api_models.AggregateMetadata.value
    ).join(
        api_models.AggregateMetadata,
        api_models.AggregateMetadata.aggregate_id == api_models.AggregateHost.aggregate_id,
    ).filter(api_models.AggregateMetadata.key == _ZONE_KEY).all()
    zones = {}
    for host, zone in rows:
        zones.setdefault(host, set()).add(zone)
    return {host: ",".join(sorted(names)) for host, names in zones.items()}


def availability_zone_for(service, host_zones):
    """Return the availability zone name of ``service``.

    :param service: a Service (or anything with ``host`` and ``binary``).
    :param host_zones: {host: zone string} as from aggregates' metadata.
    :returns: the aggregate zone(s) of a compute host, else
        [DEFAULT] default_availability_zone; other binaries are in
        [DEFAULT] internal_service_availability_zone (upstream's rule).
    """
    if service.binary != COMPUTE_BINARY:
        return CONF.internal_service_availability_zone
    return host_zones.get(service.host, CONF.default_availability_zone)


@base.NovaObjectRegistry.register
class Service(base.NovaPersistentObject, base.NovaObject):
    """A nova daemon on a host (``services`` table of a cell DB).

    Loading a Service always reports this code's ``SERVICE_VERSION`` in
    ``version`` (not the stored value), so that a daemon that loads and saves
    its own record records its current level, as upstream does.
    """

    # Version 1.0: initial version (upstream's fields as of Service 1.22,
    #              without the deprecated compute_node(s) links)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(read_only=True),
        "uuid": fields.UUIDField(),
        "host": fields.StringField(nullable=True),
        "binary": fields.StringField(nullable=True),
        "topic": fields.StringField(nullable=True),
        "report_count": fields.IntegerField(),
        "disabled": fields.BooleanField(),
        "disabled_reason": fields.StringField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
        "last_seen_up": fields.DateTimeField(nullable=True),
        "forced_down": fields.BooleanField(),
        "version": fields.IntegerField(),
    }
    fields.update(base.NovaPersistentObject.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = SERVICE_VERSION

    @staticmethod
    def _from_db_object(context, service, db_service):
        for key in service.fields:
            if key in ("availability_zone", "version"):
                continue
            value = db_service[key]
            if key in ("disabled", "forced_down"):
                value = bool(value)
            elif key == "report_count":
                value = value or 0
            elif key == "deleted":
                value = bool(value)
            setattr(service, key, value)
        service._context = context
        service.obj_reset_changes()
        return service

    def obj_load_attr(self, attrname):
        if not self._context:
            raise exception.OrphanedObjectError(method="obj_load_attr", objtype=self.obj_name())
        if attrname == "availability_zone":
            zones = _host_availability_zones(self._context)
            self.availability_zone = availability_zone_for(self, zones)
            self.obj_reset_changes(["availability_zone"])
            return
        if attrname == "uuid" and self.obj_attr_is_set("id"):
            # Rows written without a uuid get one on first use.
            self.uuid = uuidutils.generate_uuid()
            self.save()
            return
        raise exception.ObjectActionError(
            action="obj_load_attr", reason=f"attribute {attrname} not lazy-loadable")

    @classmethod
    @base.remotable
    def get_by_id(cls, context, service_id):
        """Return the Service with primary key ``service_id`` (int).

        :raises ServiceNotFound: no live row has that id.
        """
        return cls._from_db_object(context, cls(), _service_get(context, service_id))

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, service_uuid):
        """Return the Service with ``uuid`` (str).

        :raises ServiceNotFound: no live row has that uuid.
        """
        return cls._from_db_object(context, cls(), _service_get_by_uuid(context, service_uuid))

    @classmethod
    @base.remotable
    def get_by_host_and_binary(cls, context, host, binary):
        """Return the Service for ``binary`` on ``host``, or None if there is none.

        Returning None (not raising) is upstream's contract: a daemon calls
        this at start-up to decide whether to create its record.
        """
        try:
            row = _service_get_by_host_and_binary(context, host, binary)
        except exception.HostBinaryNotFound:
            return None
        return cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def get_by_host_and_topic(cls, context, host, topic):
        """Return the Service with ``topic`` on ``host``.

        :raises ServiceNotFound: there is none.
        """
        rows = _service_get_all(context, host=host, topic=topic)
        if not rows:
            raise exception.ServiceNotFound(service_id=f"{host}/{topic}")
        return cls._from_db_object(context, cls(), rows[0])

    @classmethod
    @base.remotable
    def get_by_compute_host(cls, context, host):
        """Return the nova-compute Service of ``host``.

        :raises ComputeHostNotFound: ``host`` runs no compute service.
        """
        try:
            row = _service_get_by_host_and_binary(context, host, COMPUTE_BINARY)
        except exception.HostBinaryNotFound as e:
            raise exception.ComputeHostNotFound(host=host) from e
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        """Insert this service; fills id, uuid (when unset) and timestamps.

        :raises ObjectActionError: it was already created.
        :raises ServiceBinaryExists / ServiceTopicExists: a live service with
            the same host and binary (or topic) exists.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        updates = self.obj_get_changes()
        updates.pop("availability_zone", None)
        if "uuid" not in updates:
            updates["uuid"] = uuidutils.generate_uuid()
            self.uuid = updates["uuid"]
        updates["version"] = self.version
        row = _service_create(self._context, updates)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write changed fields (and always the current ``version``).

        Increasing ``report_count`` also stamps ``last_seen_up`` with the
        current time; the servicegroup driver's heartbeat relies on this.

        :raises ServiceNotFound: the row was deleted meanwhile.
        """
        updates = self.obj_get_changes()
        updates.pop("id", None)
        updates.pop("availability_zone", None)
        updates["version"] = self.version
        row = _service_update(self._context, self.id, updates)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Soft-delete this service and, for nova-compute, its compute nodes.

        :raises ServiceNotFound: it is already gone.
        """
        _service_destroy(self._context, self.id)

    @classmethod
    def get_minimum_version_multi(cls, context, binaries):
        """Return the lowest ``version`` among live services of ``binaries``.

        Forced-down and deleted services are ignored; binaries with no
        service at all do not count.

        :param binaries: list of binary names (e.g. ["nova-compute"]).
        :returns: int, 0 when no matching service exists.
        """
        versions = _service_min_versions(context, list(binaries))
        known = [v or 0 for v in versions.values()]
        return min(known) if known else 0

    @classmethod
    @base.remotable
    def get_minimum_version(cls, context, binary):
        """Return the lowest ``version`` of live ``binary`` services (0 if none)."""
        return cls.get_minimum_version_multi(context, [binary])


@base.NovaObjectRegistry.register
class ServiceList(base.ObjectListBase, base.NovaObject):
    """A list of Service objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Service"),
    }

    @classmethod
    def _make(cls, context, rows, set_zones=False):
        services = base.obj_make_list(context, cls(context), rows)
        if set_zones:
            zones = _host_availability_zones(context)
            for service in services:
                service.availability_zone = availability_zone_for(service, zones)
                service.obj_reset_changes(["availability_zone"])
        return services

    @classmethod
    @base.remotable
    def get_all(cls, context, disabled=None, set_zones=False):
        """Return every live service.

        :param disabled: None for all, True/False for only (not) disabled ones.
        :param set_zones: fill ``availability_zone`` from aggregates (API DB).
        """
        return cls._make(context, _service_get_all(context, disabled=disabled), set_zones)

    @classmethod
    @base.remotable
    def get_by_topic(cls, context, topic):
        """Return the live services listening on ``topic``."""
        return cls._make(context, _service_get_all(context, topic=topic))

    @classmethod
    @base.remotable
    def get_by_binary(cls, context, binary, include_disabled=False):
        """Return the live services of ``binary``; disabled ones only if asked."""
        disabled = None if include_disabled else False
        return cls._make(context, _service_get_all(context, disabled=disabled, binary=binary))

    @classmethod
    def get_changed_since(cls, context, binary, since):
        """Return the ``binary`` services created, updated or deleted at or after ``since``.

        For services with database access (the scheduler's host state
        cache); deleted services are included with ``deleted`` set. A
        heartbeat updates the row, so a live service shows up at least
        every [DEFAULT] report_interval.

        :param since: naive UTC datetime.
        """
        return cls._make(context, _service_get_changed_since(context, binary, since))

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host):
        """Return the live services on ``host``."""
        return cls._make(context, _service_get_all(context, host=host))
