"""Policies of /servers (targets: {"project_id": <instance's project>})."""

from oslo_policy import policy

from nova.policies import base

SERVERS = "os_compute_api:servers:%s"


def _rule(name, check_str, description, operations):
    return policy.DocumentedRuleDefault(
        name=SERVERS % name, check_str=check_str, description=description,
        operations=[{"method": method, "path": path} for method, path in operations],
        scope_types=base.PROJECT_SCOPE)


_ACTION = "/servers/{server_id}/action"

rules = [
    _rule("index", base.PROJECT_READER_OR_ADMIN, "List servers.",
          [("GET", "/servers")]),
    _rule("detail", base.PROJECT_READER_OR_ADMIN, "List servers with details.",
          [("GET", "/servers/detail")]),
    _rule("index:get_all_tenants", base.ADMIN,
          "List servers of all projects (all_tenants filter).", [("GET", "/servers")]),
    _rule("detail:get_all_tenants", base.ADMIN,
          "List servers of all projects with details (all_tenants filter).",
          [("GET", "/servers/detail")]),
    _rule("allow_all_filters", base.ADMIN,
          "Use every server list filter, not only the ones open to users.",
          [("GET", "/servers"), ("GET", "/servers/detail")]),
    _rule("show", base.PROJECT_READER_OR_ADMIN, "Show a server.",
          [("GET", "/servers/{server_id}")]),
    _rule("show:host_status", base.ADMIN,
          "Show the host_status of a server (2.16).",
          [("GET", "/servers/{server_id}"), ("GET", "/servers/detail")]),
    _rule("create", base.PROJECT_MEMBER_OR_ADMIN, "Create a server.",
          [("POST", "/servers")]),
    _rule("create:forced_host", base.ADMIN,
          "Create a server on a given host or node (availability_zone "
          "'zone:host:node'), bypassing the scheduler's filters.",
          [("POST", "/servers")]),
    _rule("create:requested_destination", base.ADMIN,
          "Create a server on a given host or node (host/hypervisor_hostname, 2.74), "
          "still checked by the scheduler.",
          [("POST", "/servers")]),
    _rule("create:attach_volume", base.PROJECT_MEMBER_OR_ADMIN,
          "Create a server with block device mappings.", [("POST", "/servers")]),
    _rule("create:attach_network", base.PROJECT_MEMBER_OR_ADMIN,
          "Create a server with requested networks or ports.", [("POST", "/servers")]),
    _rule("create:zero_disk_flavor", base.ADMIN,
          "Boot from an image with a flavor of root_gb 0 (the disk then grows to "
          "the image's size, unbounded by the flavor).",
          [("POST", "/servers")]),
    _rule("update", base.PROJECT_MEMBER_OR_ADMIN, "Update a server.",
          [("PUT", "/servers/{server_id}")]),
    _rule("delete", base.PROJECT_MEMBER_OR_ADMIN, "Delete a server.",
          [("DELETE", "/servers/{server_id}")]),
    _rule("reboot", base.PROJECT_MEMBER_OR_ADMIN, "Reboot a server (reboot action).",
          [("POST", _ACTION)]),
    _rule("start", base.PROJECT_MEMBER_OR_ADMIN, "Start a server (os-start action).",
          [("POST", _ACTION)]),
    _rule("stop", base.PROJECT_MEMBER_OR_ADMIN, "Stop a server (os-stop action).",
          [("POST", _ACTION)]),
    _rule("resize", base.PROJECT_MEMBER_OR_ADMIN, "Resize a server (resize action).",
          [("POST", _ACTION)]),
    _rule("confirm_resize", base.PROJECT_MEMBER_OR_ADMIN,
          "Confirm a resize (confirmResize action).", [("POST", _ACTION)]),
    _rule("revert_resize", base.PROJECT_MEMBER_OR_ADMIN,
          "Revert a resize (revertResize action).", [("POST", _ACTION)]),
    _rule("rebuild", base.PROJECT_MEMBER_OR_ADMIN, "Rebuild a server (rebuild action).",
          [("POST", _ACTION)]),
    _rule("create_image", base.PROJECT_MEMBER_OR_ADMIN,
          "Snapshot a server (createImage action).", [("POST", _ACTION)]),
]


def list_rules():
    """Return the /servers rules."""
    return rules
