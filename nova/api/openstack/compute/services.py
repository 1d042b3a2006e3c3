"""/os-services: list, enable, disable, force down and delete nova services.

Services live in the cell databases, so every call looks through all
cells. Before 2.53 a service is named by its integer id in its cell (ids of
different cells may clash; the first cell holding the id wins, as
upstream) or by host and binary. From 2.53 (api-ref "Compute services")
the list shows uuids, ``PUT /os-services/{service_uuid}`` replaces the
enable/disable/disable-log-reason/force-down actions and answers the whole
service, and ``DELETE`` takes the uuid. 2.75 refuses unknown list
parameters. 2.69 (down cells) changes nothing here: a cell that does not
answer is left out.
"""

import logging

import os_traits
import webob.exc
from oslo_utils import strutils, uuidutils

from nova import context as nova_context
from nova import exception, objects, policy, servicegroup
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import services as schema
from nova.api.openstack.compute.views import services as views
from nova.policies import services as services_policies

LOG = logging.getLogger(__name__)

#: Seconds to wait for every cell together.
CELL_TIMEOUT = 60
COMPUTE_BINARY = "nova-compute"


def gather_from_cells(context, fn, *args):
    """Run ``fn(cell_context, *args)`` in every cell; return results in cell order.

    A cell that fails or does not answer in time is logged and left out,
    the way upstream lists resources while a cell is down (before 2.69).

    :returns: list of (CellMapping, result).
    """
    cells = list(objects.CellMappingList.get_all(context))
    results = nova_context.scatter_gather_cells(context, cells, CELL_TIMEOUT, fn, *args)
    gathered = []
    for cell in cells:
        result = results.get(cell.uuid, nova_context.did_not_respond_sentinel)
        if nova_context.is_cell_failure_sentinel(result):
            LOG.warning("Cell %s did not answer; its entries are left out", cell.uuid)
            continue
        gathered.append((cell, result))
    return gathered


def find_in_cells(context, fn, *args):
    """Return (CellMapping, result) of the first cell where ``fn`` finds something.

    ``fn(cell_context, *args)`` returns the object or raises a NotFound.

    :raises nova.exception.NotFound: no cell has it (the last NotFound).
    """
    last = exception.NotFound()
    for cell in objects.CellMappingList.get_all(context):
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                return cell, fn(cctxt, *args)
            except exception.NotFound as exc:
                last = exc
    raise last


def find_all_in_cells(context, fn, *args):
    """Return [(CellMapping, result)] of every cell but cell0 where ``fn`` finds something.

    ``fn(cell_context, *args)`` returns the object or raises a NotFound.
    """
    found = []
    for cell in objects.CellMappingList.get_all(context):
        if cell.is_cell0():
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                found.append((cell, fn(cctxt, *args)))
            except exception.NotFound:
                continue
    return found


def _services_in_cell(cctxt):
    return list(objects.ServiceList.get_all(cctxt, set_zones=True))


def _service_by_host_and_binary(cctxt, host, binary):
    service = objects.Service.get_by_host_and_binary(cctxt, host, binary)
    if service is None:
        raise exception.HostBinaryNotFound(host=host, binary=binary)
    return service


def _instances_on_host(cctxt, host):
    return objects.InstanceList.get_by_filters(
        cctxt, {"host": host, "deleted": False}, expected_attrs=[])


class ServiceController:
    """Administrators' view and control of nova services.

    :param servicegroup_api: nova.servicegroup.API deciding up/down.
    :param report_client_factory: callable returning a Placement client
        (nova.scheduler.client.report.SchedulerReportClient); called on the
        first compute service delete, whose nodes' resource providers are
        removed, or enable/disable, which sets or removes the nodes'
        COMPUTE_STATUS_DISABLED trait. None leaves Placement alone.
    """

    def __init__(self, servicegroup_api=None, report_client_factory=None):
        self.servicegroup_api = servicegroup_api or servicegroup.API()
        self._report_client_factory = report_client_factory
        self._report_client = None

    def _authorize(self, req, action):
        policy.authorize(req.context, services_policies.SERVICES % action, target={})

    # -- GET /os-services ------------------------------------------------------

    def _index(self, req, with_forced_down, with_uuid=False):
        self._authorize(req, "list")
        context = req.context
        host = req.GET.get("host")
        binary = req.GET.get("binary")
        services = []
        for _cell, cell_services in gather_from_cells(context, _services_in_cell):
            services.extend(cell_services)
        return {"services": [
            views.detail(service, self.servicegroup_api.service_is_up(service),
                         with_forced_down, with_uuid)
            for service in services
            if (host is None or service.host == host)
            and (binary is None or service.binary == binary)]}

    @wsgi.api_version("2.1", "2.10")
    @validation.query_schema(schema.index_query)
    def index(self, req):
        """GET /os-services (2.1-2.10) -> {"services": [...]}, filters host, binary."""
        return self._index(req, with_forced_down=False)

    @index.add_version("2.11", "2.52")
    @validation.query_schema(schema.index_query)
    def index(self, req):  # noqa: F811
        """GET /os-services (2.11-2.52): entries also carry ``forced_down``."""
        return self._index(req, with_forced_down=True)

    @index.add_version("2.53")
    @validation.query_schema(schema.index_query, "2.53", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def index(self, req):  # noqa: F811
        """GET /os-services (2.53+): ids are uuids."""
        return self._index(req, with_forced_down=True, with_uuid=True)

    # -- PUT /os-services/{action} ---------------------------------------------

    def _update(self, context, body, values):
        host, binary = body["host"], body["binary"]
        if binary != COMPUTE_BINARY:
            raise webob.exc.HTTPBadRequest(explanation=(
                f"Updating a {binary} service is not supported. Only nova-compute "
                "services can be updated."))
        try:
            cell, service = find_in_cells(context, _service_by_host_and_binary, host, binary)
        except exception.NotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        for key, value in values.items():
            setattr(service, key, value)
        service.save()
        if "disabled" in values:
            with nova_context.target_cell(context, cell) as cctxt:
                self._set_disabled_trait(cctxt, host, values["disabled"])
        return {"host": host, "binary": binary}

    def _set_disabled_trait(self, cctxt, host, disabled):
        """Mirror the service's disabled flag as COMPUTE_STATUS_DISABLED.

        Upstream's scheduler pre-filter forbids the trait, so a disabled
        host's nodes stop being candidates at once. When Placement cannot
        be reached the service change stands (logged); nova-compute sets
        the trait from the service record at its next resource update.
        """
        if self._report_client_factory is None:
            return
        try:
            nodes = objects.ComputeNodeList.get_by_host(cctxt, host)
        except exception.ComputeHostNotFound:
            return
        if self._report_client is None:
            self._report_client = self._report_client_factory()
        trait = os_traits.COMPUTE_STATUS_DISABLED
        for node in nodes:
            try:
                self._report_client.update_provider_traits(
                    cctxt, node.uuid, add={trait} if disabled else (),
                    remove=() if disabled else {trait})
            except exception.NovaException as exc:
                LOG.warning("Could not %s %s on the resource provider %s of host %s: %s",
                            "set" if disabled else "remove", trait, node.uuid, host, exc)

    def set_compute_disabled(self, context, host, disabled):
        """Enable or disable the nova-compute service of ``host`` (os-hosts uses it).

        :param disabled: bool.
        :raises webob.exc.HTTPNotFound: no nova-compute on that host.
        """
        return self._update(context, {"host": host, "binary": COMPUTE_BINARY},
                            {"disabled": disabled, "disabled_reason": None})

    def _enable(self, context, body):
        result = self._update(context, body, {"disabled": False, "disabled_reason": None})
        return {"service": dict(result, status="enabled")}

    def _disable(self, context, body):
        result = self._update(context, body, {"disabled": True, "disabled_reason": None})
        return {"service": dict(result, status="disabled")}

    def _disable_log_reason(self, context, body):
        reason = body.get("disabled_reason")
        if reason is None or not reason.strip():
            raise webob.exc.HTTPBadRequest(explanation="Missing disabled reason field")
        result = self._update(context, body, {"disabled": True, "disabled_reason": reason})
        return {"service": dict(result, status="disabled", disabled_reason=reason)}

    def _force_down(self, context, body):
        if "forced_down" not in body:
            raise webob.exc.HTTPBadRequest(explanation="Missing forced_down field")
        forced_down = strutils.bool_from_string(body["forced_down"], strict=True)
        result = self._update(context, body, {"forced_down": forced_down})
        return {"service": dict(result, forced_down=forced_down)}

    def _perform(self, req, id, body, actions):
        self._authorize(req, "update")
        action = actions.get(id)
        if action is None:
            raise webob.exc.HTTPNotFound(explanation="Unknown action")
        return action(req.context, body)

    @wsgi.api_version("2.1", "2.10")
    @validation.schema(schema.service_update)
    def update(self, req, id, body):
        """PUT /os-services/{enable,disable,disable-log-reason} (2.1-2.10).

        Body {"host", "binary"[, "disabled_reason"]}; answers {"service":
        {"host", "binary", "status"[, "disabled_reason"]}}. Only nova-compute
        services can be changed (400); unknown host/binary -> 404.
        """
        return self._perform(req, id, body, {
            "enable": self._enable, "disable": self._disable,
            "disable-log-reason": self._disable_log_reason})

    @update.add_version("2.11", "2.52")
    @validation.schema(schema.service_update_v211)
    def update(self, req, id, body):  # noqa: F811
        """PUT /os-services/{...} (2.11-2.52): adds ``force-down`` with ``forced_down``."""
        return self._perform(req, id, body, {
            "enable": self._enable, "disable": self._disable,
            "disable-log-reason": self._disable_log_reason,
            "force-down": self._force_down})

    @update.add_version("2.53")
    @validation.schema(schema.service_update_v253)
    def update(self, req, id, body):  # noqa: F811
        """PUT /os-services/{service_uuid} (2.53+) -> {"service": the full entry}.

        Body: ``status`` ("enabled"/"disabled"), ``disabled_reason`` (only
        with status "disabled") and/or ``forced_down``. 400: empty body, a
        reason without disabling, a non-uuid id, a service other than
        nova-compute; 404: unknown uuid.
        """
        self._authorize(req, "update")
        context = req.context
        if not body:
            raise webob.exc.HTTPBadRequest(explanation="No updates were requested. Fields "
                                           "'status' or 'forced_down' should be specified.")
        if "disabled_reason" in body and body.get("status") != "disabled":
            raise webob.exc.HTTPBadRequest(explanation=(
                "Specifying 'disabled_reason' with status 'enabled' is invalid."))
        cell, service = self._find_by_uuid(context, id)
        if service.binary != COMPUTE_BINARY:
            raise webob.exc.HTTPBadRequest(explanation=(
                f"Updating a {service.binary} service is not supported. Only "
                "nova-compute services can be updated."))
        if "status" in body:
            disabled = body["status"] == "disabled"
            service.disabled = disabled
            service.disabled_reason = body.get("disabled_reason") if disabled else None
        if "forced_down" in body:
            service.forced_down = strutils.bool_from_string(body["forced_down"], strict=True)
        with nova_context.target_cell(context, cell) as cctxt:
            service._context = cctxt
            service.save()
            if "status" in body:
                self._set_disabled_trait(cctxt, service.host, service.disabled)
            zoned = {s.uuid: s for s in _services_in_cell(cctxt)}
        shown = zoned.get(service.uuid, service)
        return {"service": views.detail(shown, self.servicegroup_api.service_is_up(shown),
                                        True, True)}

    @staticmethod
    def _find_by_uuid(context, id):
        """Return (CellMapping, Service) of the service with uuid ``id``.

        :raises webob.exc.HTTPBadRequest: ``id`` is no uuid.
        :raises webob.exc.HTTPNotFound: no cell has it.
        """
        if not uuidutils.is_uuid_like(id):
            raise webob.exc.HTTPBadRequest(explanation=f"Invalid uuid {id}")
        try:
            return find_in_cells(context, objects.Service.get_by_uuid, id)
        except exception.NotFound as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Service with ID {id} could not be found.") from exc

    # -- DELETE /os-services/{id} -------------------------------------------------

    @wsgi.api_version("2.1", "2.52")
    @wsgi.response(204)
    def delete(self, req, id):
        """DELETE /os-services/{id} (integer id) -> 204.

        The id must name one service in one cell (400 when several cells
        have a service with it). A nova-compute service that still hosts
        servers or takes part in a migration in progress is not deleted
        (409); deleting one also takes its host out of its aggregates,
        removes its nodes' resource providers in Placement, its host
        mapping and, in its cell, its compute nodes.
        """
        self._authorize(req, "delete")
        context = req.context
        try:
            service_id = int(id)
        except ValueError as exc:
            raise webob.exc.HTTPBadRequest(explanation=f"Invalid ID {id}") from exc
        # Ids are 32-bit integer primary keys; a larger one made the
        # database driver fail (500) rather than find nothing.
        found = (find_all_in_cells(context, objects.Service.get_by_id, service_id)
                 if 0 <= service_id <= 2**31 - 1 else [])
        if not found:
            raise webob.exc.HTTPNotFound(explanation=f"Service {id} not found.")
        if len(found) > 1:
            raise webob.exc.HTTPBadRequest(
                explanation=f"Service id {id} refers to multiple services.")
        ((cell, service),) = found
        self._delete(context, cell, service)

    @delete.add_version("2.53")
    @wsgi.response(204)
    def delete(self, req, id):  # noqa: F811
        """DELETE /os-services/{service_uuid} (2.53+) -> 204; same rules as before 2.53.

        400 for an id that is no uuid, 404 for an unknown one.
        """
        self._authorize(req, "delete")
        cell, service = self._find_by_uuid(req.context, id)
        self._delete(req.context, cell, service)

    def _delete(self, context, cell, service):
        with nova_context.target_cell(context, cell) as cctxt:
            if service.binary == COMPUTE_BINARY:
                self._check_compute_is_idle(cctxt, service.host)
                self._remove_from_aggregates(context, service.host)
                self._remove_resource_providers(cctxt, service.host)
                self._remove_host_mapping(context, service.host)
            service._context = cctxt
            service.destroy()

    @staticmethod
    def _check_compute_is_idle(cctxt, host):
        if _instances_on_host(cctxt, host):
            raise webob.exc.HTTPConflict(explanation=(
                "Unable to delete compute service that is hosting instances. "
                "Migrate or delete the instances first."))
        try:
            nodes = objects.ComputeNodeList.get_by_host(cctxt, host)
        except exception.ComputeHostNotFound:
            return
        for node in nodes:
            if objects.MigrationList.get_in_progress_by_host_and_node(
                    cctxt, host, node.hypervisor_hostname):
                raise webob.exc.HTTPConflict(explanation=(
                    "Unable to delete compute service that has in-progress "
                    "migrations. Complete the migrations or delete the instances "
                    "first."))

    @staticmethod
    def _remove_from_aggregates(context, host):
        for aggregate in objects.AggregateList.get_by_host(context, host):
            aggregate.delete_host(host)

    def _remove_resource_providers(self, cctxt, host):
        # Upstream removes the nodes' providers (and their allocations) so
        # that a host registered again under the same name gets a clean
        # provider; Placement being unreachable must not keep the service.
        if self._report_client_factory is None:
            return
        try:
            nodes = objects.ComputeNodeList.get_by_host(cctxt, host)
        except exception.ComputeHostNotFound:
            return
        if self._report_client is None:
            self._report_client = self._report_client_factory()
        for node in nodes:
            try:
                self._report_client.delete_resource_provider(cctxt, node.uuid, cascade=True)
            except (exception.PlacementAPIConnectFailure,
                    exception.ResourceProviderDeletionFailed,
                    exception.ResourceProviderInUse) as exc:
                LOG.warning("Could not delete resource provider %s of host %s: %s",
                            node.uuid, host, exc)

    @staticmethod
    def _remove_host_mapping(context, host):
        try:
            objects.HostMapping.get_by_host(context, host).destroy()
        except exception.HostMappingNotFound:
            pass
