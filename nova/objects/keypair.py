"""KeyPair: a user's public key (API DB ``key_pairs``), unique per (user_id, name)."""

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as sqlalchemyutils

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, fields

KEYPAIR_TYPE_SSH = "ssh"
KEYPAIR_TYPE_X509 = "x509"


def _user_keys(context, user_id):
    return context.session.query(api_models.KeyPair).filter_by(user_id=user_id)


@api_db_api.context_manager.reader
def _keypair_get(context, user_id, name):
    row = _user_keys(context, user_id).filter_by(name=name).first()
    if row is None:
        raise exception.KeypairNotFound(user_id=user_id, name=name)
    return row


@api_db_api.context_manager.writer
def _keypair_create(context, values):
    if _user_keys(context, values["user_id"]).filter_by(name=values["name"]).first():
        raise exception.KeyPairExists(key_name=values["name"])
    row = api_models.KeyPair()
    row.update(values)
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.KeyPairExists(key_name=values["name"]) from e
    return row


@api_db_api.context_manager.writer
def _keypair_destroy(context, user_id, name):
    if not _user_keys(context, user_id).filter_by(name=name).delete(
            synchronize_session=False):
        raise exception.KeypairNotFound(user_id=user_id, name=name)


@api_db_api.context_manager.reader
def _keypairs_get(context, user_id, limit, marker):
    query = _user_keys(context, user_id)
    marker_row = None
    if marker is not None:
        marker_row = _user_keys(context, user_id).filter_by(name=marker).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
    return sqlalchemyutils.paginate_query(
        query, api_models.KeyPair, limit, ["name", "id"], marker=marker_row,
        sort_dir="asc").all()


@api_db_api.context_manager.reader
def _keypairs_count(context, user_id):
    return _user_keys(context, user_id).count()


@base.NovaObjectRegistry.register
class KeyPair(base.NovaPersistentObject, base.NovaObject):
    """A public key. ``type`` is "ssh" or "x509"; ``fingerprint`` is its hex digest.

    API DB rows are hard-deleted, so ``deleted`` is always False.
    """

    # Version 1.0: initial version (upstream's fields as of KeyPair 1.4)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "name": fields.StringField(nullable=False),
        "user_id": fields.StringField(nullable=True),
        "fingerprint": fields.StringField(nullable=True),
        "public_key": fields.StringField(nullable=True),
        "type": fields.KeyPairTypeField(nullable=False),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, keypair, row):
        for key in keypair.fields:
            if key in ("deleted", "deleted_at"):
                continue
            setattr(keypair, key, row[key])
        keypair.deleted = False
        keypair.deleted_at = None
        keypair._context = context
        keypair.obj_reset_changes()
        return keypair

    @classmethod
    @base.remotable
    def get_by_name(cls, context, user_id, name):
        """Return ``user_id``'s key pair called ``name``.

        :raises KeypairNotFound: there is none.
        """
        return cls._from_db_object(context, cls(), _keypair_get(context, user_id, name))

    @classmethod
    @base.remotable
    def destroy_by_name(cls, context, user_id, name):
        """Delete ``user_id``'s key pair ``name``.

        :raises KeypairNotFound: there is none.
        """
        _keypair_destroy(context, user_id, name)

    @base.remotable
    def create(self):
        """Insert the key pair (``type`` defaults to "ssh").

        :raises ObjectActionError: it was already created.
        :raises KeyPairExists: the user already has a key pair of that name.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        values = self.obj_get_changes()
        values.pop("deleted", None)
        values.pop("deleted_at", None)
        values.setdefault("type", KEYPAIR_TYPE_SSH)
        row = _keypair_create(self._context, values)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Delete this key pair.

        :raises KeypairNotFound: it is already gone.
        """
        _keypair_destroy(self._context, self.user_id, self.name)


@base.NovaObjectRegistry.register
class KeyPairList(base.ObjectListBase, base.NovaObject):
    """A list of KeyPair objects, by name."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("KeyPair"),
    }

    @classmethod
    @base.remotable
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        """Return ``user_id``'s key pairs sorted by name.

        :param limit: max number returned, or None for all.
        :param marker: name of the last key pair of the previous page.
        :raises MarkerNotFound: the user has no key pair named ``marker``.
        """
        return base.obj_make_list(
            context, cls(context), _keypairs_get(context, user_id, limit, marker))

    @classmethod
    @base.remotable
    def get_count_by_user(cls, context, user_id):
        """Return how many key pairs ``user_id`` has (int), for quota checks."""
        return _keypairs_count(context, user_id)
