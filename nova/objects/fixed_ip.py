"""FixedIP and FixedIPList: a network's addresses and which server holds each.

Allocation never hands one address to two servers: it picks a free row and
claims it with a conditional ``UPDATE fixed_ips SET instance_uuid=...
WHERE id=... AND instance_uuid IS NULL``; when a concurrent claim won the
row the update matches nothing and the allocation tries another address
(up to ``ALLOCATE_ATTEMPTS`` times). Each attempt is its own short
transaction, so the database's row locks (MariaDB, PostgreSQL) or its
single writer (SQLite) decide the race.
"""

import logging
import random

from oslo_utils import timeutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

LOG = logging.getLogger(__name__)

#: Claims tried before giving up when other allocations keep winning rows.
ALLOCATE_ATTEMPTS = 20
#: Free addresses one attempt chooses among at random, so that concurrent
#: allocations rarely aim at the same row.
_CANDIDATES = 8


def _free_query(context, network_id):
    return db_api.model_query(context, models.FixedIp).filter(
        models.FixedIp.network_id == network_id,
        models.FixedIp.instance_uuid.is_(None),
        models.FixedIp.reserved.is_(False))


@db_api.pick_context_manager_reader
def _candidates(context, network_id):
    return [row.id for row in _free_query(context, network_id).order_by(
        models.FixedIp.id).limit(_CANDIDATES)]


@db_api.pick_context_manager_writer
def _claim(context, fixed_ip_id, instance_uuid, vif_id, host):
    """The conditional UPDATE: 1 when this call took the row, 0 when it was taken."""
    return db_api.model_query(context, models.FixedIp).filter(
        models.FixedIp.id == fixed_ip_id,
        models.FixedIp.instance_uuid.is_(None)).update(
        {"instance_uuid": instance_uuid, "virtual_interface_id": vif_id,
         "allocated": True, "host": host, "updated_at": timeutils.utcnow()},
        synchronize_session=False)


@db_api.pick_context_manager_reader
def _get_by_id(context, fixed_ip_id):
    return db_api.model_query(context, models.FixedIp).filter_by(id=fixed_ip_id).one()


@db_api.pick_context_manager_reader
def _find_by_id(context, fixed_ip_id):
    return db_api.model_query(context, models.FixedIp).filter_by(id=fixed_ip_id).first()


@db_api.pick_context_manager_reader
def _get_by_address(context, address):
    row = db_api.model_query(context, models.FixedIp).filter_by(address=address).first()
    if row is None:
        raise exception.FixedIpNotFoundForAddress(address=address)
    return row


@db_api.pick_context_manager_writer
def _claim_address(context, address, network_id, instance_uuid, vif_id, host):
    query = db_api.model_query(context, models.FixedIp).filter_by(address=address)
    if network_id is not None:
        query = query.filter_by(network_id=network_id)
    row = query.first()
    if row is None:
        raise exception.FixedIpNotFoundForAddress(address=address)
    if row.reserved:
        raise exception.FixedIpInvalid(address=address)
    claimed = db_api.model_query(context, models.FixedIp).filter(
        models.FixedIp.id == row.id, models.FixedIp.instance_uuid.is_(None)).update(
        {"instance_uuid": instance_uuid, "virtual_interface_id": vif_id,
         "allocated": True, "host": host, "updated_at": timeutils.utcnow()},
        synchronize_session=False)
    if not claimed:
        holder = db_api.model_query(context, models.FixedIp).filter_by(id=row.id).one()
        raise exception.FixedIpAlreadyInUse(address=address,
                                            instance_uuid=holder.instance_uuid)
    return row.id


@db_api.pick_context_manager_writer
def _release_instance(context, instance_uuid):
    return db_api.model_query(context, models.FixedIp).filter_by(
        instance_uuid=instance_uuid).update(
        {"instance_uuid": None, "virtual_interface_id": None, "allocated": False,
         "leased": False, "host": None, "updated_at": timeutils.utcnow()},
        synchronize_session=False)


@db_api.pick_context_manager_reader
def _get_by_instance(context, instance_uuid):
    return db_api.model_query(context, models.FixedIp).filter_by(
        instance_uuid=instance_uuid).order_by(models.FixedIp.id).all()


@db_api.pick_context_manager_reader
def _get_by_network(context, network_id):
    return db_api.model_query(context, models.FixedIp).filter_by(
        network_id=network_id).order_by(models.FixedIp.id).all()


@base.NovaObjectRegistry.register
class FixedIP(base.NovaPersistentObject, base.NovaObject):
    """One address of a network; ``instance_uuid`` is its holder or None."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "address": fields.StringField(),
        "network_id": fields.IntegerField(nullable=True),
        "virtual_interface_id": fields.IntegerField(nullable=True),
        "instance_uuid": fields.UUIDField(nullable=True),
        "allocated": fields.BooleanField(default=False),
        "leased": fields.BooleanField(default=False),
        "reserved": fields.BooleanField(default=False),
        "host": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, fixed_ip, row):
        for key in fixed_ip.fields:
            value = row[key]
            if key == "deleted" or isinstance(fixed_ip.fields[key], fields.BooleanField):
                value = bool(value)
            setattr(fixed_ip, key, value)
        fixed_ip._context = context
        fixed_ip.obj_reset_changes()
        return fixed_ip

    @classmethod
    @base.remotable
    def get_by_address(cls, context, address):
        """Return the fixed IP ``address`` (str).

        :raises FixedIpNotFoundForAddress: no network has that address.
        """
        return cls._from_db_object(context, cls(), _get_by_address(context, address))

    @classmethod
    @base.remotable
    def get_by_id(cls, context, fixed_ip_id):
        """Return the fixed IP with database id ``fixed_ip_id``.

        :raises FixedIpNotFound: no such (live) row.
        """
        row = _find_by_id(context, fixed_ip_id)
        if row is None:
            raise exception.FixedIpNotFound(id=fixed_ip_id)
        return cls._from_db_object(context, cls(), row)

    @classmethod
    @base.remotable
    def associate_pool(cls, context, network_id, instance_uuid, vif_id=None, host=None):
        """Give ``instance_uuid`` any free address of network ``network_id``.

        :param vif_id: the virtual_interfaces.id the address belongs to.
        :param host: the compute host the server runs on.
        :returns: the claimed FixedIP.
        :raises NoMoreFixedIps: the network has no free address left, or
            ALLOCATE_ATTEMPTS claims all lost their race.
        """
        for _attempt in range(ALLOCATE_ATTEMPTS):
            candidates = _candidates(context, network_id)
            if not candidates:
                break
            fixed_ip_id = random.choice(candidates)
            if _claim(context, fixed_ip_id, instance_uuid, vif_id, host):
                return cls._from_db_object(context, cls(), _get_by_id(context, fixed_ip_id))
            LOG.debug("Fixed IP %s was taken by a concurrent allocation; retrying",
                      fixed_ip_id)
        raise exception.NoMoreFixedIps(net=network_id)

    @classmethod
    @base.remotable
    def associate(cls, context, address, instance_uuid, network_id=None, vif_id=None,
                  host=None):
        """Give ``instance_uuid`` the particular address ``address``.

        :raises FixedIpNotFoundForAddress: the address is in no network
            (or not in ``network_id``).
        :raises FixedIpInvalid: the address is reserved (network, gateway,
            broadcast, below dhcp_start).
        :raises FixedIpAlreadyInUse: another server holds it.
        """
        fixed_ip_id = _claim_address(context, address, network_id, instance_uuid,
                                     vif_id, host)
        return cls._from_db_object(context, cls(), _get_by_id(context, fixed_ip_id))

    @classmethod
    @base.remotable
    def disassociate_all_by_instance(cls, context, instance_uuid):
        """Free every address ``instance_uuid`` holds; returns how many."""
        return _release_instance(context, instance_uuid)


@base.NovaObjectRegistry.register
class FixedIPList(base.ObjectListBase, base.NovaObject):
    """A list of FixedIP objects, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("FixedIP"),
    }

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the addresses ``instance_uuid`` holds."""
        return cls._from_db_rows(context, _get_by_instance(context, instance_uuid))

    @classmethod
    @base.remotable
    def get_by_network_id(cls, context, network_id):
        """Return every address of network ``network_id``, free or not."""
        return cls._from_db_rows(context, _get_by_network(context, network_id))
