"""InstanceInfoCache: a server's network info as last learned from Neutron.

One row per instance in ``instance_info_caches``; ``network_info`` is the
JSON list of VIFs the API shows as ``addresses``.
"""

from oslo_serialization import jsonutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields


@db_api.pick_context_manager_reader
def _cache_get(context, instance_uuid):
    return db_api.model_query(context, models.InstanceInfoCache).filter_by(
        instance_uuid=instance_uuid).first()


@db_api.pick_context_manager_writer
def _cache_update(context, instance_uuid, network_info_json):
    """Upsert the live cache row of ``instance_uuid``; return it."""
    row = db_api.model_query(context, models.InstanceInfoCache).filter_by(
        instance_uuid=instance_uuid).first()
    if row is None:
        row = models.InstanceInfoCache(instance_uuid=instance_uuid)
        context.session.add(row)
    row.network_info = network_info_json
    context.session.flush()
    return row


@base.NovaObjectRegistry.register
class InstanceInfoCache(base.NovaPersistentObject, base.NovaObject):
    """The network info cache of one instance."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "instance_uuid": fields.UUIDField(),
        "network_info": fields.NetworkModelField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, cache, row):
        for key in cache.fields:
            if key == "network_info":
                cache.network_info = jsonutils.loads(row.network_info or "[]")
            elif key == "deleted":
                cache.deleted = bool(row.deleted)
            else:
                setattr(cache, key, row[key])
        cache._context = context
        cache.obj_reset_changes()
        return cache

    @classmethod
    def new(cls, context, instance_uuid):
        """Return an unsaved, empty cache for ``instance_uuid``."""
        cache = cls(context, instance_uuid=instance_uuid, network_info=[])
        return cache

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the cache of ``instance_uuid``.

        :raises InstanceInfoCacheNotFound: the instance has none.
        """
        row = _cache_get(context, instance_uuid)
        if row is None:
            raise exception.InstanceInfoCacheNotFound(instance_uuid=instance_uuid)
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def save(self, update_cells=True):
        """Write ``network_info`` (creating the row when missing)."""
        if "network_info" in self.obj_what_changed():
            row = _cache_update(self._context, self.instance_uuid,
                                jsonutils.dumps(self.network_info or []))
            self._from_db_object(self._context, self, row)
        self.obj_reset_changes()

    @base.remotable
    def refresh(self):
        """Reload this cache from the database.

        :raises InstanceInfoCacheNotFound: the row is gone.
        """
        row = _cache_get(self._context, self.instance_uuid)
        if row is None:
            raise exception.InstanceInfoCacheNotFound(instance_uuid=self.instance_uuid)
        self._from_db_object(self._context, self, row)
