"""Network and NetworkList: the flat networks of the built-in network service.

Rows of the cell database's ``networks`` table (upstream nova-network's).
Creating a network also writes one ``fixed_ips`` row per address of its
range (see ``nova.objects.fixed_ip``), which is what allocation hands out.
"""

import ipaddress

from oslo_db import exception as db_exc
from oslo_utils import uuidutils

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

#: The largest range ``Network.create`` accepts (a /16): one fixed_ips row
#: is written per address, as upstream did.
MAX_ADDRESSES = 65536

_COLUMNS = ("id", "uuid", "label", "cidr", "netmask", "bridge", "bridge_interface",
            "gateway", "broadcast", "dns1", "dns2", "vlan", "dhcp_start", "dhcp_server",
            "project_id", "host", "mtu", "enable_dhcp", "share_address", "multi_host",
            "injected", "priority", "rxtx_base", "cidr_v6", "gateway_v6", "netmask_v6",
            "vpn_public_address", "vpn_public_port", "vpn_private_address")


def _query(context):
    return db_api.model_query(context, models.Network)


@db_api.pick_context_manager_reader
def _get_by_uuid(context, uuid):
    row = _query(context).filter_by(uuid=uuid).first()
    if row is None:
        raise exception.NetworkNotFoundForUuid(uuid=uuid)
    return row


@db_api.pick_context_manager_reader
def _get_by_id(context, network_id):
    row = _query(context).filter_by(id=network_id).first()
    if row is None:
        raise exception.NetworkNotFound(network_id=network_id)
    return row


@db_api.pick_context_manager_reader
def _get_all(context, project_only):
    query = _query(context)
    if project_only:
        query = query.filter((models.Network.project_id == context.project_id)
                             | models.Network.project_id.is_(None))
    return query.order_by(models.Network.id).all()


def fixed_ip_rows(network_id, net, dhcp_start):
    """The fixed_ips rows of a new network, as dicts.

    Reserved (never handed out): the network and broadcast addresses,
    the gateway and everything below ``dhcp_start``.
    """
    first = ipaddress.ip_address(dhcp_start) if dhcp_start else None
    rows = []
    for address in net:
        reserved = (address in (net.network_address, net.broadcast_address)
                    or (first is not None and address < first))
        rows.append({"network_id": network_id, "address": str(address),
                     "reserved": reserved, "allocated": False, "leased": False,
                     "deleted": 0})
    return rows


@db_api.pick_context_manager_writer
def _create(context, values):
    session = context.session
    for name in ("label", "bridge"):
        if values.get(name) and _query(context).filter_by(**{name: values[name]}).first():
            raise exception.NetworkDuplicated(name=values[name])
    row = models.Network(**values)
    session.add(row)
    try:
        session.flush()
    except db_exc.DBDuplicateEntry as exc:
        raise exception.NetworkDuplicated(name=values.get("label")) from exc
    net = ipaddress.ip_network(values["cidr"])
    rows = fixed_ip_rows(row.id, net, values.get("dhcp_start"))
    for fixed in rows:
        if fixed["address"] == values.get("gateway"):
            fixed["reserved"] = True
    session.execute(models.FixedIp.__table__.insert(), rows)
    return row


@db_api.pick_context_manager_writer
def _destroy(context, network_id):
    in_use = db_api.model_query(context, models.FixedIp).filter(
        models.FixedIp.network_id == network_id,
        models.FixedIp.instance_uuid.isnot(None)).first()
    if in_use is not None:
        raise exception.NetworkInUse(network_id=network_id)
    row = _query(context).filter_by(id=network_id).first()
    if row is None:
        raise exception.NetworkNotFound(network_id=network_id)
    db_api.model_query(context, models.FixedIp).filter_by(
        network_id=network_id).soft_delete(synchronize_session=False)
    row.soft_delete(context.session)


@db_api.pick_context_manager_writer
def _set_project(context, network_id, project_id, only_if_unset):
    query = _query(context).filter_by(id=network_id)
    if only_if_unset:
        query = query.filter(models.Network.project_id.is_(None))
    return query.update({"project_id": project_id}, synchronize_session=False)


@base.NovaObjectRegistry.register
class Network(base.NovaPersistentObject, base.NovaObject):
    """One network: an IPv4 ``cidr`` on a Linux ``bridge``, served by DHCP.

    ``project_id`` None means every project may use it. Addresses are
    strings; ``mtu`` in bytes.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "uuid": fields.UUIDField(),
        "label": fields.StringField(),
        "cidr": fields.StringField(nullable=True),
        "netmask": fields.StringField(nullable=True),
        "bridge": fields.StringField(nullable=True),
        "bridge_interface": fields.StringField(nullable=True),
        "gateway": fields.StringField(nullable=True),
        "broadcast": fields.StringField(nullable=True),
        "dns1": fields.StringField(nullable=True),
        "dns2": fields.StringField(nullable=True),
        "vlan": fields.IntegerField(nullable=True),
        "dhcp_start": fields.StringField(nullable=True),
        "dhcp_server": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
        "mtu": fields.IntegerField(nullable=True),
        "enable_dhcp": fields.BooleanField(default=True),
        "share_address": fields.BooleanField(default=False),
        "multi_host": fields.BooleanField(default=False),
        "injected": fields.BooleanField(default=False),
        "priority": fields.IntegerField(nullable=True),
        "rxtx_base": fields.IntegerField(nullable=True),
        "cidr_v6": fields.StringField(nullable=True),
        "gateway_v6": fields.StringField(nullable=True),
        "netmask_v6": fields.StringField(nullable=True),
        "vpn_public_address": fields.StringField(nullable=True),
        "vpn_public_port": fields.IntegerField(nullable=True),
        "vpn_private_address": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, network, row):
        for key in network.fields:
            value = row[key]
            if key == "deleted":
                value = bool(value)
            elif isinstance(network.fields[key], fields.BooleanField) and value is None:
                value = network.fields[key].default
            setattr(network, key, value)
        network._context = context
        network.obj_reset_changes()
        return network

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """Return the network ``uuid``.

        :raises NetworkNotFoundForUuid: no such (live) network.
        """
        return cls._from_db_object(context, cls(), _get_by_uuid(context, uuid))

    @classmethod
    @base.remotable
    def get_by_id(cls, context, network_id):
        """Return the network with database id ``network_id``.

        :raises NetworkNotFound: no such (live) network.
        """
        return cls._from_db_object(context, cls(), _get_by_id(context, network_id))

    @base.remotable
    def create(self):
        """Write this network and one fixed_ips row per address of ``cidr``.

        Derives netmask, broadcast, gateway (first host), dhcp_start (the
        address after the gateway) and dhcp_server (the gateway) when unset.

        :raises NetworkDuplicated: a live network has this label or bridge.
        :raises InvalidInput: ``cidr`` is not an IPv4 network of at most
            MAX_ADDRESSES addresses with room for a gateway and a server.
        """
        values = self.obj_get_changes()
        try:
            net = ipaddress.IPv4Network(values.get("cidr") or "", strict=False)
        except ValueError as exc:
            raise exception.InvalidInput(reason=f"Invalid cidr: {exc}") from exc
        if net.num_addresses > MAX_ADDRESSES or net.num_addresses < 4:
            raise exception.InvalidInput(
                reason=f"cidr {net} must hold between 4 and {MAX_ADDRESSES} addresses")
        hosts = net.hosts()
        gateway = str(next(hosts))
        values["cidr"] = str(net)
        values.setdefault("netmask", str(net.netmask))
        values.setdefault("broadcast", str(net.broadcast_address))
        values["gateway"] = values.get("gateway") or gateway
        values["dhcp_start"] = values.get("dhcp_start") or str(
            ipaddress.ip_address(values["gateway"]) + 1)
        values["dhcp_server"] = values.get("dhcp_server") or values["gateway"]
        values["uuid"] = values.get("uuid") or uuidutils.generate_uuid()
        for name, value in (("gateway", values["gateway"]),
                            ("dhcp_start", values["dhcp_start"])):
            if ipaddress.ip_address(value) not in net:
                raise exception.InvalidInput(reason=f"{name} {value} is outside {net}")
        self._from_db_object(self._context, self, _create(self._context, values))

    @base.remotable
    def destroy(self):
        """Soft-delete this network and its fixed IPs.

        :raises NetworkInUse: a server still holds one of its addresses.
        """
        _destroy(self._context, self.id)

    @base.remotable
    def associate_project(self, project_id, force=True):
        """Give this network to ``project_id`` (None: to every project).

        :param force: False only claims a network no project holds.
        :returns: True when the network changed.
        """
        changed = bool(_set_project(self._context, self.id, project_id,
                                    only_if_unset=not force))
        if changed:
            self.project_id = project_id
            self.obj_reset_changes(["project_id"])
        return changed


@base.NovaObjectRegistry.register
class NetworkList(base.ObjectListBase, base.NovaObject):
    """A list of Network objects, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Network"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context, project_only=False):
        """Return every live network, or with ``project_only`` the ones
        ``context``'s project may use (its own and the shared ones)."""
        return cls._from_db_rows(context, _get_all(context, project_only))
