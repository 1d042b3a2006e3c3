"""The Compute API on one screen: every path, method and handler.

To add a resource, import its controller module and add its paths below
(literal paths before templates that would also match them); see
doc/source/api.rst. Paths are relative to the /v2.1 endpoint. The router
answers 404 for unknown paths and 405 (with Allow) for unknown methods.
"""

from nova import rpc
from nova.api.openstack import openapi, router
from nova.api.openstack.compute import (
    aggregates,
    attach_interfaces,
    availability_zone,
    console_auth_tokens,
    console_output,
    flavor_access,
    flavor_extra_specs,
    flavor_manage,
    flavors,
    floating_ips,
    hosts,
    hypervisors,
    image_metadata,
    images,
    instance_actions,
    instance_usage_audit_log,
    ips,
    keypairs,
    limits,
    migrations,
    networks,
    quota_classes,
    quota_sets,
    remote_consoles,
    removed,
    security_groups,
    server_actions,
    server_diagnostics,
    server_external_events,
    server_groups,
    server_metadata,
    server_migrations,
    server_password,
    server_tags,
    servers,
    services,
    simple_tenant_usage,
    versions,
)
from nova.compute import aggregates as compute_aggregates
from nova.compute import api as compute_api
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import compute_task_rpcapi
from nova.image import glance
from nova.scheduler.client import report


def default_compute_api():
    """Build the compute API with its real collaborators (Glance, RPC, Placement).

    Called on the first request that needs it, after nova-api has set up
    messaging. Its RPC clients give a message ``nova.rpc.API_SEND_TIMEOUT``
    seconds to reach the broker, so a request answers promptly during a
    broker outage (doc/source/outages.rst).
    """
    return compute_api.API(
        glance.GlanceImageService(),
        compute_task_rpcapi.ComputeTaskAPI(send_timeout=rpc.API_SEND_TIMEOUT),
        compute_rpcapi.ComputeAPI(send_timeout=rpc.API_SEND_TIMEOUT),
        report.SchedulerReportClient())


def route_table(compute_api_factory=default_compute_api):
    """Return the v2.1 route table: {path template: {METHOD: handler}}.

    Controllers that hold collaborators (a compute API, a placement
    client) are instantiated here, once per app, and their bound methods
    are the handlers.

    :param compute_api_factory: callable returning nova.compute.api.API;
        tests pass one with their own image service.
    """
    servers_ctrl = servers.ServersController(compute_api_factory)
    console_ctrl = console_output.ConsoleOutputController(servers_ctrl)
    remote_consoles_ctrl = remote_consoles.RemoteConsolesController(servers_ctrl)
    actions_ctrl = server_actions.ServerActionsController(servers_ctrl)
    instance_actions_ctrl = instance_actions.InstanceActionsController(servers_ctrl)
    metadata_ctrl = server_metadata.ServerMetadataController(servers_ctrl)
    tags_ctrl = server_tags.ServerTagsController(servers_ctrl)
    server_migrations_ctrl = server_migrations.ServerMigrationsController(servers_ctrl)
    console_auth_tokens_ctrl = console_auth_tokens.ConsoleAuthTokensController()
    flavors_ctrl = flavors.FlavorsController()
    flavor_manage_ctrl = flavor_manage.FlavorManageController()
    extra_specs_ctrl = flavor_extra_specs.FlavorExtraSpecsController()
    flavor_access_ctrl = flavor_access.FlavorAccessController()
    keypairs_ctrl = keypairs.KeypairController()
    limits_ctrl = limits.LimitsController()
    server_groups_ctrl = server_groups.ServerGroupController()
    quota_sets_ctrl = quota_sets.QuotaSetsController()
    quota_classes_ctrl = quota_classes.QuotaClassSetsController()
    services_ctrl = services.ServiceController(
        report_client_factory=report.SchedulerReportClient)
    hypervisors_ctrl = hypervisors.HypervisorsController()
    migrations_ctrl = migrations.MigrationsController()
    images_ctrl = images.ImagesController(glance.GlanceImageService)
    image_metadata_ctrl = image_metadata.ImageMetadataController(images_ctrl)
    aggregates_ctrl = aggregates.AggregatesController(
        lambda: compute_aggregates.AggregateAPI(report.SchedulerReportClient()))
    az_ctrl = availability_zone.AvailabilityZoneController()
    password_ctrl = server_password.ServerPasswordController(servers_ctrl)
    diagnostics_ctrl = server_diagnostics.ServerDiagnosticsController(servers_ctrl)
    events_ctrl = server_external_events.ServerExternalEventsController(servers_ctrl)
    audit_log_ctrl = instance_usage_audit_log.InstanceUsageAuditLogController()
    usage_ctrl = simple_tenant_usage.SimpleTenantUsageController()
    hosts_ctrl = hosts.HostController(services_ctrl)
    ips_ctrl = ips.IPsController(servers_ctrl)
    interfaces_ctrl = attach_interfaces.InterfaceAttachmentController(servers_ctrl)
    networks_ctrl = networks.NetworkController()
    sg_ctrl = security_groups.SecurityGroupController(servers_ctrl)
    fip_ctrl = floating_ips.FloatingIPController(servers_ctrl)
    table = {
        "/": {"GET": versions.show},
        "/servers": {"GET": servers_ctrl.index, "POST": servers_ctrl.create},
        "/servers/detail": {"GET": servers_ctrl.detail},
        "/servers/{id}": {"GET": servers_ctrl.show, "PUT": servers_ctrl.update,
                          "DELETE": servers_ctrl.delete},
        "/servers/{id}/action": {"POST": router.Actions(actions_ctrl.handlers({
            "os-getConsoleOutput": console_ctrl.get_console_output,
            "os-getVNCConsole": remote_consoles_ctrl.get_vnc_console,
            "os-getSPICEConsole": remote_consoles_ctrl.get_spice_console,
            "os-getSerialConsole": remote_consoles_ctrl.get_serial_console,
            "addFloatingIp": fip_ctrl.add_floating_ip,
            "removeFloatingIp": fip_ctrl.remove_floating_ip,
            "addSecurityGroup": sg_ctrl.add_security_group,
            "removeSecurityGroup": sg_ctrl.remove_security_group,
        }))},
        "/servers/{server_id}/ips": {"GET": ips_ctrl.index},
        "/servers/{server_id}/os-interface": {"GET": interfaces_ctrl.index},
        "/servers/{server_id}/os-interface/{id}": {"GET": interfaces_ctrl.show},
        "/servers/{server_id}/ips/{id}": {"GET": ips_ctrl.show},
        "/servers/{server_id}/os-security-groups": {"GET": sg_ctrl.server_index},
        "/servers/{server_id}/os-instance-actions": {"GET": instance_actions_ctrl.index},
        "/servers/{server_id}/os-instance-actions/{id}": {
            "GET": instance_actions_ctrl.show},
        "/servers/{server_id}/remote-consoles": {"POST": remote_consoles_ctrl.create},
        "/servers/{server_id}/migrations": {"GET": server_migrations_ctrl.index},
        "/servers/{server_id}/migrations/{id}": {"GET": server_migrations_ctrl.show,
                                                 "DELETE": server_migrations_ctrl.delete},
        "/servers/{server_id}/migrations/{id}/action": {"POST": router.Actions({
            "force_complete": server_migrations_ctrl.force_complete,
        })},
        "/servers/{server_id}/metadata": {"GET": metadata_ctrl.index,
                                          "POST": metadata_ctrl.create,
                                          "PUT": metadata_ctrl.update_all},
        "/servers/{server_id}/metadata/{key}": {"GET": metadata_ctrl.show,
                                                "PUT": metadata_ctrl.update,
                                                "DELETE": metadata_ctrl.delete},
        "/servers/{server_id}/tags": {"GET": tags_ctrl.index, "PUT": tags_ctrl.update_all,
                                      "DELETE": tags_ctrl.delete_all},
        "/servers/{server_id}/tags/{tag}": {"GET": tags_ctrl.show, "PUT": tags_ctrl.update,
                                            "DELETE": tags_ctrl.delete},
        "/os-console-auth-tokens/{id}": {"GET": console_auth_tokens_ctrl.show},
        "/flavors": {"GET": flavors_ctrl.index, "POST": flavor_manage_ctrl.create},
        "/flavors/detail": {"GET": flavors_ctrl.detail},
        "/flavors/{id}": {"GET": flavors_ctrl.show, "PUT": flavor_manage_ctrl.update,
                          "DELETE": flavor_manage_ctrl.delete},
        "/flavors/{id}/action": {"POST": router.Actions({
            "addTenantAccess": flavor_access_ctrl.add_tenant_access,
            "removeTenantAccess": flavor_access_ctrl.remove_tenant_access,
        })},
        "/flavors/{flavor_id}/os-flavor-access": {"GET": flavor_access_ctrl.index},
        "/flavors/{flavor_id}/os-extra_specs": {"GET": extra_specs_ctrl.index,
                                                "POST": extra_specs_ctrl.create},
        "/flavors/{flavor_id}/os-extra_specs/{id}": {"GET": extra_specs_ctrl.show,
                                                     "PUT": extra_specs_ctrl.update,
                                                     "DELETE": extra_specs_ctrl.delete},
        "/os-keypairs": {"GET": keypairs_ctrl.index, "POST": keypairs_ctrl.create},
        "/os-keypairs/{id}": {"GET": keypairs_ctrl.show, "DELETE": keypairs_ctrl.delete},
        "/limits": {"GET": limits_ctrl.index},
        "/os-server-groups": {"GET": server_groups_ctrl.index,
                              "POST": server_groups_ctrl.create},
        "/os-server-groups/{id}": {"GET": server_groups_ctrl.show,
                                   "DELETE": server_groups_ctrl.delete},
        "/os-quota-sets/{id}": {"GET": quota_sets_ctrl.show, "PUT": quota_sets_ctrl.update,
                                "DELETE": quota_sets_ctrl.delete},
        "/os-quota-sets/{id}/detail": {"GET": quota_sets_ctrl.detail},
        "/os-quota-sets/{id}/defaults": {"GET": quota_sets_ctrl.defaults},
        "/os-quota-class-sets/{id}": {"GET": quota_classes_ctrl.show,
                                      "PUT": quota_classes_ctrl.update},
        "/os-services": {"GET": services_ctrl.index},
        "/os-services/{id}": {"PUT": services_ctrl.update, "DELETE": services_ctrl.delete},
        "/os-migrations": {"GET": migrations_ctrl.index},
        "/os-hypervisors": {"GET": hypervisors_ctrl.index},
        "/os-hypervisors/detail": {"GET": hypervisors_ctrl.detail},
        "/os-hypervisors/statistics": {"GET": hypervisors_ctrl.statistics},
        "/os-hypervisors/{id}": {"GET": hypervisors_ctrl.show},
        "/os-hypervisors/{id}/uptime": {"GET": hypervisors_ctrl.uptime},
        "/os-hypervisors/{id}/search": {"GET": hypervisors_ctrl.search},
        "/os-hypervisors/{id}/servers": {"GET": hypervisors_ctrl.servers},
        "/images": {"GET": images_ctrl.index},
        "/images/detail": {"GET": images_ctrl.detail},
        "/images/{id}": {"GET": images_ctrl.show, "DELETE": images_ctrl.delete},
        "/images/{image_id}/metadata": {"GET": image_metadata_ctrl.index,
                                        "POST": image_metadata_ctrl.create,
                                        "PUT": image_metadata_ctrl.update_all},
        "/images/{image_id}/metadata/{key}": {"GET": image_metadata_ctrl.show,
                                              "PUT": image_metadata_ctrl.update,
                                              "DELETE": image_metadata_ctrl.delete},
        "/os-aggregates": {"GET": aggregates_ctrl.index, "POST": aggregates_ctrl.create},
        "/os-aggregates/{id}": {"GET": aggregates_ctrl.show, "PUT": aggregates_ctrl.update,
                                "DELETE": aggregates_ctrl.delete},
        "/os-aggregates/{id}/action": {"POST": router.Actions({
            "add_host": aggregates_ctrl.add_host,
            "remove_host": aggregates_ctrl.remove_host,
            "set_metadata": aggregates_ctrl.set_metadata,
        })},
        "/os-availability-zone": {"GET": az_ctrl.index},
        "/os-security-groups": {"GET": sg_ctrl.index, "POST": sg_ctrl.create},
        "/os-security-groups/{id}": {"GET": sg_ctrl.show, "PUT": sg_ctrl.update,
                                     "DELETE": sg_ctrl.delete},
        "/os-security-group-rules": {"POST": sg_ctrl.create_rule},
        "/os-security-group-rules/{id}": {"DELETE": sg_ctrl.delete_rule},
        "/os-floating-ip-pools": {"GET": fip_ctrl.pools},
        "/os-floating-ips": {"GET": fip_ctrl.index, "POST": fip_ctrl.create},
        "/os-floating-ips/{id}": {"GET": fip_ctrl.show, "DELETE": fip_ctrl.delete},
        "/os-networks": {"GET": networks_ctrl.index, "POST": networks_ctrl.create},
        "/os-networks/add": {"POST": networks_ctrl.add},
        "/os-networks/{id}": {"GET": networks_ctrl.show, "DELETE": networks_ctrl.delete},
        "/os-networks/{id}/action": {"POST": router.Actions({
            "disassociate": networks_ctrl.disassociate,
        })},
        "/os-availability-zone/detail": {"GET": az_ctrl.detail},
        "/servers/{server_id}/os-server-password": {"GET": password_ctrl.index,
                                                    "DELETE": password_ctrl.clear},
        "/servers/{server_id}/diagnostics": {"GET": diagnostics_ctrl.index},
        "/os-server-external-events": {"POST": events_ctrl.create},
        "/os-instance-usage-audit-log": {"GET": audit_log_ctrl.index},
        "/os-instance-usage-audit-log/{id}": {"GET": audit_log_ctrl.show},
        "/os-simple-tenant-usage": {"GET": usage_ctrl.index},
        "/os-simple-tenant-usage/{id}": {"GET": usage_ctrl.show},
        "/os-hosts": {"GET": hosts_ctrl.index},
        "/os-hosts/{id}": {"GET": hosts_ctrl.show, "PUT": hosts_ctrl.update},
        "/os-hosts/{id}/reboot": {"GET": hosts_ctrl.reboot},
        "/os-hosts/{id}/shutdown": {"GET": hosts_ctrl.shutdown},
        "/os-hosts/{id}/startup": {"GET": hosts_ctrl.startup},
    }
    table.update(removed.route_table())
    return table


_OPENAPI_DOCUMENT = []


def openapi_document(req):
    """GET /openapi.json: the OpenAPI 3.1 document of the v2.1 API (no authentication).

    Built once per process from the route table (nova.api.openstack.openapi).
    """
    if not _OPENAPI_DOCUMENT:
        _OPENAPI_DOCUMENT.append(openapi.build(route_table()))
    return _OPENAPI_DOCUMENT[0]


def version_list_table():
    """Return the route table of the unversioned root endpoint ("/")."""
    return {
        "/": {"GET": versions.index},
        "/openapi.json": {"GET": openapi_document},
    }


def version_document_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for /v2.1 and /v2.1/ (``oscomputeversionapp_v21``)."""
    return router.Router({"/": {"GET": versions.show}})


def compute_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for /v2.1 (``osapi_compute_app_v21``)."""
    return router.Router(route_table())


def versions_app_factory(global_conf, **local_conf):
    """PasteDeploy app factory for / (``oscomputeversionapp``)."""
    return router.Router(version_list_table(), versioned=False)
