"""The policy personas of the functional tests and the probe table they walk.

Each persona is a noauth2 token with the roles Keystone would put in its
token (``X-Roles``; Keystone's default roles imply each other: admin ->
manager -> member -> reader):

* ``admin`` - the admin role, in a project of its own ("admin-project");
* ``manager`` / ``member`` / ``reader`` - that role on the project that
  owns the servers ("demo-project");
* ``other`` - a member of another project ("other-project").

``PROBES`` holds one request per registered policy rule, with the persona
upstream's default lets through (``ADMIN``, ``MANAGER``, ``MEMBER``,
``READER``, ``ANY``) and what a member of another project gets: 404 where
upstream hides another project's resource (``HIDDEN``), 403 where the
resource is named but not the caller's (``FORBIDDEN``), or the call
itself when the route acts on the caller's own project (``ALLOWED``).

A probe either is refused by its rule (403, "Policy doesn't allow <rule>
to be performed.") or passes it: any 2xx or 409 answer (a state that
refuses the action is checked after the policy), or the answers listed
in ``passed``. Rules that only change what an answer shows (extended
attributes, host_status, events, image sizes, all_projects and the
filters of administrators) have an ``observe`` function telling whether
the answer shows what the rule guards.
"""

import dataclasses

from nova.api.openstack import api_version_request
from tests.fixtures import images

#: Who a rule lets through, upstream's defaults (nova/policies/base.py).
ADMIN, MANAGER, MEMBER, READER, ANY = "admin", "manager", "member", "reader", "any"
#: What a probe's answer means.
ALLOWED, FORBIDDEN, HIDDEN, SHOWN, NOT_SHOWN = (
    "allowed", "forbidden", "hidden", "shown", "not shown")

PROJECT = "demo-project"
ADMIN_PROJECT = "admin-project"
OTHER_PROJECT = "other-project"

#: persona -> (noauth2 token, X-Roles).
PERSONAS = {
    "admin": ("admin:" + ADMIN_PROJECT, "admin,manager,member,reader"),
    "manager": ("boss:" + PROJECT, "manager,member,reader"),
    "member": ("demo:" + PROJECT, "member,reader"),
    "reader": ("viewer:" + PROJECT, "reader"),
    "other": ("stranger:" + OTHER_PROJECT, "member,reader"),
}

#: The personas each default lets through (apart from ``other``).
_LETS_THROUGH = {
    ADMIN: {"admin"},
    MANAGER: {"admin", "manager"},
    MEMBER: {"admin", "manager", "member"},
    READER: {"admin", "manager", "member", "reader"},
    ANY: {"admin", "manager", "member", "reader"},
}

ACTION = "/v2.1/servers/{server}/action"


@dataclasses.dataclass
class Probe:
    """One request exercising ``rule``.

    :param rule: the policy rule's name.
    :param who: ADMIN, MANAGER, MEMBER, READER or ANY (upstream's default).
    :param method, path: the request; ``{server}`` and the other
        placeholders are filled from the walk's fixtures (see ``Walk``).
    :param body: JSON body or None.
    :param version: microversion, None for 2.1.
    :param other: ALLOWED, FORBIDDEN or HIDDEN for a member of another
        project (SHOWN / NOT_SHOWN for observed rules).
    :param observe: f(response json) -> bool for rules that only change
        what an answer shows.
    :param setup: name of a ``Walk`` method run (as admin or owner)
        before the probe, e.g. to create what it deletes.
    :param passed: more status codes meaning "the policy let it through"
        (404 of an id that is not there, for instance).
    """

    rule: str
    who: str
    method: str
    path: str
    body: object = None
    version: str | None = None
    other: str = HIDDEN
    observe: object = None
    setup: str | None = None
    passed: tuple = ()

    def expected(self, persona):
        """What ``persona`` should get under upstream's defaults."""
        if persona == "other":
            return self.other
        through = persona in _LETS_THROUGH[self.who]
        if self.observe is not None:
            return SHOWN if through else NOT_SHOWN
        return ALLOWED if through else FORBIDDEN

    @property
    def reachable(self):
        """False when the probe's microversion is above what the API serves."""
        if self.version is None:
            return True
        return api_version_request.APIVersionRequest(self.version) <= \
            api_version_request.APIVersionRequest(api_version_request.MAX_API_VERSION)


def _action(rule, who, body, version=None, setup=None, passed=()):
    return Probe(rule, who, "POST", ACTION, body, version=version, setup=setup,
                 passed=passed)


def _servers(name):
    return f"os_compute_api:servers:{name}"


_SERVER = "/v2.1/servers/{server}"
_FLAVOR = "/v2.1/flavors/{private_flavor}"

PROBES = [
    # -- /servers ---------------------------------------------------------
    Probe(_servers("index"), READER, "GET", "/v2.1/servers", other=ALLOWED),
    Probe(_servers("detail"), READER, "GET", "/v2.1/servers/detail", other=ALLOWED),
    Probe(_servers("index:get_all_tenants"), ADMIN, "GET", "/v2.1/servers?all_tenants=1",
          other=FORBIDDEN),
    Probe(_servers("detail:get_all_tenants"), ADMIN, "GET",
          "/v2.1/servers/detail?all_tenants=1", other=FORBIDDEN),
    # user_id is no filter of users: they see their project's servers.
    Probe(_servers("allow_all_filters"), ADMIN, "GET", "/v2.1/servers?user_id=nobody",
          other=NOT_SHOWN, observe=lambda body: body["servers"] == []),
    Probe(_servers("show"), READER, "GET", _SERVER),
    Probe(_servers("show:host_status"), ADMIN, "GET", _SERVER, version="2.16",
          observe=lambda body: "host_status" in body["server"]),
    Probe("os_compute_api:os-extended-server-attributes", ADMIN, "GET", _SERVER,
          observe=lambda body: "OS-EXT-SRV-ATTR:host" in body["server"]),
    Probe(_servers("create"), MEMBER, "POST", "/v2.1/servers",
          {"server": {"name": "probe", "imageRef": images.IMAGE_ID, "flavorRef": "1"}},
          other=ALLOWED),
    Probe(_servers("create:forced_host"), ADMIN, "POST", "/v2.1/servers",
          {"server": {"name": "forced", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                      "availability_zone": "nova:compute1"}},
          other=FORBIDDEN),
    # api-ref "Create Server" 2.74: host / hypervisor_hostname are the administrator's.
    Probe("compute:servers:create:requested_destination", ADMIN, "POST", "/v2.1/servers",
          {"server": {"name": "dest", "imageRef": images.IMAGE_ID, "flavorRef": "1",
                      "networks": "auto", "host": "compute1"}},
          version="2.74", other=FORBIDDEN),
    Probe(_servers("update"), MEMBER, "PUT", _SERVER, {"server": {"name": "vm1"}}),
    Probe(_servers("delete"), MEMBER, "DELETE", "/v2.1/servers/{spare}", setup="spare"),
    # -- the server action table -------------------------------------------
    _action(_servers("stop"), MEMBER, {"os-stop": None}),
    _action(_servers("start"), MEMBER, {"os-start": None}),
    _action(_servers("reboot"), MEMBER, {"reboot": {"type": "SOFT"}}),
    _action("os_compute_api:os-pause-server:pause", MEMBER, {"pause": None}),
    _action("os_compute_api:os-pause-server:unpause", MEMBER, {"unpause": None}),
    _action("os_compute_api:os-suspend-server:suspend", MEMBER, {"suspend": None}),
    _action("os_compute_api:os-suspend-server:resume", MEMBER, {"resume": None}),
    _action(_servers("trigger_crash_dump"), MEMBER, {"trigger_crash_dump": None},
            version="2.17"),
    _action(_servers("rebuild"), MEMBER, {"rebuild": {"imageRef": images.IMAGE_ID}}),
    _action(_servers("create_image"), MEMBER, {"createImage": {"name": "snap"}}),
    _action("os_compute_api:os-create-backup", MEMBER,
            {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}}),
    _action("os_compute_api:os-shelve:shelve", MEMBER, {"shelve": None}),
    _action("os_compute_api:os-shelve:shelve_offload", ADMIN, {"shelveOffload": None}),
    _action("os_compute_api:os-shelve:unshelve", MEMBER, {"unshelve": None}),
    _action("os_compute_api:os-shelve:unshelve_to_host", ADMIN,
            {"unshelve": {"host": "compute1"}}, version="2.91"),
    # One flavor and one host in the walk's cloud: past the policy, 400.
    _action(_servers("resize"), MEMBER, {"resize": {"flavorRef": "1"}}, passed=(400,)),
    _action(_servers("confirm_resize"), MEMBER, {"confirmResize": None}, passed=(400,)),
    _action(_servers("revert_resize"), MEMBER, {"revertResize": None}, passed=(400,)),
    _action("os_compute_api:os-migrate-server:migrate", ADMIN, {"migrate": None},
            passed=(400,)),
    _action("os_compute_api:os-migrate-server:migrate:host", ADMIN,
            {"migrate": {"host": "compute1"}}, version="2.56", passed=(400,)),
    # One host: no destination for a live migration (400), and the host of
    # an evacuation is up (400, api-ref "Evacuate Server").
    _action("os_compute_api:os-migrate-server:migrate_live", ADMIN,
            {"os-migrateLive": {"host": None, "block_migration": "auto"}}, version="2.25",
            passed=(400,)),
    _action("os_compute_api:os-evacuate", ADMIN, {"evacuate": {}}, version="2.68",
            passed=(400,)),
    # nova-network's actions (up to 2.43): the walk's floating IP and group.
    _action("os_compute_api:os-floating-ips:add", MEMBER,
            {"addFloatingIp": {"address": "{fip_address}"}}),
    _action("os_compute_api:os-floating-ips:remove", MEMBER,
            {"removeFloatingIp": {"address": "{fip_address}"}}, setup="fip_on_act_server"),
    _action("os_compute_api:os-security-groups:add", MEMBER,
            {"addSecurityGroup": {"name": "sg-walk"}}, setup="act_server_without_group"),
    _action("os_compute_api:os-security-groups:remove", MEMBER,
            {"removeSecurityGroup": {"name": "sg-walk"}}, setup="act_server_with_group"),
    _action("os_compute_api:os-rescue", MEMBER, {"rescue": None}),
    _action("os_compute_api:os-unrescue", MEMBER, {"unrescue": None}),
    _action("os_compute_api:os-admin-password", MEMBER,
            {"changePassword": {"adminPass": "s3cret"}}),
    _action("os_compute_api:os-deferred-delete:restore", MEMBER, {"restore": None}),
    Probe("os_compute_api:os-deferred-delete:force", MEMBER, "POST",
          "/v2.1/servers/{spare}/action", {"forceDelete": None}, setup="spare"),
    _action("os_compute_api:os-lock-server:lock", MEMBER, {"lock": None}),
    _action("os_compute_api:os-lock-server:unlock", MEMBER, {"unlock": None}),
    # The server is locked by an administrator first.
    _action("os_compute_api:os-lock-server:unlock:unlock_override", ADMIN,
            {"unlock": None}, setup="admin_lock"),
    _action("os_compute_api:os-admin-actions:reset_state", ADMIN,
            {"os-resetState": {"state": "active"}}),
    _action("os_compute_api:os-console-output", MEMBER, {"os-getConsoleOutput": {}}),
    _action("os_compute_api:os-remote-consoles", MEMBER,
            {"os-getVNCConsole": {"type": "novnc"}}),
    # -- server sub-resources ------------------------------------------------
    Probe("os_compute_api:os-instance-actions:list", READER, "GET",
          _SERVER + "/os-instance-actions"),
    Probe("os_compute_api:os-instance-actions:show", READER, "GET",
          _SERVER + "/os-instance-actions/{request_id}"),
    # Before 2.51 the events themselves are the administrator's.
    Probe("os_compute_api:os-instance-actions:events", ADMIN, "GET",
          _SERVER + "/os-instance-actions/{request_id}",
          observe=lambda body: "events" in body["instanceAction"]),
    Probe("os_compute_api:os-instance-actions:events:details", ADMIN, "GET",
          _SERVER + "/os-instance-actions/{request_id}", version="2.84",
          observe=lambda body: all("details" in event
                                   for event in body["instanceAction"]["events"])),
    Probe("os_compute_api:server-metadata:index", READER, "GET", _SERVER + "/metadata"),
    Probe("os_compute_api:server-metadata:show", READER, "GET", _SERVER + "/metadata/k",
          setup="metadata"),
    Probe("os_compute_api:server-metadata:create", MEMBER, "POST", _SERVER + "/metadata",
          {"metadata": {"k2": "v"}}),
    Probe("os_compute_api:server-metadata:update_all", MEMBER, "PUT",
          _SERVER + "/metadata", {"metadata": {"k": "v"}}),
    Probe("os_compute_api:server-metadata:update", MEMBER, "PUT", _SERVER + "/metadata/k",
          {"meta": {"k": "v"}}),
    Probe("os_compute_api:server-metadata:delete", MEMBER, "DELETE",
          _SERVER + "/metadata/k", setup="metadata"),
    Probe("os_compute_api:os-server-tags:index", READER, "GET", _SERVER + "/tags",
          version="2.26"),
    Probe("os_compute_api:os-server-tags:show", READER, "GET", _SERVER + "/tags/t1",
          version="2.26", setup="tag"),
    Probe("os_compute_api:os-server-tags:update", MEMBER, "PUT", _SERVER + "/tags/t1",
          version="2.26"),
    Probe("os_compute_api:os-server-tags:update_all", MEMBER, "PUT", _SERVER + "/tags",
          {"tags": ["t1"]}, version="2.26"),
    Probe("os_compute_api:os-server-tags:delete", MEMBER, "DELETE", _SERVER + "/tags/t1",
          version="2.26", setup="tag"),
    Probe("os_compute_api:os-server-tags:delete_all", MEMBER, "DELETE", _SERVER + "/tags",
          version="2.26"),
    Probe("os_compute_api:os-server-diagnostics", ADMIN, "GET", _SERVER + "/diagnostics"),
    Probe("os_compute_api:os-server-password:show", READER, "GET",
          _SERVER + "/os-server-password"),
    Probe("os_compute_api:os-server-password:clear", MEMBER, "DELETE",
          _SERVER + "/os-server-password"),
    Probe("os_compute_api:ips:index", READER, "GET", _SERVER + "/ips"),
    Probe("os_compute_api:ips:show", READER, "GET", _SERVER + "/ips/private"),
    Probe("os_compute_api:os-attach-interfaces:list", READER, "GET",
          _SERVER + "/os-interface"),
    Probe("os_compute_api:os-attach-interfaces:show", READER, "GET",
          _SERVER + "/os-interface/{port_id}"),
    Probe("os_compute_api:os-security-groups:list", READER, "GET",
          _SERVER + "/os-security-groups"),
    # A running live migration of the server (a record: one host here);
    # the server itself is not migrating, so acting on it answers 409.
    Probe("os_compute_api:servers:migrations:index", ADMIN, "GET",
          _SERVER + "/migrations", version="2.23", setup="migration"),
    Probe("os_compute_api:servers:migrations:show", ADMIN, "GET",
          _SERVER + "/migrations/{migration}", version="2.23", setup="migration"),
    Probe("os_compute_api:servers:migrations:force_complete", ADMIN, "POST",
          _SERVER + "/migrations/{migration}/action", {"force_complete": None},
          version="2.22", setup="migration"),
    Probe("os_compute_api:servers:migrations:delete", ADMIN, "DELETE",
          _SERVER + "/migrations/{migration}", version="2.24", setup="migration"),
    # -- flavors ---------------------------------------------------------------
    Probe("os_compute_api:os-flavor-manage:create", ADMIN, "POST", "/v2.1/flavors",
          {"flavor": {"name": "probe-{persona}", "ram": 64, "vcpus": 1, "disk": 1}},
          other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-manage:update", ADMIN, "PUT", "/v2.1/flavors/1",
          {"flavor": {"description": "probed"}}, version="2.55", other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-manage:delete", ADMIN, "DELETE",
          "/v2.1/flavors/{spare_flavor}", setup="spare_flavor", other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-access", ADMIN, "GET", _FLAVOR + "/os-flavor-access",
          other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-access:add_tenant_access", ADMIN, "POST",
          _FLAVOR + "/action", {"addTenantAccess": {"tenant": "p-{persona}"}},
          other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-access:remove_tenant_access", ADMIN, "POST",
          _FLAVOR + "/action", {"removeTenantAccess": {"tenant": PROJECT}},
          setup="flavor_access", other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-extra-specs:index", READER, "GET",
          "/v2.1/flavors/1/os-extra_specs", other=ALLOWED),
    Probe("os_compute_api:os-flavor-extra-specs:show", READER, "GET",
          "/v2.1/flavors/1/os-extra_specs/key1", setup="extra_spec", other=ALLOWED),
    Probe("os_compute_api:os-flavor-extra-specs:create", ADMIN, "POST",
          "/v2.1/flavors/1/os-extra_specs", {"extra_specs": {"key2": "v"}},
          other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-extra-specs:update", ADMIN, "PUT",
          "/v2.1/flavors/1/os-extra_specs/key1", {"key1": "v2"}, setup="extra_spec",
          other=FORBIDDEN),
    Probe("os_compute_api:os-flavor-extra-specs:delete", ADMIN, "DELETE",
          "/v2.1/flavors/1/os-extra_specs/key1", setup="extra_spec", other=FORBIDDEN),
    # -- key pairs (the caller's own) ---------------------------------------
    Probe("os_compute_api:os-keypairs:index", ANY, "GET", "/v2.1/os-keypairs",
          other=ALLOWED),
    Probe("os_compute_api:os-keypairs:create", ANY, "POST", "/v2.1/os-keypairs",
          {"keypair": {"name": "kp-new-{persona}"}}, other=ALLOWED),
    Probe("os_compute_api:os-keypairs:show", ANY, "GET", "/v2.1/os-keypairs/kp-{persona}",
          setup="keypair", other=ALLOWED),
    Probe("os_compute_api:os-keypairs:delete", ANY, "DELETE",
          "/v2.1/os-keypairs/kp-{persona}", setup="keypair", other=ALLOWED),
    # -- limits and quotas ------------------------------------------------------
    Probe("os_compute_api:limits", ANY, "GET", "/v2.1/limits", other=ALLOWED),
    Probe("os_compute_api:limits:other_project", ADMIN, "GET",
          "/v2.1/limits?tenant_id=third-project", other=FORBIDDEN),
    Probe("os_compute_api:os-quota-sets:show", READER, "GET",
          f"/v2.1/os-quota-sets/{PROJECT}", other=FORBIDDEN),
    Probe("os_compute_api:os-quota-sets:detail", READER, "GET",
          f"/v2.1/os-quota-sets/{PROJECT}/detail", other=FORBIDDEN),
    Probe("os_compute_api:os-quota-sets:defaults", ANY, "GET",
          f"/v2.1/os-quota-sets/{PROJECT}/defaults", other=ALLOWED),
    Probe("os_compute_api:os-quota-sets:update", ADMIN, "PUT",
          f"/v2.1/os-quota-sets/{PROJECT}", {"quota_set": {"instances": 50}},
          other=FORBIDDEN),
    Probe("os_compute_api:os-quota-sets:delete", ADMIN, "DELETE",
          f"/v2.1/os-quota-sets/{PROJECT}", other=FORBIDDEN),
    Probe("os_compute_api:os-quota-class-sets:show", ADMIN, "GET",
          "/v2.1/os-quota-class-sets/default", other=FORBIDDEN),
    Probe("os_compute_api:os-quota-class-sets:update", ADMIN, "PUT",
          "/v2.1/os-quota-class-sets/default", {"quota_class_set": {"instances": 50}},
          other=FORBIDDEN),
    # -- server groups ------------------------------------------------------------
    Probe("os_compute_api:os-server-groups:index", READER, "GET", "/v2.1/os-server-groups",
          other=ALLOWED),
    Probe("os_compute_api:os-server-groups:index:all_projects", ADMIN, "GET",
          "/v2.1/os-server-groups?all_projects=1", other=NOT_SHOWN,
          observe=lambda body: PROJECT in {group.get("project_id") for group in
                                           body["server_groups"]} and OTHER_PROJECT in
          {group.get("project_id") for group in body["server_groups"]}, version="2.13"),
    Probe("os_compute_api:os-server-groups:show", READER, "GET",
          "/v2.1/os-server-groups/{group}", other=FORBIDDEN),
    Probe("os_compute_api:os-server-groups:create", MEMBER, "POST", "/v2.1/os-server-groups",
          {"server_group": {"name": "g", "policies": ["affinity"]}}, other=ALLOWED),
    Probe("os_compute_api:os-server-groups:delete", MEMBER, "DELETE",
          "/v2.1/os-server-groups/{spare_group}", setup="spare_group", other=FORBIDDEN),
    # -- images, zones ------------------------------------------------------------
    Probe("os_compute_api:os-availability-zone:list", ANY, "GET",
          "/v2.1/os-availability-zone", other=ALLOWED),
    Probe("os_compute_api:os-availability-zone:detail", ADMIN, "GET",
          "/v2.1/os-availability-zone/detail", other=FORBIDDEN),
    # -- administration -------------------------------------------------------------
    Probe("os_compute_api:os-console-auth-tokens", ADMIN, "GET",
          "/v2.1/os-console-auth-tokens/no-such-token", other=FORBIDDEN, passed=(404,)),
    Probe("os_compute_api:os-services:list", ADMIN, "GET", "/v2.1/os-services",
          other=FORBIDDEN),
    Probe("os_compute_api:os-services:update", ADMIN, "PUT", "/v2.1/os-services/enable",
          {"host": "compute1", "binary": "nova-compute"}, other=FORBIDDEN),
    Probe("os_compute_api:os-services:delete", ADMIN, "DELETE", "/v2.1/os-services/999999",
          other=FORBIDDEN, passed=(404,)),
    Probe("os_compute_api:os-hypervisors:list", ADMIN, "GET", "/v2.1/os-hypervisors",
          other=FORBIDDEN),
    Probe("os_compute_api:os-hypervisors:list-detail", ADMIN, "GET",
          "/v2.1/os-hypervisors/detail", other=FORBIDDEN),
    Probe("os_compute_api:os-hypervisors:statistics", ADMIN, "GET",
          "/v2.1/os-hypervisors/statistics", other=FORBIDDEN),
    Probe("os_compute_api:os-hypervisors:show", ADMIN, "GET",
          "/v2.1/os-hypervisors/{hypervisor}", other=FORBIDDEN),
    Probe("os_compute_api:os-hypervisors:uptime", ADMIN, "GET",
          "/v2.1/os-hypervisors/{hypervisor}/uptime", other=FORBIDDEN, passed=(501,)),
    Probe("os_compute_api:os-hypervisors:search", ADMIN, "GET",
          "/v2.1/os-hypervisors/compute1/search", other=FORBIDDEN),
    Probe("os_compute_api:os-hypervisors:servers", ADMIN, "GET",
          "/v2.1/os-hypervisors/compute1/servers", other=FORBIDDEN),
    Probe("os_compute_api:os-server-external-events:create", ADMIN, "POST",
          "/v2.1/os-server-external-events",
          {"events": [{"name": "network-changed",
                       "server_uuid": "4c2b4c8e-0b8a-4f0e-9f6e-0c6b2b1d7a11"}]},
          other=FORBIDDEN, passed=(404,)),
    Probe("os_compute_api:os-simple-tenant-usage:list", ADMIN, "GET",
          "/v2.1/os-simple-tenant-usage", other=FORBIDDEN),
    Probe("os_compute_api:os-simple-tenant-usage:show", READER, "GET",
          f"/v2.1/os-simple-tenant-usage/{PROJECT}", other=FORBIDDEN),
    Probe("os_compute_api:os-instance-usage-audit-log:list", ADMIN, "GET",
          "/v2.1/os-instance-usage-audit-log", other=FORBIDDEN),
    Probe("os_compute_api:os-instance-usage-audit-log:show", ADMIN, "GET",
          "/v2.1/os-instance-usage-audit-log/2026-01-01%2000:00:00", other=FORBIDDEN),
    Probe("os_compute_api:os-migrations:index", ADMIN, "GET", "/v2.1/os-migrations",
          other=FORBIDDEN),
    Probe("os_compute_api:os-hosts:list", ADMIN, "GET", "/v2.1/os-hosts", other=FORBIDDEN),
    Probe("os_compute_api:os-hosts:show", ADMIN, "GET", "/v2.1/os-hosts/compute1",
          other=FORBIDDEN),
    Probe("os_compute_api:os-hosts:update", ADMIN, "PUT", "/v2.1/os-hosts/compute1",
          {"status": "enable"}, other=FORBIDDEN),
    # No driver here powers hosts: past the policy, 501.
    Probe("os_compute_api:os-hosts:reboot", ADMIN, "GET", "/v2.1/os-hosts/compute1/reboot",
          other=FORBIDDEN, passed=(501,)),
    Probe("os_compute_api:os-hosts:shutdown", ADMIN, "GET",
          "/v2.1/os-hosts/compute1/shutdown", other=FORBIDDEN, passed=(501,)),
    Probe("os_compute_api:os-hosts:start", ADMIN, "GET", "/v2.1/os-hosts/compute1/startup",
          other=FORBIDDEN, passed=(501,)),
    Probe("os_compute_api:os-aggregates:index", ADMIN, "GET", "/v2.1/os-aggregates",
          other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:create", ADMIN, "POST", "/v2.1/os-aggregates",
          {"aggregate": {"name": "agg-{persona}"}}, other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:show", ADMIN, "GET", "/v2.1/os-aggregates/{aggregate}",
          other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:update", ADMIN, "PUT",
          "/v2.1/os-aggregates/{aggregate}", {"aggregate": {"name": "agg"}},
          other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:delete", ADMIN, "DELETE",
          "/v2.1/os-aggregates/{spare_aggregate}", setup="spare_aggregate",
          other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:add_host", ADMIN, "POST",
          "/v2.1/os-aggregates/{aggregate}/action", {"add_host": {"host": "compute1"}},
          setup="aggregate_without_host", other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:remove_host", ADMIN, "POST",
          "/v2.1/os-aggregates/{aggregate}/action", {"remove_host": {"host": "compute1"}},
          setup="aggregate_with_host", other=FORBIDDEN),
    Probe("os_compute_api:os-aggregates:set_metadata", ADMIN, "POST",
          "/v2.1/os-aggregates/{aggregate}/action",
          {"set_metadata": {"metadata": {"k": "v"}}}, other=FORBIDDEN),
    # -- nova-network's proxy routes (up to 2.35) ------------------------------
    Probe("os_compute_api:os-networks:list", READER, "GET", "/v2.1/os-networks",
          other=ALLOWED),
    # The walk's network is shared: every project may use it.
    Probe("os_compute_api:os-networks:view", READER, "GET", "/v2.1/os-networks/{network}",
          other=ALLOWED),
    Probe("os_compute_api:os-networks:create", ADMIN, "POST", "/v2.1/os-networks",
          {"network": {"label": "net-{persona}", "cidr": "10.9.0.0/24"}}, other=FORBIDDEN),
    Probe("os_compute_api:os-networks:delete", ADMIN, "DELETE",
          "/v2.1/os-networks/{spare_network}", setup="spare_network", other=FORBIDDEN),
    Probe("os_compute_api:os-networks:add", ADMIN, "POST", "/v2.1/os-networks/add",
          {"id": "{spare_network}"}, setup="spare_network", other=FORBIDDEN),
    Probe("os_compute_api:os-networks:disassociate", ADMIN, "POST",
          "/v2.1/os-networks/{spare_network}/action", {"disassociate": None},
          setup="spare_network", other=FORBIDDEN),
    Probe("os_compute_api:os-floating-ip-pools:list", READER, "GET",
          "/v2.1/os-floating-ip-pools", other=ALLOWED),
    Probe("os_compute_api:os-floating-ips:list", READER, "GET", "/v2.1/os-floating-ips",
          other=ALLOWED),
    Probe("os_compute_api:os-floating-ips:show", READER, "GET",
          "/v2.1/os-floating-ips/{fip}"),
    Probe("os_compute_api:os-floating-ips:create", MEMBER, "POST", "/v2.1/os-floating-ips",
          {"pool": "public"}, other=ALLOWED),
    Probe("os_compute_api:os-floating-ips:delete", MEMBER, "DELETE",
          "/v2.1/os-floating-ips/{spare_fip}", setup="spare_fip"),
    Probe("os_compute_api:os-security-groups:get", READER, "GET", "/v2.1/os-security-groups",
          other=ALLOWED),
    Probe("os_compute_api:os-security-groups:show", READER, "GET",
          "/v2.1/os-security-groups/{secgroup}"),
    Probe("os_compute_api:os-security-groups:create", MEMBER, "POST",
          "/v2.1/os-security-groups",
          {"security_group": {"name": "sg-{persona}", "description": "probe"}},
          other=ALLOWED),
    Probe("os_compute_api:os-security-groups:update", MEMBER, "PUT",
          "/v2.1/os-security-groups/{secgroup}",
          {"security_group": {"name": "sg-walk", "description": "probed"}}),
    Probe("os_compute_api:os-security-groups:delete", MEMBER, "DELETE",
          "/v2.1/os-security-groups/{spare_secgroup}", setup="spare_secgroup"),
    Probe("os_compute_api:os-security-groups:rule:create", MEMBER, "POST",
          "/v2.1/os-security-group-rules",
          {"security_group_rule": {"parent_group_id": "{spare_secgroup}",
                                   "ip_protocol": "tcp", "from_port": 22, "to_port": 22,
                                   "cidr": "0.0.0.0/0"}}, setup="spare_secgroup"),
    Probe("os_compute_api:os-security-groups:rule:delete", MEMBER, "DELETE",
          "/v2.1/os-security-group-rules/{secgroup_rule}", setup="secgroup_rule"),
]
