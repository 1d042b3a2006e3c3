"""RequestSpec: what the scheduler needs to place an instance (API DB ``request_specs``).

The API builds one per server at create time; the conductor hands it to the
scheduler for the boot and for every later move (resize, migrate,
evacuate, unshelve). The row's ``spec`` column holds this object's
primitive as JSON; per-attempt data (retry, ignore_hosts, the chosen cell)
is not stored, as upstream.
"""

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, fields
from nova.objects import image_meta as image_meta_obj
from nova.objects import instance_group as instance_group_obj


class _ImageMetaType(fields.Object):
    """An ImageMeta; a Glance image dict is accepted and converted on assignment."""

    def __init__(self):
        super().__init__("ImageMeta")

    def coerce(self, obj, attr, value):
        if isinstance(value, dict):
            value = image_meta_obj.ImageMeta.from_dict(value)
        return super().coerce(obj, attr, value)


class ImageMetaField(fields.AutoTypedField):
    """ObjectField("ImageMeta") that also takes a Glance image dict."""

    AUTO_TYPE = _ImageMetaType()


#: Fields that describe one scheduling attempt and are never persisted.
_TRANSIENT_FIELDS = ("retry", "ignore_hosts", "id")


@base.NovaObjectRegistry.register
class SchedulerRetries(base.NovaObject):
    """How many times a build was attempted and on which (host, node)s."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "num_attempts": fields.IntegerField(),
        # Only host and hypervisor_hostname of each node are meaningful.
        "hosts": fields.ObjectField("ComputeNodeList"),
    }


@base.NovaObjectRegistry.register
class Destination(base.NovaObject):
    """Where an admin asked an instance to go (host/node/cell) for a move or boot."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "host": fields.StringField(),
        "node": fields.StringField(nullable=True),
        "cell": fields.ObjectField("CellMapping", nullable=True),
        "aggregates": fields.ListOfStringsField(nullable=True, default=None),
        "allow_cross_cell_move": fields.BooleanField(default=False),
    }

    def require_aggregates(self, aggregates):
        """Require the destination to be in all of ``aggregates`` (uuids, comma-joined = any)."""
        if not self.obj_attr_is_set("aggregates") or self.aggregates is None:
            self.aggregates = []
        self.aggregates.append(",".join(aggregates))


@api_db_api.context_manager.reader
def _spec_get(context, instance_uuid):
    row = context.session.query(api_models.RequestSpec).filter_by(
        instance_uuid=instance_uuid).first()
    if row is None:
        raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
    return row


@api_db_api.context_manager.writer
def _spec_create(context, instance_uuid, spec_json):
    row = api_models.RequestSpec(instance_uuid=instance_uuid, spec=spec_json)
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.ObjectActionError(
            action="create", reason=f"request spec for {instance_uuid} exists") from e
    return row


@api_db_api.context_manager.writer
def _spec_update(context, instance_uuid, spec_json):
    row = context.session.query(api_models.RequestSpec).filter_by(
        instance_uuid=instance_uuid).first()
    if row is None:
        raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
    row.spec = spec_json
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _spec_destroy(context, instance_uuid):
    if not context.session.query(api_models.RequestSpec).filter_by(
            instance_uuid=instance_uuid).delete(synchronize_session=False):
        raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)


@base.NovaObjectRegistry.register
class RequestSpec(base.NovaObject):
    """The scheduling request of one instance (or of ``num_instances`` alike).

    ``scheduler_hints`` maps hint names to lists of strings (the API's
    ``os:scheduler_hints``); ``force_hosts``/``force_nodes`` come from the
    ``zone:host:node`` availability zone syntax; ``requested_destination``
    from an admin's target host.
    """

    # Version 1.0: initial version (upstream's fields as of 1.14 without
    #              NUMA/PCI/resource requests and network metadata)
    # Version 1.1: requested_networks
    VERSION = "1.1"

    fields = {
        "id": fields.IntegerField(),
        "instance_uuid": fields.UUIDField(),
        "project_id": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "image": ImageMetaField(nullable=True),
        "flavor": fields.ObjectField("Flavor", nullable=False),
        "num_instances": fields.IntegerField(default=1),
        "availability_zone": fields.StringField(nullable=True),
        "ignore_hosts": fields.ListOfStringsField(nullable=True),
        "force_hosts": fields.ListOfStringsField(nullable=True),
        "force_nodes": fields.ListOfStringsField(nullable=True),
        "requested_destination": fields.ObjectField("Destination", nullable=True,
                                                    default=None),
        "retry": fields.ObjectField("SchedulerRetries", nullable=True),
        "instance_group": fields.ObjectField("InstanceGroup", nullable=True),
        "scheduler_hints": fields.DictOfListOfStringsField(nullable=True),
        "security_groups": fields.ListOfStringsField(nullable=True),
        "is_bfv": fields.BooleanField(default=False),
        # The networks POST /servers asked for (None: "auto").
        "requested_networks": fields.ObjectField("NetworkRequestList", nullable=True,
                                                 default=None),
    }

    @classmethod
    def from_components(cls, context, instance_uuid, image, flavor, numa_topology=None,
                        pci_requests=None, filter_properties=None, instance_group=None,
                        availability_zone=None, security_groups=None, project_id=None,
                        user_id=None, **_ignored):
        """Build an unsaved spec from the pieces the API has at create time.

        :param image: an ImageMeta, a Glance image dict, or None (volume boot).
        :param flavor: the Flavor.
        :param numa_topology, pci_requests: accepted for upstream
            compatibility and ignored (no NUMA/PCI scheduling here).
        :param filter_properties: legacy dict with ``scheduler_hints``,
            ``force_hosts``, ``force_nodes``, ``ignore_hosts``.
        :param instance_group: an InstanceGroup or None.
        :param security_groups: list of group names, or None.
        :param project_id, user_id: default to the context's.
        """
        spec = cls(context)
        spec.instance_uuid = instance_uuid
        spec.project_id = project_id or context.project_id
        spec.user_id = user_id or context.user_id
        spec.image = image
        spec.flavor = flavor
        spec.num_instances = 1
        spec.availability_zone = availability_zone
        spec.instance_group = instance_group
        spec.security_groups = list(security_groups) if security_groups else []
        spec.retry = None
        spec.requested_destination = None
        props = dict(filter_properties or {})
        hints = props.get("scheduler_hints") or {}
        spec.scheduler_hints = {
            k: [str(x) for x in (v if isinstance(v, (list, tuple)) else [v])]
            for k, v in hints.items()}
        for key in ("force_hosts", "force_nodes", "ignore_hosts"):
            value = props.get(key)
            if isinstance(value, str):
                value = [value]
            setattr(spec, key, list(value) if value else None)
        return spec

    def get_scheduler_hint(self, hint_name, default=None):
        """Return one hint's value: the single item of a one-item list, else the list.

        :returns: str, list of str, or ``default`` when the hint is absent.
        """
        if not self.obj_attr_is_set("scheduler_hints") or not self.scheduler_hints:
            return default
        value = self.scheduler_hints.get(hint_name, default)
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    def reset_forced_destinations(self):
        """Forget force_hosts/force_nodes (a move must not reuse a boot's forcing)."""
        self.force_hosts = None
        self.force_nodes = None

    def ensure_project_and_user_id(self, instance):
        """Fill project_id/user_id from ``instance`` when unset."""
        if not self.obj_attr_is_set("project_id") or self.project_id is None:
            self.project_id = instance.project_id
        if not self.obj_attr_is_set("user_id") or self.user_id is None:
            self.user_id = instance.user_id

    # -- persistence -------------------------------------------------------

    def _to_json(self):
        spec = self.obj_clone()
        for name in _TRANSIENT_FIELDS:
            if spec.obj_attr_is_set(name):
                delattr(spec, name)
        if spec.obj_attr_is_set("requested_destination") and spec.requested_destination \
                and spec.requested_destination.obj_attr_is_set("cell"):
            # Cell mappings (with their DB URLs) are looked up afresh.
            del spec.requested_destination.cell
        if spec.obj_attr_is_set("instance_group") and spec.instance_group:
            for name in ("members", "hosts"):
                if spec.instance_group.obj_attr_is_set(name):
                    delattr(spec.instance_group, name)
        return jsonutils.dumps(spec.obj_to_primitive())

    @classmethod
    def _from_db_object(cls, context, spec, row):
        stored = cls.obj_from_primitive(jsonutils.loads(row.spec), context=context)
        for name in spec.fields:
            if name in _TRANSIENT_FIELDS:
                continue
            if stored.obj_attr_is_set(name):
                setattr(spec, name, getattr(stored, name))
        spec.id = row.id
        spec.retry = None
        spec.ignore_hosts = None
        spec._context = context
        spec.obj_reset_changes(recursive=True)
        return spec

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the stored spec of ``instance_uuid``.

        :raises RequestSpecNotFound: none.
        """
        return cls._from_db_object(context, cls(), _spec_get(context, instance_uuid))

    @base.remotable
    def create(self):
        """Store this spec.

        :raises ObjectActionError: already created, or one exists for the instance.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        row = _spec_create(self._context, self.instance_uuid, self._to_json())
        self.id = row.id
        self.obj_reset_changes(recursive=True)

    @base.remotable
    def save(self):
        """Replace the stored spec with this one.

        :raises RequestSpecNotFound: none is stored for the instance.
        """
        _spec_update(self._context, self.instance_uuid, self._to_json())
        self.obj_reset_changes(recursive=True)

    @base.remotable
    def destroy(self):
        """Delete the stored spec.

        :raises RequestSpecNotFound: none is stored for the instance.
        """
        _spec_destroy(self._context, self.instance_uuid)

    @classmethod
    def destroy_by_instance_uuid(cls, context, instance_uuid):
        """Delete the stored spec of ``instance_uuid``, if any (no error when missing)."""
        try:
            _spec_destroy(context, instance_uuid)
        except exception.RequestSpecNotFound:
            pass

    def get_instance_group(self):
        """Reload ``instance_group`` (with members) from the API DB, or None."""
        if not self.obj_attr_is_set("instance_group") or self.instance_group is None:
            return None
        self.instance_group = instance_group_obj.InstanceGroup.get_by_uuid(
            self._context, self.instance_group.uuid)
        return self.instance_group
