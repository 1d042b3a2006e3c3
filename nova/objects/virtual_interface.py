"""VirtualInterface and VirtualInterfaceList: a server's NICs (``virtual_interfaces``).

A VIF joins one server to one network; ``address`` is its MAC (unique
among live VIFs), ``uuid`` the VIF id that network_info and the host side
use (the tap device is ``tap`` + uuid[:11]).
"""

from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

#: How many random MACs ``VirtualInterface.create`` tries before giving up.
MAC_ATTEMPTS = 5


def generate_mac_address():
    """A random locally administered MAC with upstream's fa:16:3e prefix."""
    tail = uuidutils.generate_uuid(dashed=False)[:6]
    return "fa:16:3e:" + ":".join(tail[i:i + 2] for i in range(0, 6, 2))


@db_api.pick_context_manager_writer
def _create(context, values):
    row = models.VirtualInterface(**values)
    context.session.add(row)
    context.session.flush()
    return row


@db_api.pick_context_manager_reader
def _get_by_instance(context, instance_uuid):
    return db_api.model_query(context, models.VirtualInterface).filter_by(
        instance_uuid=instance_uuid).order_by(models.VirtualInterface.id).all()


@db_api.pick_context_manager_writer
def _delete_by_instance(context, instance_uuid):
    db_api.model_query(context, models.VirtualInterface).filter_by(
        instance_uuid=instance_uuid).soft_delete(synchronize_session=False)


@base.NovaObjectRegistry.register
class VirtualInterface(base.NovaPersistentObject, base.NovaObject):
    """One NIC of a server on network ``network_id``."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "address": fields.StringField(nullable=True),
        "network_id": fields.IntegerField(nullable=True),
        "instance_uuid": fields.UUIDField(),
        "uuid": fields.UUIDField(),
        "tag": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, vif, row):
        for key in vif.fields:
            value = row[key]
            setattr(vif, key, bool(value) if key == "deleted" else value)
        vif._context = context
        vif.obj_reset_changes()
        return vif

    @base.remotable
    def create(self):
        """Write this VIF; a MAC is generated (and retried on a clash) when unset.

        :raises VirtualInterfaceCreateException: no unique MAC was found.
        """
        values = self.obj_get_changes()
        values.setdefault("uuid", uuidutils.generate_uuid())
        given_mac = "address" in values
        for _attempt in range(MAC_ATTEMPTS):
            if not given_mac:
                values["address"] = generate_mac_address()
            try:
                row = _create(self._context, values)
            except db_exc.DBDuplicateEntry:
                if given_mac:
                    break
                continue
            self._from_db_object(self._context, self, row)
            return
        raise exception.VirtualInterfaceCreateException()


@base.NovaObjectRegistry.register
class VirtualInterfaceList(base.ObjectListBase, base.NovaObject):
    """A server's VIFs in the order they were made (eth0 first)."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("VirtualInterface"),
    }

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the live VIFs of ``instance_uuid``."""
        return cls._from_db_rows(context, _get_by_instance(context, instance_uuid))

    @classmethod
    @base.remotable
    def delete_by_instance_uuid(cls, context, instance_uuid):
        """Soft-delete every VIF of ``instance_uuid`` (none is fine)."""
        _delete_by_instance(context, instance_uuid)
