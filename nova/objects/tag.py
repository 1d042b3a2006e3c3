"""Tag and TagList: simple string tags on a server (cell DB ``tags`` table).

Tags are not soft-deleted; they go when the instance is destroyed. Limits are
upstream's: at most MAX_TAG_COUNT tags per server, each at most
MAX_TAG_LENGTH characters, no "/" or ",".
"""

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

MAX_TAG_COUNT = 50
MAX_TAG_LENGTH = 60


def _instance_exists(context, instance_uuid):
    return db_api.model_query(context, models.Instance, args=(models.Instance.id,),
                              read_deleted="no").filter(
        models.Instance.uuid == instance_uuid).first() is not None


def _check_instance(context, instance_uuid):
    if not _instance_exists(context, instance_uuid):
        raise exception.InstanceNotFound(instance_id=instance_uuid)


def _tags_query(context, resource_id):
    return context.session.query(models.Tag).filter_by(resource_id=resource_id)


@db_api.pick_context_manager_writer
def _tag_add(context, resource_id, tag):
    _check_instance(context, resource_id)
    tags = _tags_query(context, resource_id)
    if tags.filter_by(tag=tag).first() is None:
        if tags.count() >= MAX_TAG_COUNT:
            raise exception.TooManyInstanceTags(instance_id=resource_id, limit=MAX_TAG_COUNT)
        context.session.add(models.Tag(resource_id=resource_id, tag=tag))
        context.session.flush()


@db_api.pick_context_manager_writer
def _tag_delete(context, resource_id, tag):
    _check_instance(context, resource_id)
    if not _tags_query(context, resource_id).filter_by(tag=tag).delete(
            synchronize_session=False):
        raise exception.InstanceTagNotFound(instance_id=resource_id, tag=tag)


@db_api.pick_context_manager_writer
def _tags_set(context, resource_id, tags):
    _check_instance(context, resource_id)
    if len(set(tags)) > MAX_TAG_COUNT:
        raise exception.TooManyInstanceTags(instance_id=resource_id, limit=MAX_TAG_COUNT)
    _tags_query(context, resource_id).delete(synchronize_session=False)
    for tag in sorted(set(tags)):
        context.session.add(models.Tag(resource_id=resource_id, tag=tag))
    context.session.flush()
    return _tags_query(context, resource_id).order_by(models.Tag.tag).all()


@db_api.pick_context_manager_writer
def _tags_delete_all(context, resource_id):
    _check_instance(context, resource_id)
    _tags_query(context, resource_id).delete(synchronize_session=False)


@db_api.pick_context_manager_reader
def _tags_get(context, resource_id):
    return _tags_query(context, resource_id).order_by(models.Tag.tag).all()


@db_api.pick_context_manager_reader
def _tag_exists(context, resource_id, tag):
    return _tags_query(context, resource_id).filter_by(tag=tag).first() is not None


@base.NovaObjectRegistry.register
class Tag(base.NovaObject):
    """One tag (str) on the server whose uuid is ``resource_id``."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "resource_id": fields.StringField(),
        "tag": fields.StringField(),
    }

    @staticmethod
    def _from_db_object(context, tag, row):
        tag.resource_id = row.resource_id
        tag.tag = row.tag
        tag._context = context
        tag.obj_reset_changes()
        return tag

    @base.remotable
    def create(self):
        """Add this tag (adding an existing tag is a no-op).

        :raises InstanceNotFound: the server does not exist.
        :raises TooManyInstanceTags: the server already has MAX_TAG_COUNT tags.
        """
        _tag_add(self._context, self.resource_id, self.tag)
        self.obj_reset_changes()

    @classmethod
    @base.remotable
    def destroy(cls, context, resource_id, name):
        """Remove tag ``name`` from server ``resource_id``.

        :raises InstanceTagNotFound: the server has no such tag.
        :raises InstanceNotFound: the server does not exist.
        """
        _tag_delete(context, resource_id, name)

    @classmethod
    @base.remotable
    def exists(cls, context, resource_id, name):
        """Return True when server ``resource_id`` has tag ``name``."""
        return _tag_exists(context, resource_id, name)


@base.NovaObjectRegistry.register
class TagList(base.ObjectListBase, base.NovaObject):
    """The tags of one server, sorted by name."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Tag"),
    }

    @classmethod
    @base.remotable
    def get_by_resource_id(cls, context, resource_id):
        """Return the tags of server ``resource_id`` (empty when it has none)."""
        return base.obj_make_list(context, cls(context), _tags_get(context, resource_id))

    @classmethod
    @base.remotable
    def create(cls, context, resource_id, tags):
        """Replace all tags of server ``resource_id`` with ``tags`` (list of str).

        :raises InstanceNotFound: the server does not exist.
        :raises TooManyInstanceTags: more than MAX_TAG_COUNT distinct tags.
        """
        rows = _tags_set(context, resource_id, list(tags))
        return base.obj_make_list(context, cls(context), rows)

    @classmethod
    @base.remotable
    def destroy(cls, context, resource_id):
        """Remove every tag of server ``resource_id``.

        :raises InstanceNotFound: the server does not exist.
        """
        _tags_delete_all(context, resource_id)
