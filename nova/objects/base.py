"""The base classes every nova versioned object builds on.

Objects are oslo.versionedobjects under the ``nova`` namespace. A remotable
method runs locally, or, when ``NovaObject.indirection_api`` is set (nova-compute
sets it to the conductor), travels over RPC and runs in nova-conductor, which
is how compute reaches the cell database without credentials.
"""

from oslo_utils import versionutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import exception as ovo_exc

from nova.objects import fields

remotable = ovo_base.remotable
remotable_classmethod = ovo_base.remotable_classmethod
obj_make_list = ovo_base.obj_make_list
NovaObjectDictCompat = ovo_base.VersionedObjectDictCompat


class NovaObjectRegistry(ovo_base.VersionedObjectRegistry):
    """Registry that also publishes each object as ``nova.objects.<Name>``.

    The newest registered version of a name wins, so ``objects.Instance`` is
    always the class this code writes.
    """

    def registration_hook(self, cls, index):
        # Imported here only for attribute publication; nova.objects imports
        # this module, so a module-level import would be circular.
        import nova.objects as objects_pkg

        version = versionutils.convert_version_to_tuple(cls.VERSION)
        current = getattr(objects_pkg, cls.obj_name(), None)
        if current is None or version >= versionutils.convert_version_to_tuple(
                current.VERSION):
            setattr(objects_pkg, cls.obj_name(), cls)


class NovaObject(ovo_base.VersionedObject):
    """Base of every nova object: namespaced serialisation, change tracking."""

    OBJ_SERIAL_NAMESPACE = "nova_object"
    OBJ_PROJECT_NAMESPACE = "nova"

    def obj_reset_changes(self, fields=None, recursive=False):
        """Forget changes to ``fields`` (all when None), optionally in children."""
        super().obj_reset_changes(fields, recursive=recursive)

    @staticmethod
    def should_migrate_data():
        """Whether online data migrations should run for this object (no)."""
        return False


class NovaPersistentObject:
    """Mixin for objects backed by a table with timestamps and soft delete.

    Adds created_at, updated_at, deleted_at (UTC datetimes) and deleted
    (bool); cell DB rows mark deletion instead of disappearing at once.
    """

    fields = {
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
        "deleted_at": fields.DateTimeField(nullable=True),
        "deleted": fields.BooleanField(default=False),
    }


class NovaTimestampObject:
    """Mixin for objects with created_at/updated_at but no soft delete (API DB)."""

    fields = {
        "created_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
    }


class ObjectListBase(ovo_base.ObjectListBase):
    """A list of objects; subclasses declare ``fields = {'objects': ListOfObjectsField(...)}``."""

    @classmethod
    def _from_db_rows(cls, context, rows):
        """Return a new list holding one item object per DB row, changes reset.

        :param context: RequestContext the list and its items keep.
        :param rows: iterable of model rows; each becomes
            ``Item._from_db_object(context, Item(), row)``, where ``Item`` is
            the class named by the ``objects`` field.
        :returns: an instance of ``cls``.
        """
        return obj_make_list(context, cls(context), rows)


class NovaObjectSerializer(ovo_base.VersionedObjectSerializer):
    """Serializes nova objects for RPC; backports through the conductor when needed.

    When a peer sends an object version this process does not know, the
    serializer asks the conductor (the indirection API) to backport it.
    """

    OBJ_BASE_CLASS = NovaObject

    def __init__(self):
        super().__init__()
        self._conductor = None

    @property
    def conductor(self):
        return NovaObject.indirection_api


def obj_equal_prims(obj_1, obj_2, ignore=None):
    """Compare two objects by primitive form, ignoring the fields in ``ignore``."""
    def _strip(prim, keys):
        if isinstance(prim, dict):
            for key in keys:
                prim.pop(key, None)
            for value in prim.values():
                _strip(value, keys)
        if isinstance(prim, list):
            for item in prim:
                _strip(item, keys)
        return prim

    keys = ["nova_object.changes"] + list(ignore or [])
    return _strip(obj_1.obj_to_primitive(), keys) == _strip(obj_2.obj_to_primitive(), keys)


__all__ = [
    "NovaObject", "NovaObjectDictCompat", "NovaObjectRegistry", "NovaObjectSerializer",
    "NovaPersistentObject", "NovaTimestampObject", "ObjectListBase", "obj_equal_prims",
    "obj_make_list", "ovo_exc", "remotable", "remotable_classmethod",
]
