"""BlockDeviceMapping: one disk of an instance (cell DB ``block_device_mapping``).

Sources and destinations follow upstream's block device mapping v2:
``source_type`` image|volume|snapshot|blank, ``destination_type``
local|volume. ``volume_size`` is GiB; ``boot_index`` 0 is the root disk,
None or -1 a non-bootable disk. ``connection_info`` is the JSON Cinder
returned on attach.
"""

from oslo_utils import uuidutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, dbutils, fields

#: Fields whose values come from the caller rather than the database.
_PLAIN_FIELDS = (
    "instance_uuid", "source_type", "destination_type", "guest_format", "device_type",
    "disk_bus", "boot_index", "device_name", "delete_on_termination", "snapshot_id",
    "volume_id", "volume_size", "volume_type", "image_id", "no_device", "connection_info",
    "tag", "attachment_id", "uuid", "encrypted", "encryption_secret_uuid",
    "encryption_format", "encryption_options",
)


def _query(context):
    return db_api.model_query(context, models.BlockDeviceMapping)


@db_api.pick_context_manager_reader
def _bdm_get(context, **filters):
    return _query(context).filter_by(**filters).order_by(models.BlockDeviceMapping.id).all()


@db_api.pick_context_manager_reader
def _bdms_by_instances(context, instance_uuids):
    return _query(context).filter(
        models.BlockDeviceMapping.instance_uuid.in_(list(instance_uuids))
    ).order_by(models.BlockDeviceMapping.id).all()


@db_api.pick_context_manager_writer
def _bdm_create(context, values):
    return dbutils.insert_row(context.session, models.BlockDeviceMapping, values)


@db_api.pick_context_manager_writer
def _bdm_update(context, bdm_id, values):
    row = _query(context).filter_by(id=bdm_id).first()
    if row is None:
        raise exception.BDMNotFound(id=bdm_id)
    row.update(values)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _bdm_destroy(context, bdm_id):
    row = _query(context).filter_by(id=bdm_id).first()
    if row is None:
        raise exception.BDMNotFound(id=bdm_id)
    row.soft_delete(context.session)


@base.NovaObjectRegistry.register
class BlockDeviceMapping(base.NovaPersistentObject, base.NovaObject):
    """One block device of an instance (block device mapping v2 fields)."""

    # Version 1.0: initial version (upstream's fields as of 1.20, without
    #              the lazy-loaded instance)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "instance_uuid": fields.UUIDField(),
        "source_type": fields.StringField(nullable=True),
        "destination_type": fields.StringField(nullable=True),
        "guest_format": fields.StringField(nullable=True),
        "device_type": fields.StringField(nullable=True),
        "disk_bus": fields.StringField(nullable=True),
        "boot_index": fields.IntegerField(nullable=True),
        "device_name": fields.StringField(nullable=True),
        "delete_on_termination": fields.BooleanField(default=False),
        "snapshot_id": fields.StringField(nullable=True),
        "volume_id": fields.StringField(nullable=True),
        "volume_size": fields.IntegerField(nullable=True),
        "volume_type": fields.StringField(nullable=True),
        "image_id": fields.StringField(nullable=True),
        "no_device": fields.BooleanField(default=False),
        "connection_info": fields.SensitiveStringField(nullable=True),
        "tag": fields.StringField(nullable=True),
        "attachment_id": fields.UUIDField(nullable=True),
        "encrypted": fields.BooleanField(default=False),
        "encryption_secret_uuid": fields.UUIDField(nullable=True),
        "encryption_format": fields.StringField(nullable=True),
        "encryption_options": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, bdm, row):
        for key in bdm.fields:
            value = row[key]
            if key in ("delete_on_termination", "no_device", "encrypted", "deleted"):
                value = bool(value)
            setattr(bdm, key, value)
        bdm._context = context
        bdm.obj_reset_changes()
        return bdm

    @property
    def is_root(self):
        """True for the boot disk (boot_index 0)."""
        return self.boot_index == 0

    @property
    def is_volume(self):
        """True when the disk is a Cinder volume."""
        return self.destination_type == "volume"

    @property
    def is_image(self):
        """True when the disk is created from a Glance image."""
        return self.source_type == "image"

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """Return the mapping with ``uuid``.

        :raises BDMNotFound: none.
        """
        rows = _bdm_get(context, uuid=uuid)
        if not rows:
            raise exception.BDMNotFound(id=uuid)
        return cls._from_db_object(context, cls(), rows[0])

    @classmethod
    @base.remotable
    def get_by_volume_and_instance(cls, context, volume_id, instance_uuid):
        """Return the mapping attaching ``volume_id`` to ``instance_uuid``.

        :raises VolumeBDMNotFound: the volume is not attached there.
        """
        rows = _bdm_get(context, volume_id=volume_id, instance_uuid=instance_uuid)
        if not rows:
            raise exception.VolumeBDMNotFound(volume_id=volume_id)
        return cls._from_db_object(context, cls(), rows[0])

    @base.remotable
    def create(self):
        """Insert this mapping (uuid generated when unset).

        :raises ObjectActionError: already created.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        values = {k: v for k, v in self.obj_get_changes().items() if k in _PLAIN_FIELDS}
        row = _bdm_create(self._context, values)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write the changed fields."""
        values = {k: v for k, v in self.obj_get_changes().items()
                  if k in _PLAIN_FIELDS and k != "uuid"}
        if values:
            row = _bdm_update(self._context, self.id, values)
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Soft-delete this mapping."""
        if not self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="destroy", reason="already destroyed")
        _bdm_destroy(self._context, self.id)
        delattr(self, "id")
        self.obj_reset_changes()


@base.NovaObjectRegistry.register
class BlockDeviceMappingList(base.ObjectListBase, base.NovaObject):
    """The block devices of an instance."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("BlockDeviceMapping"),
    }

    @property
    def root_bdm(self):
        """The boot disk's mapping, or None."""
        return next((bdm for bdm in self.objects if bdm.is_root), None)

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the live mappings of ``instance_uuid`` (by id)."""
        return base.obj_make_list(context, cls(context),
                                  _bdm_get(context, instance_uuid=instance_uuid))

    @classmethod
    def bdms_by_instance_uuid(cls, context, instance_uuids):
        """Return {instance_uuid: BlockDeviceMappingList} for ``instance_uuids``."""
        result = {}
        for row in _bdms_by_instances(context, instance_uuids):
            result.setdefault(row.instance_uuid, []).append(row)
        return {uuid: base.obj_make_list(context, cls(context), rows)
                for uuid, rows in result.items()}
