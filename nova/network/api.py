"""The network API: the one interface to the network service.

The compute API (nova-api), the compute host (nova-compute) and the
metadata service call ``get_api()`` and never the tables behind it. With
[network] backend "nova-network" (the only one for now) the service is
built in: networks, fixed IPs and virtual interfaces live in the cell
database and are reached through remotable objects, so this code runs the
same in nova-api (which has database credentials) and in nova-compute
(whose object calls run in nova-conductor).

Allocation happens on the compute host during the build, before the
guest is spawned (doc/source/networking.rst says why); every failure on the
way frees what was claimed, so no address is ever left with a server that
did not get it.
"""

import ipaddress
import logging

from nova import conf as nova_conf
from nova import exception, objects
from nova.network import model

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: The security groups a server's NICs carry until the server names others.
DEFAULT_SECURITY_GROUPS = ("default",)


def get_api():
    """Return the network API [network] backend names.

    :raises NetworkBackendNotSupported: an unknown backend.
    """
    backend = CONF.network.backend
    if backend == "nova-network":
        return API()
    raise exception.NetworkBackendNotSupported(backend=backend)


class API:
    """The built-in network service (nova-network's data model).

    Every method takes a RequestContext; network records are in the cell
    database the context reaches ([database] when untargeted).
    """

    # -- networks ------------------------------------------------------------

    def get_all(self, context):
        """Return the NetworkList the caller may see (admins: every network)."""
        return objects.NetworkList.get_all(context, project_only=not context.is_admin)

    def get(self, context, network_uuid):
        """Return the Network ``network_uuid``.

        :raises NetworkNotFoundForUuid: no such network, or it belongs to
            another project and the caller is not an admin.
        """
        network = objects.Network.get_by_uuid(context, network_uuid)
        if (not context.is_admin and network.project_id is not None
                and network.project_id != context.project_id):
            raise exception.NetworkNotFoundForUuid(uuid=network_uuid)
        return network

    def create(self, context, **values):
        """Create a network (see objects.Network.create for derived values).

        :param values: label, cidr, bridge, bridge_interface, gateway,
            dhcp_start, dhcp_server, dns1, dns2, mtu, vlan, project_id,
            enable_dhcp, share_address, multi_host.
        :raises InvalidInput: a bad cidr/gateway/dhcp_start.
        :raises NetworkDuplicated: the label or bridge is taken.
        """
        values = {k: v for k, v in values.items() if v is not None}
        values.setdefault("bridge", _free_bridge_name(context))
        network = objects.Network(context, **values)
        network.create()
        return network

    def delete(self, context, network_uuid):
        """Delete a network and its addresses.

        :raises NetworkNotFoundForUuid: no such network.
        :raises NetworkInUse: a server holds one of its addresses (409).
        """
        objects.Network.get_by_uuid(context, network_uuid).destroy()

    def associate(self, context, network_uuid, project_id, force=True):
        """Give a network to ``project_id``; None makes it shared again."""
        return objects.Network.get_by_uuid(context, network_uuid).associate_project(
            project_id, force=force)

    def disassociate(self, context, network_uuid):
        """Take a network away from its project (os-networks "disassociate")."""
        self.associate(context, network_uuid, None)

    def add_network_to_project(self, context, project_id, network_uuid=None):
        """os-networks "add": give ``network_uuid``, or any unowned network, to a project.

        :raises NetworkNotFoundForProject: no unowned network is left.
        """
        if network_uuid:
            self.associate(context, network_uuid, project_id)
            return
        for network in objects.NetworkList.get_all(context):
            if network.project_id is None and network.associate_project(
                    project_id, force=False):
                return
        raise exception.NetworkNotFoundForProject(project_id=project_id)

    # -- what a server asks for ------------------------------------------------

    def validate_networks(self, context, requested_networks):
        """Check POST /servers ``networks`` before anything is recorded.

        :param requested_networks: NetworkRequestList or None ("auto").
        :raises NetworkNotFoundForUuid: a named network does not exist or
            is another project's (400 in the API).
        :raises FixedIpInvalid: a fixed_ip outside its network or reserved.
        :raises FixedIpAlreadyInUse: a fixed_ip some server holds.
        :raises NetworkAmbiguous: a fixed_ip without a network uuid.
        """
        if requested_networks is None or requested_networks.auto_allocate \
                or requested_networks.no_allocate:
            return
        for request in requested_networks:
            if not request.network_id:
                raise exception.NetworkAmbiguous()
            network = self.get(context, request.network_id)
            address = request.address
            if not address:
                continue
            if ipaddress.ip_address(address) not in ipaddress.ip_network(network.cidr):
                raise exception.FixedIpInvalid(address=address)
            fixed = objects.FixedIP.get_by_address(context, address)
            if fixed.reserved:
                raise exception.FixedIpInvalid(address=address)
            if fixed.instance_uuid:
                raise exception.FixedIpAlreadyInUse(address=address,
                                                    instance_uuid=fixed.instance_uuid)

    def _networks_for(self, context, instance, requested_networks):
        """[(Network, address or None)] the server gets, in NIC order."""
        if requested_networks is not None and requested_networks.no_allocate:
            return []
        if requested_networks is None or requested_networks.auto_allocate:
            visible = objects.NetworkList.get_all(context)
            own = [n for n in visible if n.project_id == instance.project_id]
            shared = [n for n in visible if n.project_id is None]
            chosen = (own or shared)[:1]
            if not chosen:
                LOG.info("No network for project %s: instance %s gets no NIC",
                         instance.project_id, instance.uuid)
            return [(network, None) for network in chosen]
        return [(objects.Network.get_by_uuid(context, r.network_id), r.address)
                for r in requested_networks]

    # -- a server's NICs -------------------------------------------------------

    def allocate_for_instance(self, context, instance, requested_networks=None, host=None,
                              security_groups=None):
        """Give ``instance`` its NICs and addresses; store and return network_info.

        Idempotent: a server that already has NICs (a build retried after a
        restart) keeps them. On any failure everything claimed here is freed
        before the error propagates.

        :param requested_networks: NetworkRequestList, or None for "auto"
            (the project's network, else a shared one, else no NIC).
        :param host: the compute host, recorded on the fixed IPs.
        :param security_groups: names of the project's groups the server
            joins ("default" when none; made on first use).
        :returns: network_info (list of VIF dicts, nova.network.model).
        :raises NoMoreFixedIps, FixedIpAlreadyInUse, NetworkNotFoundForUuid:
            nothing was allocated.
        """
        if objects.VirtualInterfaceList.get_by_instance_uuid(context, instance.uuid):
            return self.get_instance_nw_info(context, instance)
        try:
            for name in security_groups or DEFAULT_SECURITY_GROUPS:
                objects.SecurityGroup.get_by_name(
                    context, instance.project_id, name).add_instance(instance.uuid)
            for network, address in self._networks_for(context, instance,
                                                       requested_networks):
                vif = objects.VirtualInterface(
                    context, instance_uuid=instance.uuid, network_id=network.id)
                vif.create()
                if address:
                    objects.FixedIP.associate(context, address, instance.uuid,
                                              network_id=network.id, vif_id=vif.id,
                                              host=host)
                else:
                    objects.FixedIP.associate_pool(context, network.id, instance.uuid,
                                                   vif_id=vif.id, host=host)
            return self.get_instance_nw_info(context, instance)
        except Exception:
            self._release(context, instance.uuid)
            raise

    def deallocate_for_instance(self, context, instance):
        """Free every address and NIC of ``instance`` and empty its info cache.

        Safe to call more than once and for servers that never had NICs.
        """
        self._release(context, instance.uuid)
        self._save_cache(instance, [])

    @staticmethod
    def _release(context, instance_uuid):
        fixed_ids = [f.id for f in objects.FixedIPList.get_by_instance_uuid(
            context, instance_uuid)]
        # Floating IPs stay with their project, pointing at nothing.
        objects.FloatingIPList.disassociate_fixed_ips(context, fixed_ids)
        freed = objects.FixedIP.disassociate_all_by_instance(context, instance_uuid)
        objects.VirtualInterfaceList.delete_by_instance_uuid(context, instance_uuid)
        objects.SecurityGroupList.remove_instance(context, instance_uuid)
        if freed:
            LOG.info("Released %d fixed IP(s) of instance %s", freed, instance_uuid)

    def get_instance_nw_info(self, context, instance):
        """Rebuild network_info from the records, store it in the info cache, return it."""
        vifs = objects.VirtualInterfaceList.get_by_instance_uuid(context, instance.uuid)
        fixed = objects.FixedIPList.get_by_instance_uuid(context, instance.uuid)
        networks = {}
        network_info = []
        floating = {}
        for fip in objects.FloatingIPList.get_by_fixed_ip_ids(context, [f.id for f in fixed]):
            address = next(f.address for f in fixed if f.id == fip.fixed_ip_id)
            floating.setdefault(address, []).append(fip.address)
        groups = [g.name for g in objects.SecurityGroupList.get_by_instance_uuid(
            context, instance.uuid)] or list(DEFAULT_SECURITY_GROUPS)
        for vif in vifs:
            if vif.network_id not in networks:
                networks[vif.network_id] = objects.Network.get_by_id(context, vif.network_id)
            addresses = [f.address for f in fixed if f.virtual_interface_id == vif.id]
            network_info.append(model.build_vif(
                networks[vif.network_id], vif, addresses, floating_ips=floating,
                security_groups=groups))
        self._save_cache(instance, network_info)
        return network_info

    @staticmethod
    def _save_cache(instance, network_info):
        cache = instance.info_cache if instance.obj_attr_is_set("info_cache") else None
        if cache is None:
            cache = objects.InstanceInfoCache.new(instance._context, instance.uuid)
            instance.info_cache = cache
        cache.network_info = network_info
        cache.save()
        instance.obj_reset_changes(["info_cache"])

    # -- security groups -------------------------------------------------------

    def list_security_groups(self, context, project_id):
        """Return the SecurityGroupList of ``project_id`` (making its "default")."""
        objects.SecurityGroup.ensure_default(context, project_id)
        return objects.SecurityGroupList.get_by_project(context, project_id)

    def get_security_group(self, context, group_id):
        """Return group ``group_id`` if the caller's project owns it (admins: any).

        :raises SecurityGroupNotFound: no such group, or another project's.
        """
        group = objects.SecurityGroup.get(context, int(group_id))
        if not context.is_admin and group.project_id != context.project_id:
            raise exception.SecurityGroupNotFound(security_group_id=group_id)
        return group

    def create_security_group(self, context, name, description):
        """Create a group in the caller's project.

        :raises SecurityGroupExists: the name is taken in the project.
        """
        existing = {g.name for g in self.list_security_groups(context, context.project_id)}
        if name in existing:
            raise exception.SecurityGroupExists(project_id=context.project_id,
                                                security_group_name=name)
        group = objects.SecurityGroup(context, name=name, description=description,
                                      project_id=context.project_id,
                                      user_id=context.user_id)
        group.create()
        return group

    def update_security_group(self, context, group, name, description):
        """Rename/redescribe ``group``; "default" keeps its name (400 otherwise)."""
        if group.name == objects.security_group.DEFAULT_GROUP and name != group.name:
            raise exception.InvalidInput(reason="Unable to update system group 'default'")
        group.name = name
        group.description = description
        group.save()
        return group

    def delete_security_group(self, context, group):
        """Delete ``group`` and its rules.

        :raises InvalidInput: it is the "default" group.
        :raises SecurityGroupInUse: servers are members.
        """
        if group.name == objects.security_group.DEFAULT_GROUP:
            raise exception.InvalidInput(reason="Unable to delete system group 'default'")
        group.destroy()

    def rules(self, context, group_id):
        """Return the SecurityGroupRuleList of group ``group_id``."""
        return objects.SecurityGroupRuleList.get_by_security_group_id(context, group_id)

    def create_security_group_rule(self, context, values):
        """Add a rule; ``values`` as SecurityGroupRule's fields (validated by the caller).

        :raises SecurityGroupRuleExists: the group has this rule.
        """
        rule = objects.SecurityGroupRule(context, **values)
        rule.create()
        return rule

    def instance_security_groups(self, context, instance_uuid):
        """Return the groups server ``instance_uuid`` is a member of."""
        return objects.SecurityGroupList.get_by_instance_uuid(context, instance_uuid)

    # -- floating IPs ----------------------------------------------------------

    def get_floating_ip_pools(self, context):
        """Names of the floating IP pools (list of str)."""
        return objects.FloatingIPList.get_pool_names(context)

    def get_floating_ips_by_project(self, context):
        """The FloatingIPList the caller's project holds."""
        return objects.FloatingIPList.get_by_project(context, context.project_id)

    def get_floating_ip(self, context, floating_id):
        """Floating IP ``floating_id`` if the caller's project holds it (admins: any).

        :raises FloatingIpNotFound: no such address, or not the caller's.
        """
        fip = objects.FloatingIP.get_by_id(context, floating_id)
        if not context.is_admin and fip.project_id != context.project_id:
            raise exception.FloatingIpNotFound(id=floating_id)
        return fip

    def get_floating_ip_by_address(self, context, address):
        """Like get_floating_ip, by address.

        :raises FloatingIpNotFoundForAddress: no such address, or not the caller's.
        """
        fip = objects.FloatingIP.get_by_address(context, address)
        if not context.is_admin and fip.project_id != context.project_id:
            raise exception.FloatingIpNotFoundForAddress(address=address)
        return fip

    def allocate_floating_ip(self, context, pool=None):
        """Give the caller's project an address of ``pool`` (default: the first pool).

        :raises FloatingIpPoolNotFound: no such pool (or no pool at all).
        :raises NoMoreFloatingIps: the pool is used up.
        """
        pools = self.get_floating_ip_pools(context)
        pool = pool or (pools[0] if pools else None)
        if pool not in pools:
            raise exception.FloatingIpPoolNotFound()
        return objects.FloatingIP.allocate_address(context, context.project_id, pool)

    def release_floating_ip(self, context, fip):
        """Give ``fip`` back to its pool, disassociating it first."""
        if fip.fixed_ip_id is not None:
            self._refresh_holder(context, fip, None)
        fip.deallocate()

    def associate_floating_ip(self, context, instance, address, fixed_address=None):
        """Point floating ``address`` at a fixed IP of ``instance`` and refresh its cache.

        :param fixed_address: which of the server's fixed IPs (default: the first).
        :raises FloatingIpNotFoundForAddress: not the caller's address.
        :raises FixedIpNotFoundForAddress: the server has no such fixed IP
            (or none at all).
        """
        fip = self.get_floating_ip_by_address(context, address)
        fixed = objects.FixedIPList.get_by_instance_uuid(context, instance.uuid)
        target = [f for f in fixed if fixed_address in (None, f.address)]
        if not target:
            raise exception.FixedIpNotFoundForAddress(address=fixed_address or "")
        self._refresh_holder(context, fip, target[0].id)
        fip.associate(target[0].id, host=target[0].host)
        return self.get_instance_nw_info(context, instance)

    def disassociate_floating_ip(self, context, instance, address):
        """Point floating ``address`` (of ``instance``) at nothing; refresh its cache.

        :raises FloatingIpNotFoundForAddress: not the caller's address.
        :raises FloatingIpNotAssociated: it does not point at this server.
        """
        fip = self.get_floating_ip_by_address(context, address)
        fixed_ids = {f.id for f in objects.FixedIPList.get_by_instance_uuid(
            context, instance.uuid)}
        if fip.fixed_ip_id not in fixed_ids:
            raise exception.FloatingIpNotAssociated(address=address)
        fip.disassociate()
        return self.get_instance_nw_info(context, instance)

    def _refresh_holder(self, context, fip, new_fixed_ip_id):
        """Before ``fip`` moves, take it from the server holding it (and its cache)."""
        if fip.fixed_ip_id is None or fip.fixed_ip_id == new_fixed_ip_id:
            return
        holder = objects.FixedIP.get_by_id(context, fip.fixed_ip_id).instance_uuid
        fip.disassociate()
        if holder:
            self.get_instance_nw_info(context, objects.Instance(context, uuid=holder))

    # -- the metadata service --------------------------------------------------

    def get_instance_uuid_by_fixed_ip(self, context, address):
        """Return the uuid of the server holding fixed IP ``address``.

        :raises FixedIpNotFoundForAddress: no server holds it.
        """
        fixed = objects.FixedIP.get_by_address(context, address)
        if not fixed.instance_uuid:
            raise exception.FixedIpNotFoundForAddress(address=address)
        return fixed.instance_uuid


def _free_bridge_name(context):
    """br100, br101, ...: the first bridge name no live network uses (upstream's)."""
    used = {n.bridge for n in objects.NetworkList.get_all(context.elevated())}
    index = 100
    while f"br{index}" in used:
        index += 1
    return f"br{index}"


def build_requested_networks(networks):
    """Turn POST /servers ``networks`` into a NetworkRequestList (None for absent).

    :param networks: "auto", "none", a list of {"uuid", "fixed_ip"} dicts
        or None.
    """
    if networks is None:
        return None
    if isinstance(networks, str):
        return objects.NetworkRequestList(objects=[
            objects.NetworkRequest(network_id=networks)])
    if not networks:
        return None
    return objects.NetworkRequestList(objects=[
        objects.NetworkRequest(network_id=n.get("uuid"), address=n.get("fixed_ip"),
                               port_id=n.get("port"), tag=n.get("tag"))
        for n in networks])


