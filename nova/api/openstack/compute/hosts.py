"""/os-hosts: compute hosts and their resources (deprecated: 2.1 - 2.42).

API reference "Hosts (os-hosts) (DEPRECATED)"; from 2.43 every route
answers 404 and os-hypervisors / os-services replace it. The list names
every service's host with its service topic and zone; a host's details
give its compute node's totals, what is in use now, and what its servers
ask for, in all and per project. Enabling or disabling a host sets its
nova-compute service's disabled flag (as os-services does). Neither virt
driver here can put a host in maintenance mode or power it off, on or
reboot it, so those answer 501 as upstream's libvirt driver does.
"""

import collections

import webob.exc

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute import services as services_api
from nova.api.openstack.compute.schemas import hosts as schemas
from nova.compute import availability_zones
from nova.policies import hosts as hosts_policies
from nova.policy import authorize

_LAST = "2.42"


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {"resource": {"host": host, "project": project, "cpu": cpu,
                         "memory_mb": memory_mb, "disk_gb": disk_gb}}


def _host_nodes(cctxt, host):
    nodes = objects.ComputeNodeList.get_by_host(cctxt, host)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host)
    return list(nodes)


def _host_instances(cctxt, host):
    return list(objects.InstanceList.get_by_filters(
        cctxt, {"host": host, "deleted": False}, expected_attrs=["flavor"]))


class HostController:
    """Handlers of /os-hosts.

    :param services: the ServiceController (enabling a host changes its service).
    """

    def __init__(self, services):
        self._services = services

    def _authorize(self, req, action):
        authorize(req.context, hosts_policies.BASE % action, target={})
        return req.context.elevated()

    @staticmethod
    def _nodes(context, host_name):
        try:
            return services_api.find_in_cells(context, _host_nodes, host_name)
        except exception.NotFound as exc:
            raise webob.exc.HTTPNotFound(
                explanation=exception.ComputeHostNotFound(host=host_name).format_message(),
            ) from exc

    @wsgi.api_version("2.1", _LAST)
    @validation.query_schema(schemas.index_query)
    def index(self, req):
        """GET /os-hosts[?zone=Z] -> {"hosts": [{host_name, service, zone}]}."""
        context = self._authorize(req, "list")
        zone = req.GET.get("zone")
        services = availability_zones.all_services(context)
        return {"hosts": [
            {"host_name": s.host, "service": s.topic, "zone": s.availability_zone}
            for s in services if zone is None or s.availability_zone == zone]}

    @wsgi.api_version("2.1", _LAST)
    def show(self, req, id):
        """GET /os-hosts/{host_name} -> {"host": [{"resource": {...}}, ...]}.

        Entries: "(total)" (the node's vCPUs, MiB, GiB), "(used_now)" (what
        the resource tracker counts in use), "(used_max)" (what the host's
        servers' flavors ask for), then one per project with servers there.
        :raises webob.exc.HTTPNotFound: no compute node on that host.
        """
        context = self._authorize(req, "show")
        cell, nodes = self._nodes(context, id)
        with nova_context.target_cell(context, cell) as cctxt:
            instances = _host_instances(cctxt, id)
        resources = [
            _resource(id, "(total)", sum(n.vcpus for n in nodes),
                      sum(n.memory_mb for n in nodes), sum(n.local_gb for n in nodes)),
            _resource(id, "(used_now)", sum(n.vcpus_used for n in nodes),
                      sum(n.memory_mb_used for n in nodes),
                      sum(n.local_gb_used for n in nodes)),
        ]
        per_project = collections.OrderedDict()
        totals = [0, 0, 0]
        for instance in instances:
            flavor = instance.flavor
            used = (flavor.vcpus, flavor.memory_mb, flavor.root_gb + flavor.ephemeral_gb)
            project = per_project.setdefault(instance.project_id, [0, 0, 0])
            for index, value in enumerate(used):
                project[index] += value
                totals[index] += value
        resources.append(_resource(id, "(used_max)", *totals))
        resources.extend(_resource(id, project, *used)
                         for project, used in per_project.items())
        return {"host": resources}

    @wsgi.api_version("2.1", _LAST)
    @validation.schema(schemas.update)
    def update(self, req, id, body):
        """PUT /os-hosts/{host_name} {"status": "enable"|"disable"} -> the new status.

        Answers {"host": name, "status": "enabled"|"disabled"}.
        :raises webob.exc.HTTPNotImplemented: ``maintenance_mode`` (no
            driver here has one).
        """
        context = self._authorize(req, "update")
        self._nodes(context, id)
        if "maintenance_mode" in body:
            raise webob.exc.HTTPNotImplemented(
                explanation="Virt driver does not implement host maintenance mode.")
        disabled = body["status"].lower() == "disable"
        self._services.set_compute_disabled(context, id, disabled)
        return {"host": id, "status": "disabled" if disabled else "enabled"}

    def _power_action(self, req, id, rule):
        context = self._authorize(req, rule)
        self._nodes(context, id)
        raise webob.exc.HTTPNotImplemented(
            explanation="Virt driver does not implement host power management.")

    @wsgi.api_version("2.1", _LAST)
    def reboot(self, req, id):
        """GET /os-hosts/{host_name}/reboot -> 501 (404 for an unknown host)."""
        return self._power_action(req, id, "reboot")

    @wsgi.api_version("2.1", _LAST)
    def shutdown(self, req, id):
        """GET /os-hosts/{host_name}/shutdown -> 501 (404 for an unknown host)."""
        return self._power_action(req, id, "shutdown")

    @wsgi.api_version("2.1", _LAST)
    def startup(self, req, id):
        """GET /os-hosts/{host_name}/startup -> 501 (404 for an unknown host)."""
        return self._power_action(req, id, "start")
