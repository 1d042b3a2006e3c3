"""BuildRequest: a server accepted by the API and not yet in a cell (API DB ``build_requests``).

The API writes one per server at create time so that GET /servers can
show it while the scheduler works; the conductor turns it into a real
Instance in the chosen cell (``get_new_instance``) and deletes it. The
row holds the Instance, its block device mappings and tags as JSON
primitives, as upstream.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils
from oslo_versionedobjects import exception as ovo_exc
from sqlalchemy import null, or_

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, dbutils, fields
from nova.objects import instance as instance_obj
from nova.objects import instance_info_cache as info_cache_obj
from nova.objects import tag as tag_obj

LOG = logging.getLogger(__name__)

# Filters a build request answers from its Instance, like InstanceList's.
_EXACT_FILTERS = ("uuid", "project_id", "user_id", "vm_state", "task_state", "image_ref",
                  "availability_zone", "key_name", "reservation_id", "locked", "host",
                  "node", "launch_index", "config_drive")
_SUBSTRING_FILTERS = {"name": "display_name", "display_name": "display_name",
                      "hostname": "hostname", "description": "display_description"}


def _build_requests(context):
    return context.session.query(api_models.BuildRequest)


@api_db_api.context_manager.reader
def _get_by_instance_uuid(context, instance_uuid):
    row = _build_requests(context).filter_by(instance_uuid=instance_uuid).first()
    if row is None:
        raise exception.BuildRequestNotFound(uuid=instance_uuid)
    return row


@api_db_api.context_manager.reader
def _get_all(context, project_id=None):
    query = _build_requests(context)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return query.order_by(api_models.BuildRequest.id).all()


@api_db_api.context_manager.writer
def _create(context, values):
    return dbutils.insert_row(
        context.session, api_models.BuildRequest, values,
        on_duplicate=lambda: exception.ObjectActionError(
            action="create",
            reason=f"a build request for {values['instance_uuid']} exists"))


@api_db_api.context_manager.writer
def _update(context, instance_uuid, values):
    row = _build_requests(context).filter_by(instance_uuid=instance_uuid).first()
    if row is None:
        raise exception.BuildRequestNotFound(uuid=instance_uuid)
    row.update(values)
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _destroy(context, instance_uuid):
    if not _build_requests(context).filter_by(instance_uuid=instance_uuid).delete(
            synchronize_session=False):
        raise exception.BuildRequestNotFound(uuid=instance_uuid)


def _claimable(stale_before):
    model = api_models.BuildRequest
    return or_(model.updated_at == null(), model.updated_at < stale_before)


@api_db_api.context_manager.writer
def _claim(context, instance_uuid, stale_before):
    # One UPDATE: of two conductors (or a conductor and a late copy of the
    # original message) only one sees its row change.
    changed = _build_requests(context).filter(
        api_models.BuildRequest.instance_uuid == instance_uuid,
        _claimable(stale_before),
    ).update({"updated_at": timeutils.utcnow()}, synchronize_session=False)
    return changed == 1


@api_db_api.context_manager.reader
def _get_stale(context, stale_before):
    return _build_requests(context).filter(
        api_models.BuildRequest.created_at < stale_before,
        _claimable(stale_before),
    ).order_by(api_models.BuildRequest.id).all()


def _dump(obj):
    return jsonutils.dumps(obj.obj_to_primitive()) if obj is not None else None


@base.NovaObjectRegistry.register
class BuildRequest(base.NovaObject):
    """A pending server: ``instance`` is the Instance as the API built it (no id)."""

    # Version 1.0: initial version (upstream's fields as of BuildRequest 1.3)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(),
        "instance": fields.ObjectField("Instance"),
        "block_device_mappings": fields.ObjectField("BlockDeviceMappingList", nullable=True),
        "tags": fields.ObjectField("TagList", nullable=True),
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, req, row):
        """Fill ``req`` from a row.

        :raises BuildRequestNotFound: the stored Instance cannot be read by
            this code (a newer version); the row is dropped, as upstream,
            because nothing here could ever build it.
        """
        req.id = row.id
        req.instance_uuid = row.instance_uuid
        req.project_id = row.project_id
        req.created_at = row.created_at
        req.updated_at = row.updated_at
        try:
            instance = instance_obj.Instance.obj_from_primitive(
                jsonutils.loads(row.instance), context=context)
        except (ovo_exc.IncompatibleObjectVersion, ValueError, TypeError, KeyError) as e:
            LOG.error("Could not deserialize the build request of %s: %s",
                      row.instance_uuid, e)
            _destroy(context, row.instance_uuid)
            raise exception.BuildRequestNotFound(uuid=row.instance_uuid) from e
        req.block_device_mappings = (
            base.NovaObject.obj_from_primitive(jsonutils.loads(row.block_device_mappings),
                                               context=context)
            if row.block_device_mappings else None)
        req.tags = (base.NovaObject.obj_from_primitive(jsonutils.loads(row.tags),
                                                       context=context)
                    if row.tags else None)
        # The API reads these from a pending server; they are known now and
        # cannot be lazy-loaded (no cell row exists yet).
        instance.deleted = False
        if not instance.obj_attr_is_set("created_at") or instance.created_at is None:
            instance.created_at = row.created_at
        instance.updated_at = row.updated_at
        instance.tags = req.tags if req.tags is not None else tag_obj.TagList(objects=[])
        # Fields a cell row would lazy-load; a pending server has none yet.
        for attr, value in (("info_cache", None), ("fault", None), ("host", None),
                            ("node", None), ("launched_at", None), ("terminated_at", None),
                            ("locked", False), ("locked_by", None)):
            if not instance.obj_attr_is_set(attr):
                setattr(instance, attr, value)
        if instance.info_cache is None:
            instance.info_cache = info_cache_obj.InstanceInfoCache(
                instance_uuid=instance.uuid, network_info=[])
        instance._context = context
        instance.obj_reset_changes()
        req.instance = instance
        req._context = context
        req.obj_reset_changes()
        return req

    def _values(self):
        values = {"instance_uuid": self.instance_uuid, "project_id": self.project_id,
                  "instance": _dump(self.instance)}
        if self.obj_attr_is_set("block_device_mappings"):
            values["block_device_mappings"] = _dump(self.block_device_mappings)
        if self.obj_attr_is_set("tags"):
            values["tags"] = _dump(self.tags)
        return values

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the build request of ``instance_uuid``.

        :raises BuildRequestNotFound: none (already scheduled, or deleted).
        """
        return cls._from_db_object(context, cls(), _get_by_instance_uuid(context, instance_uuid))

    @base.remotable
    def create(self):
        """Store the build request.

        ``instance_uuid`` and ``project_id`` default to the instance's.

        :raises ObjectActionError: already created, or one exists for the instance.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if not self.obj_attr_is_set("instance_uuid"):
            self.instance_uuid = self.instance.uuid
        if not self.obj_attr_is_set("project_id"):
            self.project_id = self.instance.project_id
        row = _create(self._context, self._values())
        self.id = row.id
        self.created_at = row.created_at
        self.updated_at = row.updated_at
        self.obj_reset_changes(recursive=True)

    @base.remotable
    def save(self):
        """Store the changed instance/BDMs/tags.

        :raises BuildRequestNotFound: it was deleted (scheduled or the user deleted it).
        """
        row = _update(self._context, self.instance_uuid, self._values())
        self.updated_at = row.updated_at
        self.obj_reset_changes(recursive=True)

    @base.remotable
    def destroy(self):
        """Delete the build request.

        :raises BuildRequestNotFound: it is already gone; the caller lost a
            race with a delete (API) or with the conductor (scheduled).
        """
        _destroy(self._context, self.instance_uuid)

    @classmethod
    def claim(cls, context, instance_uuid, stale_before):
        """Take the build of ``instance_uuid`` for this conductor, if nobody holds it.

        A build request is free when no conductor claimed it yet, or its
        claim is older than ``stale_before`` (that conductor died or lost
        the message). Claiming stamps updated_at; the conductor then
        schedules it. Runs where the API database is (the conductor).

        :param stale_before: a naive UTC datetime.
        :returns: True when this caller now holds the build; False when the
            build request is gone (built or deleted) or freshly claimed.
        """
        return _claim(context, instance_uuid, dbutils.naive_utc({"t": stale_before})["t"])

    def get_new_instance(self, context):
        """Return a new, uncreated Instance carrying every field the API set.

        The conductor calls ``create()`` on it in the chosen cell, which
        also writes its tags and an empty network info cache.
        """
        instance = instance_obj.Instance(context)
        for field in self.instance.obj_fields:
            if field == "id":
                continue
            if self.instance.obj_attr_is_set(field):
                setattr(instance, field, getattr(self.instance, field))
        return instance


def _matches(instance, filters):
    """Whether a pending ``instance`` passes ``filters`` (InstanceList semantics)."""
    for key, value in filters.items():
        if key in ("deleted", "soft_deleted"):
            if key == "deleted" and value:
                return False
            continue
        if key in _SUBSTRING_FILTERS:
            attr = getattr(instance, _SUBSTRING_FILTERS[key], None) \
                if instance.obj_attr_is_set(_SUBSTRING_FILTERS[key]) else None
            if value is not None and not instance_obj.name_filter_matches(value, attr):
                return False
            continue
        if key in ("changes-since", "changes-before"):
            stamp = instance.updated_at or instance.created_at
            bound = timeutils.parse_isotime(value) if isinstance(value, str) else value
            if stamp is None or bound is None:
                continue
            stamp = timeutils.normalize_time(stamp)
            bound = timeutils.normalize_time(bound)
            if (key == "changes-since" and stamp < bound) or (
                    key == "changes-before" and stamp > bound):
                return False
            continue
        if key in ("flavor", "instance_type_id"):
            flavor = instance.flavor if instance.obj_attr_is_set("flavor") else None
            wanted = value if isinstance(value, (list, tuple, set)) else [value]
            if flavor is None or not ({flavor.id, flavor.flavorid} & {*wanted}):
                return False
            continue
        if key in ("tags", "tags-any"):
            have = {t.tag for t in instance.tags} if instance.obj_attr_is_set("tags") \
                and instance.tags else set()
            wanted = set(value.split(",") if isinstance(value, str) else value)
            if key == "tags" and not wanted <= have:
                return False
            if key == "tags-any" and not wanted & have:
                return False
            continue
        if key in _EXACT_FILTERS:
            actual = getattr(instance, key) if instance.obj_attr_is_set(key) else None
            wanted = list(value) if isinstance(value, (list, tuple, set)) else [value]
            if actual not in wanted:
                return False
            continue
        if key in ("ip", "ip6"):
            # A pending server has no ports yet, so no address matches.
            return False
        # Anything else (not-tags..., unknown keys) does not exclude.
    return True


@base.NovaObjectRegistry.register
class BuildRequestList(base.ObjectListBase, base.NovaObject):
    """A list of BuildRequest objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("BuildRequest"),
    }

    @classmethod
    def _load(cls, context, rows):
        requests = cls(context, objects=[])
        for row in rows:
            try:
                requests.objects.append(BuildRequest._from_db_object(context, BuildRequest(),
                                                                     row))
            except exception.BuildRequestNotFound:
                continue
        requests.obj_reset_changes()
        return requests

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every build request (non-admin: only the context's project)."""
        project_id = None if context.is_admin else context.project_id
        return cls._load(context, _get_all(context, project_id))

    @classmethod
    @base.remotable
    def get_by_project_id(cls, context, project_id):
        """Return the build requests of ``project_id`` (quota counts pending servers)."""
        return cls._load(context, _get_all(context, project_id))

    @classmethod
    def get_stale(cls, context, stale_before):
        """Return build requests created and last claimed before ``stale_before``.

        These are builds whose message was lost (or whose conductor died);
        ``BuildRequest.claim`` one before carrying it on.
        """
        return cls._load(context, _get_stale(
            context, dbutils.naive_utc({"t": stale_before})["t"]))

    @classmethod
    @base.remotable
    def get_by_filters(cls, context, filters, limit=None, marker=None, sort_keys=None,
                       sort_dirs=None):
        """Return build requests whose instance matches ``filters``.

        Uses InstanceList.get_by_filters' filter names; a non-admin context
        sees only its project. ``deleted=True`` matches nothing (pending
        servers are never deleted rows). Sorted by ``sort_keys`` (default
        created_at desc); paged after the instance uuid ``marker``.

        :raises MarkerNotFound: ``marker`` is not a build request here (the
            caller may then look in the cells).
        """
        requests = cls.get_all(context)
        matching = [r for r in requests.objects if _matches(r.instance, dict(filters or {}))]
        keys, dirs = instance_obj.process_sort_params(sort_keys, sort_dirs)

        def key_of(req):
            return tuple(_sortable(getattr(req.instance, k, None)
                                   if req.instance.obj_attr_is_set(k) else None)
                         for k in keys)

        # Stable multi-key sort: apply the least significant key first.
        for index in reversed(range(len(keys))):
            matching.sort(key=lambda r, i=index: key_of(r)[i], reverse=dirs[index] == "desc")
        if marker is not None:
            uuids = [r.instance_uuid for r in matching]
            if marker not in uuids:
                raise exception.MarkerNotFound(marker=marker)
            matching = matching[uuids.index(marker) + 1:]
        if limit is not None:
            matching = matching[:limit]
        result = cls(context, objects=matching)
        result.obj_reset_changes()
        return result


def _sortable(value):
    """A sort key that orders None first and never compares unlike types."""
    if value is None:
        return (0, "")
    if hasattr(value, "timestamp"):
        return (1, value.timestamp())
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, str(value))
