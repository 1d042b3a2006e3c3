"""ConsoleAuthToken: a one-instance console access token (cell DB ``console_auth_tokens``).

The token itself is returned once, by ``authorize``, and never stored: the
row keeps its SHA-256 hex digest (upstream's scheme), so a database leak
does not leak usable console URLs. Tokens expire ``ttl`` seconds after
they are made.
"""

import hashlib
import time
import urllib.parse

from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields


def token_hash(token):
    """Return the SHA-256 hex digest of ``token`` (str), as stored in ``token_hash``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _tokens(context):
    return context.session.query(models.ConsoleAuthToken)


@db_api.pick_context_manager_writer
def _token_create(context, values):
    row = models.ConsoleAuthToken()
    row.update(values)
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.ObjectActionError(action="authorize", reason="token collision") from e
    return row


@db_api.pick_context_manager_reader
def _token_get_valid(context, digest, instance_uuid=None):
    query = _tokens(context).filter(
        models.ConsoleAuthToken.token_hash == digest,
        models.ConsoleAuthToken.expires > int(time.time()))
    if instance_uuid is not None:
        query = query.filter(models.ConsoleAuthToken.instance_uuid == instance_uuid)
    return query.first()


@db_api.pick_context_manager_writer
def _tokens_delete(context, instance_uuid=None, host=None, expired_only=False):
    query = _tokens(context)
    if instance_uuid is not None:
        query = query.filter(models.ConsoleAuthToken.instance_uuid == instance_uuid)
    if host is not None:
        query = query.filter(models.ConsoleAuthToken.host == host)
    if expired_only:
        query = query.filter(models.ConsoleAuthToken.expires <= int(time.time()))
    return query.delete(synchronize_session=False)


@base.NovaObjectRegistry.register
class ConsoleAuthToken(base.NovaTimestampObject, base.NovaObject):
    """Access to one console of one instance.

    ``host``/``port`` (``tls_port``) are where the guest's VNC/SPICE server
    listens; ``access_url_base`` is the proxy URL the user is sent to;
    ``expires`` is a UNIX time in seconds. ``token`` is only set on the
    object ``authorize`` was called on.
    """

    # Version 1.0: initial version (upstream's fields as of 1.3)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "console_type": fields.StringField(nullable=False),
        "host": fields.StringField(nullable=False),
        "port": fields.IntegerField(nullable=False),
        "tls_port": fields.IntegerField(nullable=True),
        "internal_access_path": fields.StringField(nullable=True),
        "instance_uuid": fields.UUIDField(nullable=False),
        "access_url_base": fields.StringField(nullable=True),
        "token": fields.StringField(nullable=False),
        "expires": fields.IntegerField(nullable=False),
    }
    fields.update(base.NovaTimestampObject.fields)

    @property
    def access_url(self):
        """The URL to give the user: ``access_url_base`` plus the token.

        noVNC passes the token on as the websocket path (``?path=%3Ftoken%3D...``,
        upstream's format); other consoles take ``?token=...``. None when the
        token is unknown (an object read back from the database).
        """
        if not self.obj_attr_is_set("token") or not self.obj_attr_is_set("access_url_base"):
            return None
        base_url = self.access_url_base or ""
        if self.console_type == "novnc":
            path = urllib.parse.quote(f"?token={self.token}", safe="")
            return f"{base_url}?path={path}"
        separator = "&" if "?" in base_url else "?"
        return f"{base_url}{separator}token={self.token}"

    @staticmethod
    def _from_db_object(context, obj, row):
        for key in obj.fields:
            if key in ("token", "access_url_base"):
                continue
            setattr(obj, key, row[key])
        obj._context = context
        obj.obj_reset_changes()
        return obj

    @base.remotable
    def authorize(self, ttl):
        """Store a new token valid for ``ttl`` seconds and return it (str).

        :raises ObjectActionError: already authorized.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="authorize", reason="already authorized")
        token = uuidutils.generate_uuid()
        values = {key: getattr(self, key) for key in
                  ("console_type", "host", "port", "tls_port", "internal_access_path",
                   "instance_uuid") if self.obj_attr_is_set(key)}
        values["token_hash"] = token_hash(token)
        values["expires"] = int(time.time()) + int(ttl)
        row = _token_create(self._context, values)
        self.id = row.id
        self.expires = row.expires
        self.created_at = row.created_at
        self.updated_at = row.updated_at
        self.token = token
        self.obj_reset_changes()
        return token

    @classmethod
    @base.remotable
    def validate(cls, context, token):
        """Return the connection info of a live ``token``.

        :raises InvalidToken: unknown or expired (the message does not say which).
        """
        row = _token_get_valid(context, token_hash(token))
        if row is None:
            raise exception.InvalidToken(token="***")
        obj = cls._from_db_object(context, cls(), row)
        obj.token = token
        obj.obj_reset_changes(["token"])
        return obj

    @classmethod
    @base.remotable
    def clean_console_auths_for_instance(cls, context, instance_uuid):
        """Delete every token of ``instance_uuid`` (on delete, rebuild, resize...)."""
        _tokens_delete(context, instance_uuid=instance_uuid)

    @classmethod
    @base.remotable
    def clean_expired_console_auths(cls, context):
        """Delete expired tokens; return how many went (int)."""
        return _tokens_delete(context, expired_only=True)

    @classmethod
    @base.remotable
    def clean_expired_console_auths_for_host(cls, context, host):
        """Delete expired tokens of consoles on compute ``host``; return how many."""
        return _tokens_delete(context, host=host, expired_only=True)
