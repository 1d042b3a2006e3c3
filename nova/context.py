"""The request context: who is asking, and which cell database and queue they reach.

A RequestContext travels with every API request, RPC message and object call.
Besides oslo.context's identity fields it carries ``read_deleted`` for soft-
deleted rows and, once targeted at a cell (see ``target_cell``), that cell's
database and message queue handles.
"""

import copy

from oslo_context import context as oslo_context
from oslo_utils import timeutils

ADMIN_ROLE = "admin"


class RequestContext(oslo_context.RequestContext):
    """Security context and request information.

    :param user_id: Keystone user id (string) or None for service contexts.
    :param project_id: Keystone project id (string) or None.
    :param is_admin: True when the caller holds the admin role; computed from
        ``roles`` when None.
    :param read_deleted: "no" (default), "yes" or "only": whether database
        queries see soft-deleted rows.
    :param timestamp: when the request started (UTC datetime); now when None.
    :param service_catalog: the Keystone catalog entries the API passes along
        to services that call other services on the user's behalf.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted="no", remote_address=None, timestamp=None,
                 quota_class=None, service_catalog=None, user_auth_plugin=None,
                 **kwargs):
        kwargs.setdefault("user_id", user_id)
        kwargs.setdefault("project_id", project_id)
        super().__init__(is_admin=is_admin, **kwargs)
        if self.is_admin is None:
            self.is_admin = ADMIN_ROLE in [r.lower() for r in self.roles]
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        if timestamp is None:
            timestamp = timeutils.utcnow()
        elif isinstance(timestamp, str):
            timestamp = timeutils.parse_isotime(timestamp)
        self.timestamp = timestamp
        self.quota_class = quota_class
        self.service_catalog = service_catalog or []
        self.user_auth_plugin = user_auth_plugin
        # Set by target_cell(); None means "the [database] of this process".
        self.db_connection = None
        self.mq_connection = None
        self.cell_uuid = None

    @property
    def read_deleted(self):
        return self._read_deleted

    @read_deleted.setter
    def read_deleted(self, value):
        if value not in ("no", "yes", "only"):
            raise ValueError(
                f"read_deleted can only be one of 'no', 'yes' or 'only', not {value!r}")
        self._read_deleted = value

    def to_dict(self):
        """Return a JSON-able dict that ``from_dict`` turns back into a context."""
        values = super().to_dict()
        values.update({
            "user_id": self.user_id,
            "project_id": self.project_id,
            "is_admin": self.is_admin,
            "read_deleted": self.read_deleted,
            "remote_address": self.remote_address,
            "timestamp": timeutils.isotime(self.timestamp, subsecond=True)
            if hasattr(timeutils, "isotime") else self.timestamp.isoformat(),
            "quota_class": self.quota_class,
            "service_catalog": self.service_catalog,
        })
        return values

    @classmethod
    def from_dict(cls, values):
        """Build a context from ``to_dict`` output (RPC messages carry this)."""
        return super().from_dict(
            values,
            user_id=values.get("user_id"),
            project_id=values.get("project_id"),
            is_admin=values.get("is_admin"),
            read_deleted=values.get("read_deleted", "no"),
            remote_address=values.get("remote_address"),
            timestamp=values.get("timestamp"),
            quota_class=values.get("quota_class"),
            service_catalog=values.get("service_catalog"),
        )

    def elevated(self, read_deleted=None):
        """Return a copy with admin rights (and optionally another read_deleted)."""
        context = copy.copy(self)
        context.roles = list(context.roles)
        if ADMIN_ROLE not in context.roles:
            context.roles.append(ADMIN_ROLE)
        context.is_admin = True
        if read_deleted is not None:
            context.read_deleted = read_deleted
        return context


def get_admin_context(read_deleted="no"):
    """Return an admin context with no user or project (services, nova-manage)."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, overwrite=False)


def get_context():
    """Return a non-admin context for internal, unauthenticated callers."""
    return RequestContext(user_id=None, project_id=None, is_admin=False, overwrite=False)
