"""Aggregate: a named set of hosts with metadata (API DB ``aggregates``).

An aggregate with the metadata key ``availability_zone`` defines that zone
for its hosts; ``Aggregate.availability_zone`` reads and writes that key.
"""

from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, fields

#: The metadata key that makes an aggregate an availability zone.
AZ_METADATA_KEY = "availability_zone"


def _query(context):
    return context.session.query(api_models.Aggregate)


def _get_row(context, aggregate_id):
    row = _query(context).filter_by(id=aggregate_id).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


@api_db_api.context_manager.reader
def _aggregate_get(context, **filters):
    row = _query(context).filter_by(**filters).first()
    if row is None:
        raise exception.AggregateNotFound(
            aggregate_id=filters.get("id") or filters.get("uuid"))
    return row


@api_db_api.context_manager.reader
def _aggregates_get(context, host=None, key=None, value=None, hosts=None):
    query = _query(context)
    if host is not None:
        query = query.filter(api_models.Aggregate._hosts.any(host=host))
    if key is not None or value is not None:
        conditions = {}
        if key is not None:
            conditions["key"] = key
        if value is not None:
            conditions["value"] = value
        query = query.filter(api_models.Aggregate._metadata.any(**conditions))
    if hosts is not None:
        query = query.filter(api_models.Aggregate._hosts.any(
            api_models.AggregateHost.host.in_(list(hosts))))
    return query.order_by(api_models.Aggregate.id).all()


@api_db_api.context_manager.writer
def _aggregate_create(context, values, metadata):
    if _query(context).filter_by(name=values["name"]).first():
        raise exception.AggregateNameExists(aggregate_name=values["name"])
    row = api_models.Aggregate()
    row.update(values)
    row._hosts = []
    row._metadata = [api_models.AggregateMetadata(key=k, value=v)
                     for k, v in metadata.items() if v is not None]
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.AggregateNameExists(aggregate_name=values["name"]) from e
    return row


@api_db_api.context_manager.writer
def _aggregate_update(context, aggregate_id, values, metadata_updates):
    row = _get_row(context, aggregate_id)
    if "name" in values and values["name"] != row.name:
        if _query(context).filter_by(name=values["name"]).first():
            raise exception.AggregateNameExists(aggregate_name=values["name"])
    row.update(values)
    if metadata_updates:
        current = {m.key: m for m in row._metadata}
        for key, value in metadata_updates.items():
            item = current.get(key)
            if value is None:
                if item is None:
                    raise exception.AggregateMetadataNotFound(
                        aggregate_id=aggregate_id, metadata_key=key)
                row._metadata.remove(item)
            elif item is None:
                row._metadata.append(api_models.AggregateMetadata(key=key, value=value))
            else:
                item.value = value
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _aggregate_destroy(context, aggregate_id):
    context.session.delete(_get_row(context, aggregate_id))


@api_db_api.context_manager.writer
def _host_add(context, aggregate_id, host):
    row = _get_row(context, aggregate_id)
    if host in row.hosts:
        raise exception.AggregateHostExists(aggregate_id=aggregate_id, host=host)
    row._hosts.append(api_models.AggregateHost(host=host))
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _host_delete(context, aggregate_id, host):
    row = _get_row(context, aggregate_id)
    matching = [h for h in row._hosts if h.host == host]
    if not matching:
        raise exception.AggregateHostNotFound(aggregate_id=aggregate_id, host=host)
    for item in matching:
        row._hosts.remove(item)
    context.session.flush()
    return row


@base.NovaObjectRegistry.register
class Aggregate(base.NovaPersistentObject, base.NovaObject):
    """A host aggregate. ``metadata`` is a dict of str; ``hosts`` a list of host names.

    API DB rows are hard-deleted, so ``deleted`` is always False.
    """

    # Version 1.0: initial version (upstream's fields as of Aggregate 1.3)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(nullable=False),
        "name": fields.StringField(),
        "hosts": fields.ListOfStringsField(nullable=True),
        "metadata": fields.DictOfStringsField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    obj_extra_fields = ["availability_zone"]

    @staticmethod
    def _from_db_object(context, aggregate, row):
        for key in ("id", "uuid", "name", "created_at", "updated_at"):
            setattr(aggregate, key, row[key])
        aggregate.hosts = row.hosts
        aggregate.metadata = row.metadetails
        aggregate.deleted = False
        aggregate.deleted_at = None
        aggregate._context = context
        aggregate.obj_reset_changes()
        return aggregate

    @property
    def availability_zone(self):
        """The zone this aggregate defines (its availability_zone metadata), or None."""
        return (self.metadata or {}).get(AZ_METADATA_KEY)

    @classmethod
    @base.remotable
    def get_by_id(cls, context, aggregate_id):
        """Return aggregate ``aggregate_id`` (int).

        :raises AggregateNotFound: none.
        """
        return cls._from_db_object(context, cls(), _aggregate_get(context, id=aggregate_id))

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, aggregate_uuid):
        """Return the aggregate with ``uuid``.

        :raises AggregateNotFound: none.
        """
        return cls._from_db_object(context, cls(), _aggregate_get(context, uuid=aggregate_uuid))

    @base.remotable
    def create(self):
        """Insert the aggregate with its metadata (hosts are added with add_host).

        :raises ObjectActionError: already created, or ``hosts`` were set.
        :raises AggregateNameExists: the name is taken.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if "hosts" in self.obj_what_changed():
            raise exception.ObjectActionError(action="create", reason="hosts are not creatable")
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        metadata = dict(self.metadata) if self.obj_attr_is_set("metadata") and self.metadata \
            else {}
        row = _aggregate_create(self._context, {"name": self.name, "uuid": self.uuid}, metadata)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write a changed ``name`` (hosts and metadata have their own methods).

        :raises ObjectActionError: hosts or metadata were changed directly.
        :raises AggregateNameExists: the new name is taken.
        """
        changes = self.obj_what_changed()
        if changes & {"hosts", "metadata"}:
            raise exception.ObjectActionError(
                action="save", reason="hosts and metadata are updated by their own methods")
        values = {k: getattr(self, k) for k in ("name",) if k in changes}
        if values:
            row = _aggregate_update(self._context, self.id, values, {})
            self._from_db_object(self._context, self, row)

    @base.remotable
    def update_metadata(self, updates):
        """Apply ``updates`` (dict): a None value deletes the key, others set it.

        :raises AggregateMetadataNotFound: deleting a key that is not there.
        """
        row = _aggregate_update(self._context, self.id, {}, dict(updates))
        self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Delete the aggregate with its hosts and metadata.

        :raises AggregateNotFound: it is already gone.
        """
        _aggregate_destroy(self._context, self.id)

    @base.remotable
    def add_host(self, host):
        """Add ``host`` (a compute service's host name).

        :raises AggregateHostExists: it is already a member.
        """
        row = _host_add(self._context, self.id, host)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def delete_host(self, host):
        """Remove ``host``.

        :raises AggregateHostNotFound: it is not a member.
        """
        row = _host_delete(self._context, self.id, host)
        self._from_db_object(self._context, self, row)


@base.NovaObjectRegistry.register
class AggregateList(base.ObjectListBase, base.NovaObject):
    """A list of Aggregate objects, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Aggregate"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every aggregate."""
        return cls._from_db_rows(context, _aggregates_get(context))

    @classmethod
    @base.remotable
    def get_by_host(cls, context, host, key=None):
        """Return the aggregates containing ``host`` (that have metadata ``key``, if given)."""
        return cls._from_db_rows(context, _aggregates_get(context, host=host, key=key))

    @classmethod
    @base.remotable
    def get_by_metadata_key(cls, context, key, hosts=None):
        """Return aggregates with metadata ``key`` (only those holding one of ``hosts``)."""
        return cls._from_db_rows(context, _aggregates_get(context, key=key, hosts=hosts))

    @classmethod
    @base.remotable
    def get_by_metadata(cls, context, key=None, value=None):
        """Return aggregates having a metadata item matching ``key`` and/or ``value``."""
        return cls._from_db_rows(context, _aggregates_get(context, key=key, value=value))
