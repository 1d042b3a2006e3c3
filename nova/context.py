"""The request context: who is asking, and which cell database and queue they reach.

A RequestContext travels with every API request, RPC message and object call.
Besides oslo.context's identity fields it carries ``read_deleted`` for soft-
deleted rows and, once targeted at a cell (see ``target_cell``), that cell's
database and message queue handles.
"""

import concurrent.futures
import contextlib
import copy
import logging
import time

from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade
from oslo_utils import timeutils

from nova import rpc
from nova.db.main import api as main_db_api

LOG = logging.getLogger(__name__)

ADMIN_ROLE = "admin"


# transaction_context_provider gives the context ``session``/``connection``
# attributes inside an enginefacade reader/writer block.
@enginefacade.transaction_context_provider
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


#: scatter_gather_cells' result for a cell that did not answer within the timeout.
did_not_respond_sentinel = object()


def is_cell_failure_sentinel(record):
    """True when a scatter_gather_cells result is a timeout or a raised exception."""
    return record is did_not_respond_sentinel or isinstance(record, Exception)


def _cell_mq_connection(cell_mapping):
    """Return the RPC transport for the cell's ``transport_url``, or None.

    RPC clients called with a targeted context then reach the cell's message
    queue (``nova.rpc.ClientRouter``). None (the process's default transport
    is used) when the mapping names no queue or this process has no
    messaging (nova-manage).
    """
    url = getattr(cell_mapping, "transport_url", None)
    if not url or not rpc.initialized():
        return None
    return rpc.get_cell_transport(url)


def set_target_cell(context, cell_mapping):
    """Point ``context`` (in place) at a cell's database and message queue.

    :param context: a RequestContext to modify.
    :param cell_mapping: any object with ``uuid``, ``database_connection``
        and ``transport_url`` (a CellMapping); None targets the process's
        own [database] and default transport again.
    """
    if cell_mapping is None:
        context.db_connection = None
        context.mq_connection = None
        context.cell_uuid = None
        return
    context.db_connection = main_db_api.create_context_manager(
        cell_mapping.database_connection)
    context.mq_connection = _cell_mq_connection(cell_mapping)
    context.cell_uuid = cell_mapping.uuid


@contextlib.contextmanager
def target_cell(context, cell_mapping):
    """Yield a copy of ``context`` targeted at ``cell_mapping`` (see set_target_cell).

    The original context is left untouched, so the caller can target several
    cells at once. The copy starts with no open transaction of its own: a
    transaction the caller holds on its database is not reused for the cell.

    :param context: a RequestContext.
    :param cell_mapping: a CellMapping (duck-typed) or None.
    """
    cctxt = copy.copy(context)
    # The enginefacade keeps the open transaction in this per-context slot;
    # a shallow copy would share it and write to the caller's database.
    cctxt.__dict__.pop("_enginefacade_context", None)
    set_target_cell(cctxt, cell_mapping)
    yield cctxt


def scatter_gather_cells(context, cell_mappings, timeout, fn, *args, **kwargs):
    """Run ``fn(cell_context, *args, **kwargs)`` in every cell concurrently.

    Each call runs in its own native thread with a context targeted at the
    cell. Upstream's rule: a cell that has not answered after ``timeout``
    seconds (for all cells together) gets ``did_not_respond_sentinel``; a
    cell whose call raised gets the exception instance (logged); use
    ``is_cell_failure_sentinel`` to tell failures from results.

    :param context: the caller's RequestContext (not modified).
    :param cell_mappings: iterable of CellMapping-like objects.
    :param timeout: seconds (float) to wait for all cells.
    :param fn: callable taking a targeted context first.
    :returns: dict of cell uuid (str) to fn's result or a failure record.
    """
    cell_mappings = list(cell_mappings)
    results = {}
    if not cell_mappings:
        return results

    def run_in_cell(cell_mapping):
        with target_cell(context, cell_mapping) as cctxt:
            return fn(cctxt, *args, **kwargs)

    executor = concurrent.futures.ThreadPoolExecutor(
        max_workers=len(cell_mappings), thread_name_prefix="scatter-gather")
    try:
        futures = {executor.submit(run_in_cell, cell): cell for cell in cell_mappings}
        deadline = time.monotonic() + timeout
        for future, cell in futures.items():
            remaining = max(0.0, deadline - time.monotonic())
            try:
                results[cell.uuid] = future.result(timeout=remaining)
            except concurrent.futures.TimeoutError:
                LOG.warning("Timed out waiting for response from cell %s", cell.uuid)
                results[cell.uuid] = did_not_respond_sentinel
            except Exception as exc:
                LOG.exception("Error gathering result from cell %s", cell.uuid)
                results[cell.uuid] = exc
    finally:
        # Do not wait for cells that timed out; their threads end on their own.
        executor.shutdown(wait=False, cancel_futures=True)
    return results
