"""FloatingIP and FloatingIPList: pools of public addresses (``floating_ips``).

An admin fills a pool (``nova-manage floating create``); a project takes an
address (``project_id`` set), points it at one of its servers' fixed IPs
(``fixed_ip_id``) and gives it back. Taking an address is a conditional
UPDATE on ``project_id IS NULL`` with retry, like fixed IPs, so two
projects never get the same one.
"""

import ipaddress
import random

from oslo_utils import timeutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

#: Claims tried before giving up when concurrent allocations keep winning.
ALLOCATE_ATTEMPTS = 20
#: The largest range one ``create_pool`` call writes (a /16).
MAX_ADDRESSES = 65536


def _query(context):
    return db_api.model_query(context, models.FloatingIp)


@db_api.pick_context_manager_writer
def _create_pool(context, pool, addresses, interface):
    taken = {r.address for r in _query(context).filter(
        models.FloatingIp.address.in_(addresses))}
    if taken:
        raise exception.FloatingIpExists(address=sorted(taken)[0])
    context.session.execute(models.FloatingIp.__table__.insert(), [
        {"address": a, "pool": pool, "interface": interface, "auto_assigned": False,
         "deleted": 0, "created_at": timeutils.utcnow()} for a in addresses])


@db_api.pick_context_manager_reader
def _free(context, pool):
    return [r.id for r in _query(context).filter(
        models.FloatingIp.pool == pool, models.FloatingIp.project_id.is_(None)).order_by(
        models.FloatingIp.id).limit(8)]


@db_api.pick_context_manager_writer
def _claim(context, floating_id, project_id):
    return _query(context).filter(models.FloatingIp.id == floating_id,
                                  models.FloatingIp.project_id.is_(None)).update(
        {"project_id": project_id, "updated_at": timeutils.utcnow()},
        synchronize_session=False)


@db_api.pick_context_manager_reader
def _get(context, **filters):
    row = _query(context).filter_by(**filters).first()
    if row is None:
        if "address" in filters:
            raise exception.FloatingIpNotFoundForAddress(address=filters["address"])
        raise exception.FloatingIpNotFound(id=filters.get("id"))
    return row


@db_api.pick_context_manager_writer
def _update(context, floating_id, values, only_if=None):
    query = _query(context).filter(models.FloatingIp.id == floating_id)
    for column, value in (only_if or {}).items():
        col = getattr(models.FloatingIp, column)
        query = query.filter(col.is_(None) if value is None else col == value)
    return query.update(dict(values, updated_at=timeutils.utcnow()),
                        synchronize_session=False)


@db_api.pick_context_manager_writer
def _delete_range(context, addresses):
    in_use = _query(context).filter(models.FloatingIp.address.in_(addresses),
                                    models.FloatingIp.project_id.isnot(None)).first()
    if in_use is not None:
        raise exception.FloatingIpInUse(address=in_use.address)
    return _query(context).filter(models.FloatingIp.address.in_(addresses)).soft_delete(
        synchronize_session=False)


@db_api.pick_context_manager_reader
def _list(context, project_id=None, fixed_ip_ids=None):
    query = _query(context)
    if project_id is not None:
        query = query.filter(models.FloatingIp.project_id == project_id)
    if fixed_ip_ids is not None:
        if not fixed_ip_ids:
            return []
        query = query.filter(models.FloatingIp.fixed_ip_id.in_(fixed_ip_ids))
    return query.order_by(models.FloatingIp.id).all()


@db_api.pick_context_manager_reader
def _pools(context):
    return sorted({r.pool for r in _query(context) if r.pool})


@db_api.pick_context_manager_writer
def _release_fixed(context, fixed_ip_ids):
    if not fixed_ip_ids:
        return 0
    return _query(context).filter(models.FloatingIp.fixed_ip_id.in_(fixed_ip_ids)).update(
        {"fixed_ip_id": None, "host": None, "updated_at": timeutils.utcnow()},
        synchronize_session=False)


@base.NovaObjectRegistry.register
class FloatingIP(base.NovaPersistentObject, base.NovaObject):
    """One address of pool ``pool``: a project's (``project_id``) or free."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "address": fields.StringField(),
        "fixed_ip_id": fields.IntegerField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
        "auto_assigned": fields.BooleanField(default=False),
        "pool": fields.StringField(nullable=True),
        "interface": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, floating, row):
        for key in floating.fields:
            value = row[key]
            if key in ("deleted", "auto_assigned"):
                value = bool(value)
            setattr(floating, key, value)
        floating._context = context
        floating.obj_reset_changes()
        return floating

    @classmethod
    @base.remotable
    def create_pool(cls, context, pool, ip_range, interface=None):
        """Add every host address of ``ip_range`` (a CIDR) to ``pool``; returns the count.

        :raises InvalidInput: not an IPv4 range of at most MAX_ADDRESSES.
        :raises FloatingIpExists: an address is in a pool already.
        """
        try:
            net = ipaddress.IPv4Network(ip_range, strict=False)
        except ValueError as exc:
            raise exception.InvalidInput(reason=f"Invalid ip_range: {exc}") from exc
        if net.num_addresses > MAX_ADDRESSES:
            raise exception.InvalidInput(reason=f"{net} holds more than {MAX_ADDRESSES}")
        addresses = [str(a) for a in (net.hosts() if net.num_addresses > 2 else net)]
        _create_pool(context, pool, addresses, interface)
        return len(addresses)

    @classmethod
    @base.remotable
    def delete_range(cls, context, ip_range):
        """Remove the addresses of ``ip_range`` from their pool; returns the count.

        :raises FloatingIpInUse: a project holds one of them.
        """
        net = ipaddress.IPv4Network(ip_range, strict=False)
        return _delete_range(context, [str(a) for a in net])

    @classmethod
    @base.remotable
    def allocate_address(cls, context, project_id, pool):
        """Give ``project_id`` a free address of ``pool``.

        :raises NoMoreFloatingIps: the pool has none left.
        """
        for _attempt in range(ALLOCATE_ATTEMPTS):
            free = _free(context, pool)
            if not free:
                break
            floating_id = random.choice(free)
            if _claim(context, floating_id, project_id):
                return cls._from_db_object(context, cls(), _get(context, id=floating_id))
        raise exception.NoMoreFloatingIps()

    @classmethod
    @base.remotable
    def get_by_id(cls, context, floating_id):
        """:raises FloatingIpNotFound: no such address."""
        return cls._from_db_object(context, cls(), _get(context, id=floating_id))

    @classmethod
    @base.remotable
    def get_by_address(cls, context, address):
        """:raises FloatingIpNotFoundForAddress: no pool has ``address``."""
        return cls._from_db_object(context, cls(), _get(context, address=address))

    @base.remotable
    def deallocate(self):
        """Give this address back to its pool (not while associated).

        :raises FloatingIpAssociated: it points at a fixed IP.
        """
        if not _update(self._context, self.id, {"project_id": None},
                       only_if={"fixed_ip_id": None}):
            raise exception.FloatingIpAssociated(address=self.address)

    @base.remotable
    def associate(self, fixed_ip_id, host=None):
        """Point this address at fixed IP ``fixed_ip_id`` (replacing any other)."""
        _update(self._context, self.id, {"fixed_ip_id": fixed_ip_id, "host": host})
        self.fixed_ip_id = fixed_ip_id
        self.obj_reset_changes()

    @base.remotable
    def disassociate(self):
        """Point this address at nothing."""
        _update(self._context, self.id, {"fixed_ip_id": None, "host": None})
        self.fixed_ip_id = None
        self.obj_reset_changes()


@base.NovaObjectRegistry.register
class FloatingIPList(base.ObjectListBase, base.NovaObject):
    """A list of FloatingIP objects, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("FloatingIP"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Every pooled address."""
        return cls._from_db_rows(context, _list(context))

    @classmethod
    @base.remotable
    def get_by_project(cls, context, project_id):
        """The addresses ``project_id`` holds."""
        return cls._from_db_rows(context, _list(context, project_id=project_id))

    @classmethod
    @base.remotable
    def get_by_fixed_ip_ids(cls, context, fixed_ip_ids):
        """The addresses pointing at any of ``fixed_ip_ids``."""
        return cls._from_db_rows(context, _list(context, fixed_ip_ids=list(fixed_ip_ids)))

    @classmethod
    @base.remotable
    def disassociate_fixed_ips(cls, context, fixed_ip_ids):
        """Point every address aimed at ``fixed_ip_ids`` at nothing (server deleted)."""
        return _release_fixed(context, list(fixed_ip_ids))

    @classmethod
    @base.remotable
    def get_pool_names(cls, context):
        """Names of the pools (str), sorted."""
        return _pools(context)
