"""os-security-groups, os-security-group-rules and a server's groups.

Upstream kept the group and rule routes for nova-network up to 2.35 (404
from 2.36); python-openstackclient calls them at 2.1 without a network
endpoint (``openstack security group create/list/show/delete``,
``security group rule create/delete``). GET
/servers/{server_id}/os-security-groups stays at every version.

Rule checks are upstream's: protocol tcp, udp or icmp (any case); ports
1-65535 with from_port <= to_port for tcp/udp, -1..255 for icmp; a source
``cidr`` (default 0.0.0.0/0) or a source group of the same project, not both.
"""

import ipaddress

import webob.exc

from nova import exception, objects, policy
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import security_groups as schema
from nova.compute import server_actions
from nova.network import api as network_api
from nova.policies import security_groups as sg_policies

#: Last microversion of the nova-network proxy routes (2.36 answers 404).
MAX_PROXY_VERSION = "2.35"

_PROTOCOLS = ("tcp", "udp", "icmp")


def _authorize(req, action, project_id=None):
    policy.authorize(req.context, sg_policies.BASE % action,
                     {"project_id": project_id or req.context.project_id})


def rule_view(rule, groups_by_id):
    """One rule as the API shows it (``ip_range`` or ``group``)."""
    view = {"id": rule.id, "parent_group_id": rule.parent_group_id,
            "ip_protocol": rule.protocol, "from_port": rule.from_port,
            "to_port": rule.to_port, "group": {}, "ip_range": {}}
    if rule.group_id is not None:
        source = groups_by_id.get(rule.group_id)
        if source is not None:
            view["group"] = {"name": source.name, "tenant_id": source.project_id}
    else:
        view["ip_range"] = {"cidr": rule.cidr}
    return view


def _int(value, what):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise webob.exc.HTTPBadRequest(explanation=f"{what} must be an integer") from None


class SecurityGroupController:
    """Handlers of os-security-groups, os-security-group-rules and a server's groups.

    :param servers_ctrl: the ServersController (its server look-up).
    """

    def __init__(self, servers_ctrl, network_api_factory=network_api.get_api):
        self._servers = servers_ctrl
        self._factory = network_api_factory
        self._api = None

    @property
    def api(self):
        if self._api is None:
            self._api = self._factory()
        return self._api

    def _group(self, req, group_id):
        """The group ``group_id``; 404 for an unknown id or one that is no
        integer (a name: clients then search the list by name)."""
        try:
            return self.api.get_security_group(req.context, common.db_id(group_id))
        except (TypeError, ValueError) as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Security group {group_id} not found.") from exc
        except exception.SecurityGroupNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    def _view(self, req, group, groups_by_id=None):
        groups_by_id = groups_by_id or {group.id: group}
        rules = self.api.rules(req.context, group.id)
        for rule in rules:
            if rule.group_id is not None and rule.group_id not in groups_by_id:
                try:
                    groups_by_id[rule.group_id] = self.api.get_security_group(
                        req.context.elevated(), rule.group_id)
                except exception.SecurityGroupNotFound:
                    pass
        return {"id": group.id, "name": group.name, "description": group.description,
                "tenant_id": group.project_id,
                "rules": [rule_view(r, groups_by_id) for r in rules]}

    # -- groups -------------------------------------------------------------------

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def index(self, req):
        """GET /os-security-groups: the caller's project's groups ("default" first made)."""
        _authorize(req, "get")
        groups = self.api.list_security_groups(req.context, req.context.project_id)
        by_id = {g.id: g for g in groups}
        return {"security_groups": [self._view(req, g, by_id) for g in groups]}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    def show(self, req, id):
        """GET /os-security-groups/{id}: 404 for an unknown or foreign group."""
        _authorize(req, "show")
        return {"security_group": self._view(req, self._group(req, id))}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @validation.schema(schema.create)
    def create(self, req, body):
        """POST /os-security-groups: 200 with the group; 400 for a taken name."""
        _authorize(req, "create")
        spec = body["security_group"]
        try:
            group = self.api.create_security_group(req.context, spec["name"].strip(),
                                                   spec["description"])
        except exception.SecurityGroupExists as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        return {"security_group": self._view(req, group)}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @validation.schema(schema.update)
    def update(self, req, id, body):
        """PUT /os-security-groups/{id}: new name and description; 400 for "default"."""
        _authorize(req, "update")
        group = self._group(req, id)
        spec = body["security_group"]
        try:
            group = self.api.update_security_group(req.context, group, spec["name"],
                                                   spec["description"])
        except exception.InvalidInput as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        return {"security_group": self._view(req, group)}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    def delete(self, req, id):
        """DELETE /os-security-groups/{id}: 202; 400 for "default" or one in use."""
        _authorize(req, "delete")
        group = self._group(req, id)
        try:
            self.api.delete_security_group(req.context, group)
        except (exception.InvalidInput, exception.SecurityGroupInUse) as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc

    # -- rules --------------------------------------------------------------------

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @validation.schema(schema.create_rule)
    def create_rule(self, req, body):
        """POST /os-security-group-rules: 200 with the rule; 400 for a bad rule."""
        _authorize(req, "rule:create")
        spec = body["security_group_rule"]
        parent = self._group(req, spec["parent_group_id"])
        values = self._rule_values(req, spec)
        values["parent_group_id"] = parent.id
        try:
            rule = self.api.create_security_group_rule(req.context, values)
        except exception.SecurityGroupRuleExists as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        groups = {parent.id: parent}
        if rule.group_id is not None:
            groups[rule.group_id] = self._group(req, rule.group_id)
        return {"security_group_rule": rule_view(rule, groups)}

    def _rule_values(self, req, spec):
        protocol = spec.get("ip_protocol")
        protocol = protocol.lower() if protocol else None
        if protocol is not None and protocol not in _PROTOCOLS:
            raise webob.exc.HTTPBadRequest(
                explanation=f"Invalid IP protocol {spec.get('ip_protocol')}.")
        from_port, to_port = spec.get("from_port"), spec.get("to_port")
        if protocol is None:
            from_port = to_port = None
        else:
            if from_port is None or to_port is None:
                raise webob.exc.HTTPBadRequest(
                    explanation="Not enough parameters: from_port and to_port are needed.")
            from_port, to_port = _int(from_port, "from_port"), _int(to_port, "to_port")
            if protocol == "icmp":
                if not (-1 <= from_port <= 255 and -1 <= to_port <= 255):
                    raise webob.exc.HTTPBadRequest(
                        explanation="Type and Code must be integers for ICMP protocol "
                                    "type, from -1 to 255.")
            elif not (1 <= from_port <= to_port <= 65535):
                raise webob.exc.HTTPBadRequest(
                    explanation="Invalid port range: from_port must be between 1 and "
                                "65535 and not above to_port.")
        cidr, group_id = spec.get("cidr"), spec.get("group_id")
        if cidr and group_id is not None:
            raise webob.exc.HTTPBadRequest(
                explanation="Give either a cidr or a source group, not both.")
        if group_id is not None:
            self._group(req, group_id)
            return {"protocol": protocol, "from_port": from_port, "to_port": to_port,
                    "cidr": None, "group_id": _int(group_id, "group_id")}
        try:
            cidr = str(ipaddress.ip_network(cidr or "0.0.0.0/0", strict=False))
        except ValueError:
            raise webob.exc.HTTPBadRequest(explanation=f"Invalid cidr {cidr}.") from None
        return {"protocol": protocol, "from_port": from_port, "to_port": to_port,
                "cidr": cidr, "group_id": None}

    @wsgi.api_version("2.1", MAX_PROXY_VERSION)
    @wsgi.response(202)
    def delete_rule(self, req, id):
        """DELETE /os-security-group-rules/{id}: 202; 404 unknown or another project's."""
        _authorize(req, "rule:delete")
        try:
            rule_id = common.db_id(id)
        except ValueError:
            raise webob.exc.HTTPNotFound(
                explanation=f"Security group rule {id} could not be found.") from None
        try:
            rule = objects.SecurityGroupRule.get(req.context, rule_id)
            self._group(req, rule.parent_group_id)
            rule.destroy()
        except exception.SecurityGroupRuleNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    # -- a server's groups ----------------------------------------------------------

    def _server_and_group(self, req, id, action, name):
        instance = self._servers._get_server(req, id, ["info_cache"])
        policy.authorize(req.context, server_actions.get(action).policy,
                         {"project_id": instance.project_id})
        try:
            group = objects.SecurityGroup.get_by_name(req.context, instance.project_id,
                                                      name)
        except exception.SecurityGroupNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        return instance, group

    @wsgi.response(202)
    @validation.schema(schema.add_security_group)
    def add_security_group(self, req, id, body):
        """addSecurityGroup {"name"}: 202; 404 unknown group, 400 already a member."""
        name = body["addSecurityGroup"]["name"].strip()
        instance, group = self._server_and_group(req, id, "addSecurityGroup", name)
        members = {g.id for g in self.api.instance_security_groups(req.context,
                                                                   instance.uuid)}
        if group.id in members:
            raise webob.exc.HTTPBadRequest(
                explanation=f"Security group {name} is already associated with the "
                            f"instance {instance.uuid}")
        group.add_instance(instance.uuid)
        self.api.get_instance_nw_info(req.context, instance)

    @wsgi.response(202)
    @validation.schema(schema.remove_security_group)
    def remove_security_group(self, req, id, body):
        """removeSecurityGroup {"name"}: 202; 404 unknown group, 400 not a member."""
        name = body["removeSecurityGroup"]["name"].strip()
        instance, group = self._server_and_group(req, id, "removeSecurityGroup", name)
        if not group.remove_instance(instance.uuid):
            raise webob.exc.HTTPBadRequest(
                explanation=f"Security group {name} not associated with the instance "
                            f"{instance.uuid}")
        self.api.get_instance_nw_info(req.context, instance)

    def server_index(self, req, server_id):
        """GET /servers/{server_id}/os-security-groups: the groups it is in."""
        instance = self._servers._get_server(req, server_id)
        _authorize(req, "list", instance.project_id)
        groups = self.api.instance_security_groups(req.context, instance.uuid)
        by_id = {g.id: g for g in groups}
        return {"security_groups": [self._view(req, g, by_id) for g in groups]}
