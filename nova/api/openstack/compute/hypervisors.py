"""/os-hypervisors: the compute nodes of every cell (administrators).

Microversions: 2.28 shows ``cpu_info`` as an object, 2.33 pages the lists
with ``limit``/``marker`` and ``hypervisors_links``. Before 2.53 ids are
the integer ids of the nodes in their cell; from 2.53 uuids (paths,
markers and bodies), the lists take ``hypervisor_hostname_pattern`` (no
paging with it) and ``with_servers``, show takes ``with_servers``, and
``/search`` and ``/servers`` are gone (404). 2.75 gives ``servers`` even
when empty. 2.88 drops the resource fields and ``cpu_info``, shows
``uptime`` in show (None: no compute RPC for it here, upstream's answer
for a driver without one) and ends ``/statistics`` and ``/uptime`` (404).
Bodies are shaped by views.hypervisors.shape_for. A node whose
nova-compute service record is gone is left out.
"""

import webob.exc
from oslo_utils import strutils, uuidutils

from nova import context as nova_context
from nova import exception, objects, policy, servicegroup
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute import services as services_api
from nova.api.openstack.compute.schemas import hypervisors as schema
from nova.api.openstack.compute.views import hypervisors as views
from nova.policies import hypervisors as hv_policies


def _nodes_in_cell(cctxt):
    nodes = list(objects.ComputeNodeList.get_all(cctxt))
    computes = {service.host: service
                for service in objects.ServiceList.get_by_binary(
                    cctxt, services_api.COMPUTE_BINARY, include_disabled=True)}
    return [(node, computes[node.host]) for node in nodes if node.host in computes]


def _node_by_id(cctxt, node_id):
    node = objects.ComputeNode.get_by_id(cctxt, node_id)
    service = objects.Service.get_by_compute_host(cctxt, node.host)
    return node, service


def _node_by_uuid(cctxt, node_uuid):
    node = objects.ComputeNode.get_by_uuid(cctxt, node_uuid)
    service = objects.Service.get_by_compute_host(cctxt, node.host)
    return node, service


def _raise_if_empty(fn):
    """Wrap ``fn(cctxt)`` for find_all_in_cells: an empty answer is NotFound."""
    def wrapped(cctxt):
        found = fn(cctxt)
        if not found:
            raise exception.NotFound()
        return found
    return wrapped


def _servers_on(cctxt, nodes):
    return {node.id: list(objects.InstanceList.get_by_host(cctxt, node.host))
            for node, _service in nodes}


class HypervisorsController:
    """Read-only view of compute nodes.

    :param servicegroup_api: nova.servicegroup.API deciding up/down.
    """

    def __init__(self, servicegroup_api=None):
        self.servicegroup_api = servicegroup_api or servicegroup.API()

    def _authorize(self, req, action):
        policy.authorize(req.context, hv_policies.HYPERVISORS % action, target={})

    def _all(self, req):
        """Return [(node, service)] of every cell, in cell then id order."""
        pairs = []
        for _cell, cell_pairs in services_api.gather_from_cells(req.context, _nodes_in_cell):
            pairs.extend(cell_pairs)
        return pairs

    def _entries(self, req, pairs, detail, cpu_info_as_object=False):
        entries = []
        for node, service in pairs:
            is_up = self.servicegroup_api.service_is_up(service)
            if detail:
                entries.append(views.detail(
                    node, service, is_up, views.Shape(cpu_info_as_object=cpu_info_as_object)))
            else:
                entries.append(views.summary(node, service, is_up))
        return entries

    @staticmethod
    def _page(req, pairs):
        limit, marker = common.get_limit_and_marker(req)
        if marker is not None:
            ids = [str(node.id) for node, _ in pairs]
            if marker not in ids:
                raise webob.exc.HTTPBadRequest(explanation=f"marker [{marker}] not found")
            pairs = pairs[ids.index(marker) + 1:]
        return pairs[:limit]

    # -- lists -----------------------------------------------------------------

    @wsgi.api_version("2.1", "2.32")
    def index(self, req):
        """GET /os-hypervisors -> {"hypervisors": [{id, hypervisor_hostname, state, status}]}."""
        self._authorize(req, "list")
        return views.collection(req, self._entries(req, self._all(req), False),
                                "os-hypervisors", paged=False)

    @index.add_version("2.53")
    @validation.query_schema(schema.list_query_v253)
    def index(self, req):  # noqa: F811
        """GET /os-hypervisors (2.53+): uuids, hostname pattern, with_servers."""
        self._authorize(req, "list")
        return self._list_v253(req, detail=False, path="os-hypervisors")

    @index.add_version("2.33", "2.52")
    @validation.query_schema(schema.list_query_v233)
    def index(self, req):  # noqa: F811
        """GET /os-hypervisors (2.33-2.52): paged by limit/marker."""
        self._authorize(req, "list")
        pairs = self._page(req, self._all(req))
        return views.collection(req, self._entries(req, pairs, False), "os-hypervisors",
                                paged=True)

    @wsgi.api_version("2.1", "2.27")
    def detail(self, req):
        """GET /os-hypervisors/detail (2.1-2.27): cpu_info as a string."""
        self._authorize(req, "list-detail")
        return views.collection(req, self._entries(req, self._all(req), True),
                                "os-hypervisors/detail", paged=False)

    @detail.add_version("2.28", "2.32")
    def detail(self, req):  # noqa: F811
        """GET /os-hypervisors/detail (2.28-2.32): cpu_info as an object."""
        self._authorize(req, "list-detail")
        return views.collection(req, self._entries(req, self._all(req), True, True),
                                "os-hypervisors/detail", paged=False)

    @detail.add_version("2.53")
    @validation.query_schema(schema.list_query_v253)
    def detail(self, req):  # noqa: F811
        """GET /os-hypervisors/detail (2.53+): uuids, hostname pattern, with_servers."""
        self._authorize(req, "list-detail")
        return self._list_v253(req, detail=True, path="os-hypervisors/detail")

    @detail.add_version("2.33", "2.52")
    @validation.query_schema(schema.list_query_v233)
    def detail(self, req):  # noqa: F811
        """GET /os-hypervisors/detail (2.33-2.52): paged by limit/marker."""
        self._authorize(req, "list-detail")
        pairs = self._page(req, self._all(req))
        return views.collection(req, self._entries(req, pairs, True, True),
                                "os-hypervisors/detail", paged=True)

    # -- one hypervisor ----------------------------------------------------------

    def _find(self, req, id):
        try:
            node_id = int(id)
            # Ids are 32-bit integer primary keys; a larger one made the
            # database driver fail (500) rather than find nothing.
            if not 0 <= node_id <= 2**31 - 1:
                raise ValueError(id)
            _cell, (node, service) = services_api.find_in_cells(
                req.context, _node_by_id, node_id)
        except (ValueError, exception.NotFound) as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Hypervisor with ID '{id}' could not be found.") from exc
        return node, service

    def _show(self, req, id, cpu_info_as_object):
        self._authorize(req, "show")
        node, service = self._find(req, id)
        return {"hypervisor": self._entries(req, [(node, service)], True,
                                            cpu_info_as_object)[0]}

    @wsgi.api_version("2.1", "2.27")
    def show(self, req, id):
        """GET /os-hypervisors/{id} (2.1-2.27) -> {"hypervisor": detail}; 404 unknown id."""
        return self._show(req, id, False)

    @show.add_version("2.28", "2.52")
    def show(self, req, id):  # noqa: F811
        """GET /os-hypervisors/{id} (2.28-2.52): cpu_info as an object."""
        return self._show(req, id, True)

    @show.add_version("2.53")
    @validation.query_schema(schema.show_query_v253)
    def show(self, req, id):  # noqa: F811
        """GET /os-hypervisors/{uuid} (2.53+): ``?with_servers``; ``uptime`` from 2.88."""
        self._authorize(req, "show")
        shape = views.shape_for(req)
        node, service = self._find_by_uuid(req, id)
        entry = self._entries_v253(req, [(node, service)], True, shape,
                                   self._with_servers(req))[0]
        if shape.uptime:
            entry["uptime"] = None
        return {"hypervisor": entry}

    @wsgi.api_version("2.1", "2.52")
    def uptime(self, req, id):
        """GET /os-hypervisors/{id}/uptime: 501, as upstream answers for a
        virt driver without an uptime call (no compute RPC for it here)."""
        self._authorize(req, "uptime")
        self._find(req, id)
        raise webob.exc.HTTPNotImplemented(
            explanation="Virt driver does not implement uptime function.")

    @uptime.add_version("2.53", "2.87")
    def uptime(self, req, id):  # noqa: F811
        """GET /os-hypervisors/{uuid}/uptime (2.53-2.87): 501 as before; gone from 2.88."""
        self._authorize(req, "uptime")
        self._find_by_uuid(req, id)
        raise webob.exc.HTTPNotImplemented(
            explanation="Virt driver does not implement uptime function.")

    # -- 2.53 helpers ------------------------------------------------------------

    @staticmethod
    def _with_servers(req):
        return strutils.bool_from_string(req.GET.get("with_servers", "false"), strict=True)

    def _find_by_uuid(self, req, id):
        if not uuidutils.is_uuid_like(id):
            raise webob.exc.HTTPBadRequest(explanation=f"Invalid uuid {id}")
        try:
            _cell, (node, service) = services_api.find_in_cells(
                req.context, _node_by_uuid, id)
        except exception.NotFound as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Hypervisor with ID '{id}' could not be found.") from exc
        return node, service

    def _entries_v253(self, req, pairs, detail, shape, with_servers):
        entries = []
        for node, service in pairs:
            is_up = self.servicegroup_api.service_is_up(service)
            entry = (views.detail(node, service, is_up, shape) if detail
                     else views.summary(node, service, is_up, shape))
            if with_servers:
                servers = self._servers_of(req, node)
                if servers or shape.servers_always:
                    entry["servers"] = servers
            entries.append(entry)
        return entries

    @staticmethod
    def _servers_of(req, node):
        def on_node(cctxt):
            return [{"uuid": inst.uuid, "name": inst.name}
                    for inst in objects.InstanceList.get_by_host(cctxt, node.host)
                    if inst.node in (None, node.hypervisor_hostname)]
        found = services_api.find_all_in_cells(req.context, _raise_if_empty(on_node))
        return [server for _cell, servers in found for server in servers]

    def _list_v253(self, req, detail, path):
        shape = views.shape_for(req)
        pattern = req.GET.get("hypervisor_hostname_pattern")
        pairs = self._all(req)
        if pattern is not None:
            if "limit" in req.GET or "marker" in req.GET:
                raise webob.exc.HTTPBadRequest(explanation=(
                    "Paging over hypervisors with the hypervisor_hostname_pattern "
                    "query parameter is not supported."))
            pairs = [(node, service) for node, service in pairs
                     if pattern in (node.hypervisor_hostname or "")]
            if not pairs:
                raise webob.exc.HTTPNotFound(
                    explanation=f"No hypervisor matching '{pattern}' could be found.")
            paged = False
        else:
            limit, marker = common.get_limit_and_marker(req)
            if marker is not None:
                uuids = [node.uuid for node, _ in pairs]
                if marker not in uuids:
                    raise webob.exc.HTTPBadRequest(
                        explanation=f"marker [{marker}] not found")
                pairs = pairs[uuids.index(marker) + 1:]
            pairs = pairs[:limit]
            paged = True
        entries = self._entries_v253(req, pairs, detail, shape, self._with_servers(req))
        return views.collection(req, entries, path, paged=paged)

    # -- statistics, search and servers -------------------------------------------

    @wsgi.api_version("2.1", "2.87")
    def statistics(self, req):
        """GET /os-hypervisors/statistics: sums over nodes of enabled compute services."""
        self._authorize(req, "statistics")
        nodes = [node for node, service in self._all(req) if not service.disabled]
        return views.statistics(nodes)

    def _matching(self, req, pattern):
        pairs = [(node, service) for node, service in self._all(req)
                 if pattern in (node.hypervisor_hostname or "")]
        if not pairs:
            raise webob.exc.HTTPNotFound(
                explanation=f"No hypervisor matching '{pattern}' could be found.")
        return pairs

    @wsgi.api_version("2.1", "2.52")
    def search(self, req, id):
        """GET /os-hypervisors/{pattern}/search (2.1-2.52): nodes whose name contains it."""
        self._authorize(req, "search")
        return {"hypervisors": self._entries(req, self._matching(req, id), False)}

    @wsgi.api_version("2.1", "2.52")
    def servers(self, req, id):
        """GET /os-hypervisors/{pattern}/servers (2.1-2.52): matching nodes with servers.

        Each entry gets "servers": [{"uuid", "name"}] when it hosts any.
        """
        self._authorize(req, "servers")
        self._matching(req, id)
        entries = []
        for cell, cell_pairs in services_api.gather_from_cells(req.context, _nodes_in_cell):
            matching = [(node, service) for node, service in cell_pairs
                        if id in (node.hypervisor_hostname or "")]
            if not matching:
                continue
            with nova_context.target_cell(req.context, cell) as cctxt:
                found = _servers_on(cctxt, matching)
            for node, service in matching:
                entry = self._entries(req, [(node, service)], False)[0]
                instances = found.get(node.id, [])
                if instances:
                    entry["servers"] = [{"uuid": inst.uuid, "name": inst.name}
                                        for inst in instances]
                entries.append(entry)
        return {"hypervisors": entries}
