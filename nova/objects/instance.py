"""Instance and InstanceList: servers in a cell database.

An instance's row lives in ``instances``; its metadata, system metadata,
network info cache, tags and faults in their own tables; its flavor(s) and
key pairs as JSON in ``instance_extra``. ``Instance.save`` is a
compare-and-swap on task_state/vm_state so two concurrent actions cannot
both win; ``destroy`` soft-deletes (``deleted`` = the row id, upstream's
convention) unless asked to purge.
"""

import copy
import datetime
import re

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as sqlalchemyutils
from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils, uuidutils
from sqlalchemy import and_, case, exists, false, func, null, or_
from sqlalchemy.orm import selectinload

import nova.conf
from nova import exception
from nova.compute import task_states, vm_states
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields
from nova.objects import flavor as flavor_obj
from nova.objects import instance_fault as fault_obj
from nova.objects import instance_info_cache as info_cache_obj
from nova.objects import keypair as keypair_obj
from nova.objects import tag as tag_obj

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

#: Fields loaded only on request (``expected_attrs``) or lazily on access.
INSTANCE_OPTIONAL_ATTRS = (
    "metadata", "system_metadata", "info_cache", "fault", "tags",
    "flavor", "old_flavor", "new_flavor", "keypairs",
)
#: Optional fields kept in instance_extra as JSON.
_EXTRA_FIELDS = ("flavor", "old_flavor", "new_flavor", "keypairs")
#: What get_by_uuid loads when the caller does not say (upstream's default).
INSTANCE_DEFAULT_FIELDS = ("info_cache",)
#: Default sort of lists: newest first, id breaking ties.
DEFAULT_SORT_KEYS = ("created_at", "id")

#: System metadata key the conductor sets on an instance whose build the
#: quota recheck refused (see nova.quota.recheck_instances): such an
#: instance stays visible in ERROR but is not counted against quota.
QUOTA_REFUSED_KEY = "quota_refused"

#: Columns a list may sort by.
SORT_KEYS = (
    "access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
    "config_drive", "created_at", "display_description", "display_name", "host",
    "hostname", "id", "image_ref", "instance_type_id", "kernel_id", "key_name",
    "launch_index", "launched_at", "locked", "locked_by", "node", "power_state",
    "progress", "project_id", "ramdisk_id", "root_device_name", "task_state",
    "terminated_at", "updated_at", "user_id", "uuid", "vm_state",
)

# Filters that match a column exactly; a list (or tuple/set) value matches
# any of its items, None matches NULL.
_EXACT_FILTERS = (
    "project_id", "user_id", "host", "node", "vm_state", "task_state", "image_ref",
    "instance_type_id", "reservation_id", "availability_zone", "launch_index",
    "power_state", "key_name", "locked", "locked_by", "kernel_id", "ramdisk_id",
    "config_drive", "launched_on", "compute_id", "cell_name",
)
# Filters that match a substring of a column (upstream uses regular
# expressions; a substring is what users type).
_SUBSTRING_FILTERS = {
    "name": "display_name",
    "display_name": "display_name",
    "hostname": "hostname",
    "display_description": "display_description",
    "description": "display_description",
}


def _as_list(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _match_any(column, value):
    """SQL condition: ``column`` equals any item of ``value`` (None = NULL)."""
    values = _as_list(value)
    conditions = []
    concrete = [v for v in values if v is not None]
    if concrete:
        conditions.append(column.in_(concrete))
    if len(concrete) != len(values):
        conditions.append(column.is_(None))
    if not conditions:
        return false()
    return or_(*conditions) if len(conditions) > 1 else conditions[0]


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _instance_query(context, expected_attrs, read_deleted=None, project_only=False):
    query = db_api.model_query(context, models.Instance, read_deleted=read_deleted,
                               project_only=project_only)
    options = []
    if "metadata" in expected_attrs:
        options.append(selectinload(models.Instance.metadata_items))
    if "system_metadata" in expected_attrs:
        options.append(selectinload(models.Instance.system_metadata))
    if "info_cache" in expected_attrs:
        options.append(selectinload(models.Instance.info_cache))
    if "tags" in expected_attrs:
        options.append(selectinload(models.Instance.tags))
    if set(_EXTRA_FIELDS) & set(expected_attrs):
        options.append(selectinload(models.Instance.extra))
    if options:
        query = query.options(*options)
    return query


def _row_extras(row, expected_attrs):
    """Read related rows into plain values while the session is open."""
    extras = {}
    if "metadata" in expected_attrs:
        extras["metadata"] = {m.key: m.value for m in row.metadata_items}
    if "system_metadata" in expected_attrs:
        extras["system_metadata"] = {m.key: m.value for m in row.system_metadata}
    if "info_cache" in expected_attrs:
        extras["info_cache"] = row.info_cache
    if "tags" in expected_attrs:
        extras["tags"] = list(row.tags)
    if set(_EXTRA_FIELDS) & set(expected_attrs):
        extras["extra"] = row.extra
    return extras


@db_api.pick_context_manager_reader
def _instance_get_by_uuid(context, instance_uuid, expected_attrs, read_deleted=None):
    row = _instance_query(context, expected_attrs, read_deleted=read_deleted).filter_by(
        uuid=instance_uuid).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    return row, _row_extras(row, expected_attrs)


@db_api.pick_context_manager_reader
def _instance_get_by_id(context, instance_id, expected_attrs):
    row = _instance_query(context, expected_attrs).filter_by(id=instance_id).first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_id)
    return row, _row_extras(row, expected_attrs)


def _keypairs_json(keypairs):
    """instance_extra.keypairs text for a KeyPairList (or None)."""
    return jsonutils.dumps(keypairs.obj_to_primitive() if keypairs is not None else None)


def _set_metadata(context, model, instance_uuid, wanted):
    """Make the live rows of ``model`` for the instance equal ``wanted`` (dict)."""
    rows = db_api.model_query(context, model).filter_by(instance_uuid=instance_uuid).all()
    now = timeutils.utcnow()
    seen = set()
    for row in rows:
        if row.key in wanted and row.key not in seen:
            seen.add(row.key)
            if row.value != wanted[row.key]:
                row.value = wanted[row.key]
        else:
            row.deleted = row.id
            row.deleted_at = now
    for key, value in wanted.items():
        if key not in seen:
            context.session.add(model(instance_uuid=instance_uuid, key=key, value=value))


@db_api.pick_context_manager_writer
def _instance_create(context, values, metadata, system_metadata, extra, tags):
    row = models.Instance()
    row.update(values)
    context.session.add(row)
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.InstanceExists(name=values["uuid"]) from e
    uuid = values["uuid"]
    _set_metadata(context, models.InstanceMetadata, uuid, metadata)
    _set_metadata(context, models.InstanceSystemMetadata, uuid, system_metadata)
    context.session.add(models.InstanceExtra(instance_uuid=uuid, **extra))
    # Every instance has an info cache row from birth, as upstream.
    context.session.add(models.InstanceInfoCache(instance_uuid=uuid, network_info="[]"))
    for tag in sorted(set(tags)):
        context.session.add(models.Tag(resource_id=uuid, tag=tag))
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _instance_update(context, instance_uuid, values, expected, metadata, system_metadata,
                     extra):
    """Compare-and-swap update of one instance.

    :param expected: {"task_state": [...], "vm_state": [...]} conditions the
        row must meet for the UPDATE to apply; absent keys are not checked.
    :returns: the fresh row.
    :raises InstanceNotFound: no live row.
    :raises UnexpectedDeletingTaskStateError, UnexpectedTaskStateError,
        UnexpectedVMStateError: a condition failed (someone else won).
    """
    query = db_api.model_query(context, models.Instance, read_deleted="no").filter_by(
        uuid=instance_uuid)
    for column, wanted in expected.items():
        query = query.filter(_match_any(getattr(models.Instance, column), wanted))
    values = dict(values)
    values["updated_at"] = timeutils.utcnow()
    matched = query.update(values, synchronize_session=False)
    if not matched:
        current = db_api.model_query(context, models.Instance, read_deleted="no").filter_by(
            uuid=instance_uuid).first()
        if current is None:
            raise exception.InstanceNotFound(instance_id=instance_uuid)
        if "task_state" in expected and current.task_state not in _as_list(
                expected["task_state"]):
            error = (exception.UnexpectedDeletingTaskStateError
                     if current.task_state == task_states.DELETING
                     else exception.UnexpectedTaskStateError)
            raise error(instance_uuid=instance_uuid, expected=expected["task_state"],
                        actual=current.task_state)
        raise exception.UnexpectedVMStateError(
            instance_uuid=instance_uuid, expected=expected.get("vm_state"),
            actual=current.vm_state)
    if metadata is not None:
        _set_metadata(context, models.InstanceMetadata, instance_uuid, metadata)
    if system_metadata is not None:
        _set_metadata(context, models.InstanceSystemMetadata, instance_uuid, system_metadata)
    if extra:
        row = db_api.model_query(context, models.InstanceExtra).filter_by(
            instance_uuid=instance_uuid).first()
        if row is None:
            context.session.add(models.InstanceExtra(instance_uuid=instance_uuid, **extra))
        else:
            row.update(extra)
    context.session.flush()
    row = db_api.model_query(context, models.Instance, read_deleted="no").filter_by(
        uuid=instance_uuid).populate_existing().first()
    return row


# Rows removed with an instance: soft-deleted children, then hard-deleted ones.
_SOFT_DELETED_CHILDREN = (
    models.InstanceMetadata, models.InstanceSystemMetadata, models.InstanceInfoCache,
    models.InstanceExtra, models.InstanceFault, models.BlockDeviceMapping,
    models.Migration,
)


@db_api.pick_context_manager_writer
def _instance_destroy(context, instance_uuid, require_no_host, hard_delete):
    query = db_api.model_query(context, models.Instance, read_deleted="no").filter_by(
        uuid=instance_uuid)
    row = query.first()
    if row is None:
        raise exception.InstanceNotFound(instance_id=instance_uuid)
    if require_no_host and row.host:
        # The caller thinks the instance was never placed, but a compute
        # host took it meanwhile: that host must do the delete.
        raise exception.ObjectActionError(action="destroy", reason="host changed")
    now = timeutils.utcnow()
    context.session.query(models.Tag).filter_by(resource_id=instance_uuid).delete(
        synchronize_session=False)
    context.session.query(models.ConsoleAuthToken).filter_by(
        instance_uuid=instance_uuid).delete(synchronize_session=False)
    for model in _SOFT_DELETED_CHILDREN:
        children = context.session.query(model).filter(
            model.instance_uuid == instance_uuid)
        if hard_delete:
            children.delete(synchronize_session=False)
        else:
            children.filter(model.deleted == 0).update(
                {"deleted": model.id, "deleted_at": now}, synchronize_session=False)
    if hard_delete:
        context.session.query(models.InstanceActionEvent).filter(
            models.InstanceActionEvent.action_id.in_(
                context.session.query(models.InstanceAction.id).filter_by(
                    instance_uuid=instance_uuid).scalar_subquery())
        ).delete(synchronize_session=False)
        context.session.query(models.InstanceAction).filter_by(
            instance_uuid=instance_uuid).delete(synchronize_session=False)
        context.session.delete(row)
        context.session.flush()
        return None
    row.deleted = row.id
    row.deleted_at = now
    row.terminated_at = row.terminated_at or now
    context.session.flush()
    return row


@db_api.pick_context_manager_reader
def _instance_counts(context, project_id, user_id=None):
    refused = exists().where(
        models.InstanceSystemMetadata.instance_uuid == models.Instance.uuid,
        models.InstanceSystemMetadata.key == QUOTA_REFUSED_KEY,
        models.InstanceSystemMetadata.deleted == 0)
    query = context.session.query(
        func.count(models.Instance.id),
        func.coalesce(func.sum(models.Instance.vcpus), 0),
        func.coalesce(func.sum(models.Instance.memory_mb), 0),
    ).filter(models.Instance.deleted == 0, models.Instance.project_id == project_id,
             or_(models.Instance.vm_state != vm_states.SOFT_DELETED,
                 models.Instance.vm_state == null()),
             ~refused)
    if user_id is not None:
        query = query.filter(models.Instance.user_id == user_id)
    count, cores, ram = query.one()
    return {"instances": int(count), "cores": int(cores), "ram": int(ram)}


#: Task states during which an instance loads its host's disks and network
#: (upstream's "IO ops": what IoOpsFilter counts), besides vm_state building.
IO_TASK_STATES = (
    task_states.RESIZE_MIGRATING, task_states.REBUILDING, task_states.RESIZE_PREP,
    task_states.IMAGE_SNAPSHOT, task_states.IMAGE_BACKUP, task_states.RESCUING,
    task_states.UNSHELVING,
)


@db_api.pick_context_manager_reader
def _instance_load_by_node(context):
    io_op = case((or_(models.Instance.vm_state == vm_states.BUILDING,
                      models.Instance.task_state.in_(IO_TASK_STATES)), 1), else_=0)
    rows = context.session.query(
        models.Instance.host, models.Instance.node, func.count(models.Instance.id),
        func.coalesce(func.sum(io_op), 0),
    ).filter(models.Instance.deleted == 0, models.Instance.host != null()).group_by(
        models.Instance.host, models.Instance.node).all()
    return {(host, node): (int(count), int(io_ops)) for host, node, count, io_ops in rows}


@db_api.pick_context_manager_reader
def _instance_get_active_by_window(context, begin, end, project_id):
    # Deleted rows count too: a server deleted inside the window was used in it.
    query = _instance_query(context, [], read_deleted="yes").filter(
        or_(models.Instance.terminated_at == null(), models.Instance.terminated_at > begin),
        models.Instance.launched_at != null(),
        models.Instance.launched_at < end)
    if project_id is not None:
        query = query.filter(models.Instance.project_id == project_id)
    rows = query.order_by(models.Instance.created_at.asc(), models.Instance.id.asc()).all()
    # The extra row of a deleted instance is soft-deleted with it, and the
    # relationship only follows live ones: read them directly, newest last.
    extras = {}
    if rows:
        for extra in context.session.query(models.InstanceExtra).filter(
                models.InstanceExtra.instance_uuid.in_([r.uuid for r in rows])).order_by(
                models.InstanceExtra.id.asc()):
            extras[extra.instance_uuid] = extra
    return [(row, {"extra": extras[row.uuid]}) for row in rows
            if row.uuid in extras and extras[row.uuid].flavor]


@db_api.pick_context_manager_reader
def _instance_get_all_by_filters(context, filters, sort_keys, sort_dirs, limit, marker,
                                 expected_attrs):
    filters = dict(filters)
    read_deleted = None
    deleted_condition = None
    if "deleted" in filters:
        deleted = filters.pop("deleted")
        read_deleted = "yes"
        if deleted:
            if filters.pop("soft_deleted", True):
                deleted_condition = or_(models.Instance.deleted == models.Instance.id,
                                        models.Instance.vm_state == vm_states.SOFT_DELETED)
            else:
                deleted_condition = models.Instance.deleted == models.Instance.id
        else:
            deleted_condition = models.Instance.deleted == 0
            if not filters.pop("soft_deleted", False):
                deleted_condition = and_(deleted_condition, or_(
                    models.Instance.vm_state != vm_states.SOFT_DELETED,
                    models.Instance.vm_state == null()))
    query = _instance_query(context, expected_attrs, read_deleted=read_deleted,
                            project_only=True)
    if deleted_condition is not None:
        query = query.filter(deleted_condition)
    if not filters.pop("hidden", False):
        query = query.filter(or_(models.Instance.hidden == false(),
                                 models.Instance.hidden == null()))
    if "uuid" in filters:
        query = query.filter(_match_any(models.Instance.uuid, filters.pop("uuid")))
    # A never-updated row has updated_at NULL; its creation is its last change.
    last_change = func.coalesce(models.Instance.updated_at, models.Instance.created_at)
    if "changes-since" in filters:
        query = query.filter(last_change >= _as_datetime(filters.pop("changes-since")))
    if "changes-before" in filters:
        query = query.filter(last_change <= _as_datetime(filters.pop("changes-before")))
    if "flavor" in filters:
        filters.setdefault("instance_type_id", filters.pop("flavor"))
    for key in _EXACT_FILTERS:
        if key in filters:
            query = query.filter(_match_any(getattr(models.Instance, key), filters.pop(key)))
    # Checks SQL cannot do portably, applied to the loaded rows: regular
    # expressions on names and on the fixed/floating IPs in the info cache.
    row_checks = []
    for key, column in _SUBSTRING_FILTERS.items():
        if key in filters:
            value = filters.pop(key)
            if value is None:
                continue
            value = str(value)
            if _REGEX_CHARS.search(value):
                row_checks.append(_regex_check(column, value))
            else:
                # ilike: case-insensitive on every backend (PostgreSQL's
                # LIKE is not), matching MySQL's collation behaviour.
                query = query.filter(getattr(models.Instance, column).ilike(
                    f"%{_escape_like(value)}%", escape="\\"))
    for key in ("ip", "ip6"):
        if key in filters:
            row_checks.append(_ip_check(str(filters.pop(key)), 6 if key == "ip6" else 4))
    query = _filter_tags(query, filters)
    if filters:
        LOG.debug("Ignoring unsupported instance filters: %s", sorted(filters))
    if row_checks and "info_cache" not in expected_attrs:
        query = query.options(selectinload(models.Instance.info_cache))

    marker_row = None
    if marker is not None:
        marker_row = db_api.model_query(context, models.Instance, read_deleted="yes").filter_by(
            uuid=marker).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
    query = sqlalchemyutils.paginate_query(
        query, models.Instance, None if row_checks else limit, sort_keys,
        marker=marker_row, sort_dirs=sort_dirs)
    rows = query.all()
    if row_checks:
        rows = [row for row in rows if all(check(row) for check in row_checks)]
        rows = rows[:limit] if limit is not None else rows
    return [(row, _row_extras(row, expected_attrs)) for row in rows]


# A name filter with any of these is a regular expression (upstream's
# semantics); plain text is matched as a substring in SQL.
_REGEX_CHARS = re.compile(r"[\\^$.*+?()\[\]{}|]")


def _compile(pattern):
    """Compile a user's filter regex, case-insensitively (as MySQL matches names).

    :raises InvalidInput: not a valid regular expression.
    """
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise exception.InvalidInput(
            reason=f"invalid regular expression {pattern!r}: {e}") from e


def name_filter_matches(pattern, value):
    """Whether ``value`` passes a name filter ``pattern``, as get_by_filters applies it.

    Regex when ``pattern`` has regex characters, else a substring; both
    case-insensitive. For callers filtering objects outside SQL (build requests).

    :raises InvalidInput: ``pattern`` is an invalid regular expression.
    """
    if value is None:
        return False
    pattern = str(pattern)
    if _REGEX_CHARS.search(pattern):
        return _compile(pattern).search(value) is not None
    return pattern.lower() in value.lower()


def _regex_check(column, pattern):
    regex = _compile(pattern)

    def check(row):
        value = getattr(row, column)
        return value is not None and regex.search(value) is not None
    return check


def _ip_check(pattern, version):
    regex = _compile(pattern)

    def check(row):
        cache = row.info_cache
        if cache is None or not cache.network_info:
            return False
        return any(regex.match(ip) for ip in _addresses(jsonutils.loads(cache.network_info),
                                                          version))
    return check


def _addresses(network_info, version):
    """Yield the fixed and floating IPs of ``version`` (4 or 6) in a VIF list."""
    for vif in network_info or []:
        for subnet in (vif.get("network") or {}).get("subnets") or []:
            for ip in subnet.get("ips") or []:
                candidates = [ip.get("address")] + [
                    f.get("address") for f in ip.get("floating_ips") or []]
                for address in candidates:
                    if address and (":" in address) == (version == 6):
                        yield address


def _filter_tags(query, filters):
    """Apply upstream's tag filters: tags (all), tags-any, not-tags, not-tags-any."""
    def has(tag):
        return exists().where(and_(models.Tag.resource_id == models.Instance.uuid,
                                   models.Tag.tag == tag))

    def tag_list(value):
        return [t for t in (value.split(",") if isinstance(value, str) else value) if t]

    if "tags" in filters:
        for tag in tag_list(filters.pop("tags")):
            query = query.filter(has(tag))
    if "tags-any" in filters:
        query = query.filter(or_(*[has(t) for t in tag_list(filters.pop("tags-any"))]))
    if "not-tags" in filters:
        tags = tag_list(filters.pop("not-tags"))
        if tags:
            query = query.filter(~and_(*[has(t) for t in tags]))
    if "not-tags-any" in filters:
        for tag in tag_list(filters.pop("not-tags-any")):
            query = query.filter(~has(tag))
    return query


def _as_datetime(value):
    if isinstance(value, str):
        value = timeutils.parse_isotime(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = timeutils.normalize_time(value)
    return value


def process_sort_params(sort_keys, sort_dirs, default_keys=DEFAULT_SORT_KEYS,
                        default_dir="desc"):
    """Return (keys, dirs) with the default keys appended, upstream's rule.

    Every key gets a direction: the given one, the first given one when the
    lists differ in length, else ``default_dir``. ``created_at`` and ``id``
    are appended when missing so the order (and so marker paging) is total.

    :raises InvalidInput: more directions than keys, or a bad direction.
    """
    keys = list(sort_keys or [])
    dirs = list(sort_dirs or [])
    if len(dirs) > len(keys) and keys:
        raise exception.InvalidInput(reason="Sort direction size exceeds sort key size")
    for direction in dirs:
        if direction not in ("asc", "desc"):
            raise exception.InvalidInput(reason=f"Unknown sort direction {direction!r}")
    fill = dirs[0] if dirs else default_dir
    dirs.extend([fill] * (len(keys) - len(dirs)))
    if not keys:
        dirs = []
    for key in default_keys:
        if key not in keys:
            keys.append(key)
            dirs.append(fill)
    return keys, dirs


@base.NovaObjectRegistry.register
class Instance(base.NovaPersistentObject, base.NovaObject):
    """A server.

    State is vm_state (nova.compute.vm_states), task_state
    (nova.compute.task_states or None) and power_state (int,
    nova.compute.power_state). ``memory_mb`` MiB, ``root_gb``/``ephemeral_gb``
    GiB. Optional fields (INSTANCE_OPTIONAL_ATTRS) load on first access when
    the object has a context.
    """

    # Version 1.0: initial version (upstream's fields as of Instance 2.8,
    #              without PCI/NUMA/vCPU-model/migration-context/resources)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "image_ref": fields.StringField(nullable=True),
        "kernel_id": fields.StringField(nullable=True),
        "ramdisk_id": fields.StringField(nullable=True),
        "hostname": fields.StringField(nullable=True),
        "launch_index": fields.IntegerField(nullable=True),
        "key_name": fields.StringField(nullable=True),
        "key_data": fields.StringField(nullable=True),
        "power_state": fields.IntegerField(nullable=True),
        "vm_state": fields.StringField(nullable=True),
        "task_state": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(nullable=True),
        "vcpus": fields.IntegerField(nullable=True),
        "root_gb": fields.IntegerField(nullable=True),
        "ephemeral_gb": fields.IntegerField(nullable=True),
        "ephemeral_key_uuid": fields.UUIDField(nullable=True),
        "host": fields.StringField(nullable=True),
        "node": fields.StringField(nullable=True),
        "compute_id": fields.IntegerField(nullable=True),
        "instance_type_id": fields.IntegerField(nullable=True),
        "user_data": fields.StringField(nullable=True),
        "reservation_id": fields.StringField(nullable=True),
        "launched_at": fields.DateTimeField(nullable=True),
        "terminated_at": fields.DateTimeField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
        "display_name": fields.StringField(nullable=True),
        "display_description": fields.StringField(nullable=True),
        "launched_on": fields.StringField(nullable=True),
        "locked": fields.BooleanField(default=False),
        "locked_by": fields.StringField(nullable=True),
        "os_type": fields.StringField(nullable=True),
        "architecture": fields.StringField(nullable=True),
        "vm_mode": fields.StringField(nullable=True),
        "uuid": fields.UUIDField(),
        "root_device_name": fields.StringField(nullable=True),
        "default_ephemeral_device": fields.StringField(nullable=True),
        "default_swap_device": fields.StringField(nullable=True),
        "config_drive": fields.StringField(nullable=True),
        "access_ip_v4": fields.IPV4AddressField(nullable=True),
        "access_ip_v6": fields.IPV6AddressField(nullable=True),
        "auto_disk_config": fields.BooleanField(default=False),
        "progress": fields.IntegerField(nullable=True),
        "shutdown_terminate": fields.BooleanField(default=False),
        "disable_terminate": fields.BooleanField(default=False),
        "cell_name": fields.StringField(nullable=True),
        "metadata": fields.DictOfStringsField(),
        "system_metadata": fields.DictOfNullableStringsField(),
        "info_cache": fields.ObjectField("InstanceInfoCache", nullable=True),
        "fault": fields.ObjectField("InstanceFault", nullable=True),
        "cleaned": fields.BooleanField(default=False),
        "tags": fields.ObjectField("TagList"),
        "flavor": fields.ObjectField("Flavor"),
        "old_flavor": fields.ObjectField("Flavor", nullable=True),
        "new_flavor": fields.ObjectField("Flavor", nullable=True),
        "keypairs": fields.ObjectField("KeyPairList"),
        "hidden": fields.BooleanField(default=False),
    }
    fields.update(base.NovaPersistentObject.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Baselines of the dict fields, to notice in-place edits on save().
        self._orig_metadata = None
        self._orig_system_metadata = None

    @property
    def name(self):
        """The hypervisor-side name ([DEFAULT] instance_name_template), e.g. instance-0000002a.

        Empty while the instance has no DB id (still a build request).
        """
        if not self.obj_attr_is_set("id"):
            return ""
        template = CONF.instance_name_template
        try:
            return template % self.id
        except TypeError:
            try:
                return template % {"id": self.id, "uuid": self.uuid}
            except (KeyError, TypeError):
                return self.uuid

    # -- loading ---------------------------------------------------------

    @staticmethod
    def _from_db_object(context, instance, row, expected_attrs=None, extras=None):
        """Fill ``instance`` from a DB row and the related values in ``extras``."""
        expected_attrs = list(expected_attrs or [])
        extras = extras or {}
        for key in instance.fields:
            if key in INSTANCE_OPTIONAL_ATTRS:
                continue
            value = row[key]
            if key in ("deleted", "cleaned"):
                value = bool(value)
            elif key in ("locked", "auto_disk_config", "shutdown_terminate",
                         "disable_terminate", "hidden"):
                value = bool(value)
            setattr(instance, key, value)
        if "metadata" in extras:
            instance.metadata = extras["metadata"]
        if "system_metadata" in extras:
            instance.system_metadata = extras["system_metadata"]
        if "info_cache" in extras:
            cache_row = extras["info_cache"]
            instance.info_cache = (
                info_cache_obj.InstanceInfoCache._from_db_object(
                    context, info_cache_obj.InstanceInfoCache(), cache_row)
                if cache_row is not None else None)
        if "tags" in extras:
            instance.tags = base.obj_make_list(context, tag_obj.TagList(context),
                                               extras["tags"])
        if "extra" in extras:
            instance._load_extra_json(extras["extra"], expected_attrs)
        if "fault" in expected_attrs:
            instance.fault = fault_obj.InstanceFault.get_latest_for_instance(
                context, instance.uuid)
        instance._context = context
        instance.obj_reset_changes()
        return instance

    def _load_extra_json(self, extra_row, expected_attrs):
        wanted = [a for a in _EXTRA_FIELDS if a in expected_attrs]
        flavors = {}
        if extra_row is not None and extra_row.flavor:
            flavors = jsonutils.loads(extra_row.flavor)
        for attr, key in (("flavor", "cur"), ("old_flavor", "old"), ("new_flavor", "new")):
            if attr in wanted:
                prim = flavors.get(key)
                value = flavor_obj.Flavor.obj_from_primitive(prim) if prim else None
                if value is None and attr == "flavor":
                    # An instance always has a flavor; a missing one means
                    # the row predates its extra record.
                    raise exception.ObjectActionError(
                        action="obj_load_attr", reason="instance has no flavor recorded")
                if value is not None:
                    value._context = self._context
                setattr(self, attr, value)
        if "keypairs" in wanted:
            prim = jsonutils.loads(extra_row.keypairs) if extra_row and extra_row.keypairs \
                else None
            self.keypairs = (keypair_obj.KeyPairList.obj_from_primitive(prim) if prim
                             else keypair_obj.KeyPairList(objects=[]))

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive=recursive)
        if fields is None or "metadata" in fields:
            self._orig_metadata = (
                dict(self.metadata) if self.obj_attr_is_set("metadata") else None)
        if fields is None or "system_metadata" in fields:
            self._orig_system_metadata = (
                dict(self.system_metadata) if self.obj_attr_is_set("system_metadata") else None)

    def obj_what_changed(self):
        changed = super().obj_what_changed()
        for attr in ("metadata", "system_metadata"):
            orig = getattr(self, f"_orig_{attr}", None)
            if orig is not None and self.obj_attr_is_set(attr) and getattr(self, attr) != orig:
                changed.add(attr)
        return changed

    def obj_load_attr(self, attrname):
        """Load an optional field from the database on first access.

        :raises OrphanedObjectError: the object has no context.
        :raises ObjectActionError: ``attrname`` is not lazy-loadable.
        """
        if attrname not in INSTANCE_OPTIONAL_ATTRS:
            raise exception.ObjectActionError(
                action="obj_load_attr", reason=f"attribute {attrname} not lazy-loadable")
        if not self._context:
            raise exception.OrphanedObjectError(method="obj_load_attr", objtype=self.obj_name())
        LOG.debug("Lazy-loading '%s' on Instance %s", attrname, self.uuid)
        if attrname == "fault":
            self.fault = fault_obj.InstanceFault.get_latest_for_instance(
                self._context, self.uuid)
        elif attrname == "tags":
            self.tags = tag_obj.TagList.get_by_resource_id(self._context, self.uuid)
        else:
            # Through the remotable getter, so nova-compute (no DB) loads
            # via the conductor; deleted instances must still load.
            context = copy.copy(self._context)
            context.read_deleted = "yes"
            loaded = self.__class__.get_by_uuid(context, self.uuid, expected_attrs=[attrname])
            value = getattr(loaded, attrname)
            if isinstance(value, base.NovaObject):
                value._context = self._context
            setattr(self, attrname, value)
        self.obj_reset_changes([attrname])

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid, expected_attrs=None, use_slave=False):
        """Return the instance ``uuid`` with the ``expected_attrs`` loaded.

        :param expected_attrs: names from INSTANCE_OPTIONAL_ATTRS; None means
            INSTANCE_DEFAULT_FIELDS (the info cache).
        :raises InstanceNotFound: no such instance visible with the context's
            ``read_deleted`` (soft-deleted ones need "yes").
        """
        expected_attrs = (list(INSTANCE_DEFAULT_FIELDS) if expected_attrs is None
                          else list(expected_attrs))
        row, extras = _instance_get_by_uuid(context, uuid, expected_attrs)
        return cls._from_db_object(context, cls(), row, expected_attrs, extras)

    @classmethod
    @base.remotable
    def get_by_id(cls, context, inst_id, expected_attrs=None):
        """Return the instance with DB id ``inst_id``.

        :raises InstanceNotFound: none.
        """
        expected_attrs = (list(INSTANCE_DEFAULT_FIELDS) if expected_attrs is None
                          else list(expected_attrs))
        row, extras = _instance_get_by_id(context, inst_id, expected_attrs)
        return cls._from_db_object(context, cls(), row, expected_attrs, extras)

    # -- writing ---------------------------------------------------------

    def _flavor_json(self):
        def prim(attr):
            if not self.obj_attr_is_set(attr) or getattr(self, attr) is None:
                return None
            return getattr(self, attr).obj_to_primitive()
        return jsonutils.dumps({"cur": prim("flavor"), "old": prim("old_flavor"),
                                "new": prim("new_flavor")})

    @base.remotable
    def create(self):
        """Insert the instance with its metadata, extra record, info cache and tags.

        A missing ``uuid`` is generated; ``instance_type_id`` and the size
        fields default to the flavor's.

        :raises ObjectActionError: it was already created.
        :raises InstanceExists: the uuid is taken.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        if self.obj_attr_is_set("flavor") and self.flavor is not None:
            for attr, flavor_attr in (("instance_type_id", "id"), ("memory_mb", "memory_mb"),
                                      ("vcpus", "vcpus"), ("root_gb", "root_gb"),
                                      ("ephemeral_gb", "ephemeral_gb")):
                if not self.obj_attr_is_set(attr) and self.flavor.obj_attr_is_set(flavor_attr):
                    setattr(self, attr, getattr(self.flavor, flavor_attr))
        updates = self.obj_get_changes()
        values = {k: v for k, v in updates.items()
                  if k not in INSTANCE_OPTIONAL_ATTRS and k != "id"}
        for key in ("access_ip_v4", "access_ip_v6"):
            if values.get(key) is not None:
                values[key] = str(values[key])
        values["deleted"] = 0
        dbutils.naive_utc(values)
        metadata = dict(self.metadata) if self.obj_attr_is_set("metadata") else {}
        system_metadata = (dict(self.system_metadata)
                           if self.obj_attr_is_set("system_metadata") else {})
        extra = {"flavor": self._flavor_json()}
        if self.obj_attr_is_set("keypairs"):
            extra["keypairs"] = _keypairs_json(self.keypairs)
        tags = ([t.tag for t in self.tags] if self.obj_attr_is_set("tags") and self.tags
                else [])
        row = _instance_create(self._context, values, metadata, system_metadata, extra, tags)
        loaded = [a for a in ("metadata", "system_metadata") if self.obj_attr_is_set(a)]
        keep = {a: getattr(self, a) for a in INSTANCE_OPTIONAL_ATTRS
                if self.obj_attr_is_set(a)}
        self._from_db_object(self._context, self, row, loaded)
        for attr, value in keep.items():
            setattr(self, attr, value)
        self.metadata = metadata
        self.system_metadata = system_metadata
        if "info_cache" not in keep:
            self.info_cache = info_cache_obj.InstanceInfoCache.new(self._context, self.uuid)
        if "tags" not in keep:
            self.tags = tag_obj.TagList(self._context, objects=[])
        self.obj_reset_changes(recursive=True)

    @base.remotable
    def save(self, expected_vm_state=None, expected_task_state=None, admin_state_reset=False):
        """Write the changed fields, atomically checking the expected states.

        Upstream's contract: ``expected_task_state`` / ``expected_vm_state``
        of None mean "do not check"; a value or a list of values (which may
        include None, e.g. ``[None]`` for "no task running") must match the
        stored one, inside the same UPDATE, or nothing is written.

        :raises UnexpectedDeletingTaskStateError: a delete is in progress.
        :raises UnexpectedTaskStateError: task_state was not as expected.
        :raises UnexpectedVMStateError: vm_state was not as expected.
        :raises InstanceNotFound: the instance was deleted.
        """
        changes = self.obj_what_changed()
        expected = {}
        if expected_task_state is not None:
            expected["task_state"] = expected_task_state
        if expected_vm_state is not None:
            expected["vm_state"] = expected_vm_state
        values = {}
        for key in changes:
            if key in INSTANCE_OPTIONAL_ATTRS or key in ("id", "uuid"):
                continue
            value = getattr(self, key)
            if key in ("access_ip_v4", "access_ip_v6") and value is not None:
                value = str(value)
            if key == "deleted":
                continue
            values[key] = value
        metadata = dict(self.metadata) if "metadata" in changes else None
        system_metadata = dict(self.system_metadata) if "system_metadata" in changes else None
        extra = {}
        if changes & {"flavor", "old_flavor", "new_flavor"}:
            extra["flavor"] = self._flavor_json()
        if "keypairs" in changes:
            extra["keypairs"] = _keypairs_json(self.keypairs)
        if not (values or expected or metadata is not None or system_metadata is not None
                or extra):
            self._save_children(changes)
            return
        dbutils.naive_utc(values)
        row = _instance_update(self._context, self.uuid, values, expected, metadata,
                               system_metadata, extra)
        for key in ("updated_at", "task_state", "vm_state", "power_state"):
            if key not in changes:
                setattr(self, key, row[key])
        self.updated_at = row.updated_at
        self._save_children(changes)
        self.obj_reset_changes(recursive=False)

    def _save_children(self, changes):
        if (self.obj_attr_is_set("info_cache") and self.info_cache is not None
                and self.info_cache.obj_what_changed()):
            self.info_cache._context = self._context
            self.info_cache.save()
        for attr in ("flavor", "old_flavor", "new_flavor", "keypairs"):
            if attr in changes and self.obj_attr_is_set(attr) and getattr(self, attr):
                getattr(self, attr).obj_reset_changes(recursive=True)
        self.obj_reset_changes(list(changes & set(INSTANCE_OPTIONAL_ATTRS)))

    @base.remotable
    def destroy(self, hard_delete=False):
        """Delete the instance and everything hanging off it.

        Soft delete (default) sets ``deleted`` to the row id and keeps the
        rows for ``read_deleted="yes"``; tags and console tokens are removed.
        ``hard_delete`` removes every row (used for cell0 and build cleanup).
        When this object's ``host`` is unset/None the delete only happens if
        the stored host is still None, so an instance a compute host just
        claimed is not deleted under it (upstream's constraint).

        :raises ObjectActionError: already destroyed, or the host changed.
        :raises InstanceNotFound: no live instance with this uuid.
        """
        if not self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="destroy", reason="already destroyed")
        if not self.obj_attr_is_set("uuid"):
            raise exception.ObjectActionError(action="destroy", reason="no uuid")
        require_no_host = not self.obj_attr_is_set("host") or not self.host
        row = _instance_destroy(self._context, self.uuid, require_no_host, hard_delete)
        if row is not None:
            self.deleted = True
            self.deleted_at = row.deleted_at
            self.terminated_at = row.terminated_at
        else:
            self.deleted = True
            self.deleted_at = timeutils.utcnow()
        self.obj_reset_changes()

    @base.remotable
    def refresh(self, use_slave=False):
        """Reload every set field (and loaded optional field) from the database.

        :raises InstanceNotFound: the instance is gone.
        """
        loaded = [a for a in INSTANCE_OPTIONAL_ATTRS if self.obj_attr_is_set(a)]
        current = self.__class__.get_by_uuid(self._context, self.uuid, expected_attrs=loaded)
        for field in self.fields:
            if current.obj_attr_is_set(field) and (
                    self.obj_attr_is_set(field) or field not in INSTANCE_OPTIONAL_ATTRS):
                if getattr(self, field, None) != getattr(current, field):
                    setattr(self, field, getattr(current, field))
        self.obj_reset_changes()

    def set_flavor(self, flavor, attr="flavor"):
        """Set ``flavor``/``old_flavor``/``new_flavor`` (``attr``) to ``flavor``."""
        setattr(self, attr, flavor)

    def get_flavor(self, namespace=None):
        """Return the current flavor, or the ``old``/``new`` one during a resize."""
        return getattr(self, f"{namespace}_flavor" if namespace else "flavor")


@base.NovaObjectRegistry.register
class InstanceList(base.ObjectListBase, base.NovaObject):
    """A list of Instance objects."""

    # Version 1.0: initial version
    # Version 1.1: get_counts()
    VERSION = "1.1"

    fields = {
        "objects": fields.ListOfObjectsField("Instance"),
    }

    @classmethod
    def _make(cls, context, results, expected_attrs):
        # Faults are read in one query for the whole list, not one per instance.
        per_instance = [a for a in expected_attrs if a != "fault"]
        instances = cls(context, objects=[])
        for row, extras in results:
            instances.objects.append(Instance._from_db_object(
                context, Instance(context), row, per_instance, extras))
        instances._context = context
        if "fault" in expected_attrs:
            instances.fill_faults()
        instances.obj_reset_changes()
        return instances

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, filters, sort_key="created_at", sort_dir="desc",
                       limit=None, marker=None, expected_attrs=None, use_slave=False,
                       sort_keys=None, sort_dirs=None):
        """Return instances matching ``filters``, sorted, paged.

        Non-admin contexts see only their project's instances.

        :param filters: dict; supported keys: ``uuid`` (str or list),
            ``project_id``, ``user_id``, ``host``, ``node``, ``vm_state``,
            ``task_state`` (values or lists; None matches NULL), ``image_ref``,
            ``flavor``/``instance_type_id``, ``reservation_id``,
            ``availability_zone``, ``locked``, ``name``/``display_name``/
            ``hostname``/``description`` (case-insensitive substring, or a
            regular expression when the value has regex characters such as
            ``^``), ``ip``/``ip6`` (regex matched against the fixed and
            floating addresses in the info cache), ``changes-since`` /
            ``changes-before`` (bounds on updated_at, or created_at for a
            never-updated instance; datetime or ISO 8601),
            ``deleted`` (True: deleted or soft-deleted; False: live and not
            soft-deleted), ``soft_deleted``, ``tags``/``tags-any``/
            ``not-tags``/``not-tags-any``. Unknown keys are ignored.
        :param sort_key/sort_dir: one key and direction, used when
            ``sort_keys``/``sort_dirs`` are not given.
        :param sort_keys/sort_dirs: lists; created_at and id are appended.
        :param limit: max number, or None.
        :param marker: uuid of the last instance of the previous page.
        :param expected_attrs: optional fields to load for each instance.
        :raises MarkerNotFound: ``marker`` is no instance's uuid.
        :raises InvalidInput: bad sort directions.
        """
        if sort_keys is None and sort_dirs is None:
            sort_keys, sort_dirs = [sort_key], [sort_dir]
        keys, dirs = process_sort_params(sort_keys, sort_dirs)
        expected_attrs = list(expected_attrs or [])
        results = _instance_get_all_by_filters(
            context, filters or {}, keys, dirs, limit, marker, expected_attrs)
        return cls._make(context, results, expected_attrs)

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, expected_attrs=None, use_slave=False):
        """Return the live instances on compute service ``host``."""
        return cls.get_by_filters(context, {"host": host}, sort_key="id", sort_dir="asc",
                                  expected_attrs=expected_attrs)

    @classmethod
    @base.remotable
    def get_by_host_and_node(cls, context, host, node, expected_attrs=None):
        """Return the live instances on ``host`` placed on hypervisor node ``node``."""
        return cls.get_by_filters(context, {"host": host, "node": node}, sort_key="id",
                                  sort_dir="asc", expected_attrs=expected_attrs)

    @classmethod
    @base.remotable
    def get_uuids_by_host(cls, context, host):
        """Return the uuids (list of str) of the live instances on ``host``."""
        return [i.uuid for i in cls.get_by_host(context, host, expected_attrs=[])]

    @classmethod
    @base.remotable
    def get_counts(cls, context, project_id, user_id=None):
        """Count a project's live instances and sum their vCPUs and RAM (MiB).

        One aggregate query, whatever the number of instances (quota checks
        run on every create). Soft-deleted instances and those the quota
        recheck refused (``QUOTA_REFUSED_KEY``) are not counted.

        :returns: {"project": {"instances", "cores", "ram"}} and, with
            ``user_id``, a "user" entry of the same shape.
        """
        counts = {"project": _instance_counts(context, project_id)}
        if user_id is not None:
            counts["user"] = _instance_counts(context, project_id, user_id)
        return counts

    @classmethod
    def get_load_by_node(cls, context):
        """Count the live instances of each (host, node) of the targeted cell.

        One grouped query for the whole cell (the scheduler's host states
        read it once per request). An instance is an IO op while its
        vm_state is building or its task_state is one of IO_TASK_STATES.

        :returns: {(host, node): (num_instances, num_io_ops)}; hosts with no
            instance are absent.
        """
        return _instance_load_by_node(context)

    @classmethod
    def get_active_by_window(cls, context, begin, end, project_id=None):
        """Return the instances of the targeted cell that ran during [begin, end).

        An instance ran in the window when it was launched before ``end``
        and not terminated before ``begin``; deleted instances are
        included (usage is billed after deletion). Never-launched
        instances are not. Read by nova-api (os-simple-tenant-usage).

        :param begin/end: naive UTC datetimes.
        :param project_id: only this project's instances, or all when None.
        :returns: InstanceList with ``flavor`` loaded, oldest first.
        """
        results = _instance_get_active_by_window(context, begin, end, project_id)
        return cls._make(context, results, ["flavor"])

    @classmethod
    def get_all(cls, context, expected_attrs=None):
        """Return every live instance visible to ``context``, oldest first."""
        return cls.get_by_filters(context, {}, sort_key="id", sort_dir="asc",
                                  expected_attrs=expected_attrs)

    def fill_faults(self):
        """Set ``fault`` on every instance from the DB; return the uuids that have one."""
        uuids = [i.uuid for i in self.objects]
        faults = fault_obj.InstanceFaultList.get_latest_by_instance_uuids(self._context, uuids)
        by_uuid = {f.instance_uuid: f for f in faults}
        for instance in self.objects:
            instance.fault = by_uuid.get(instance.uuid)
            instance.obj_reset_changes(["fault"])
        return list(by_uuid)
