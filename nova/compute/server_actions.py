"""The server action table: every operation on an existing server, one row each.

A row says, for one action (``POST /servers/{id}/action`` body key, or a
server route such as ``DELETE /servers/{id}``): who may call it (policy
rule and default), in which microversions, from which vm_states and
task_states, which task_state the API sets before handing it on, which
compute RPC method carries it, what the host's driver must support, and
what happens when it fails or when nova-compute restarts in the middle of
it. Everything else reads these rows instead of repeating them:

* the API router builds the action dispatch from them
  (``nova.api.openstack.compute.server_actions``);
* the compute API checks lock and state and sets the task_state from them
  (``nova.compute.api.API.start_action``);
* the compute RPC client sends the method at the version of the row;
* policy registers one rule per row (``nova.policies.server_actions``);
* nova-compute's ``nova.compute.operation.instance_operation`` records the
  event, emits notifications and reverts or fails the instance as the row
  says; ``nova.compute.recovery`` finishes what a restart interrupted;
* doc/source/server-actions.rst shows the table (checked by a unit test).

Adding an action is a row here plus its compute and driver code; see
doc/source/server-actions.rst for the checklist. State rules are
upstream's (nova/compute/api.py ``check_instance_state`` of each method).
"""

import dataclasses

from nova import exception
from nova.compute import power_state, task_states, vm_states
from nova.policies import base as policy_base

#: ``on_error`` / ``on_restart``: put task_state back to None, keep vm_state.
REVERT = "revert"
#: ``on_error`` / ``on_restart``: vm_state ERROR, task_state None.
ERROR = "error"
#: ``on_restart``: run the operation again from the start.
RETRY = "retry"
#: ``on_restart``: nothing to do on the host (API-only actions).
NOTHING = None

#: vm_states/task_states value meaning "any".
ANY = None

#: Task states during which a hard reboot may still be asked for (upstream's
#: task_states.ALLOW_REBOOT).
ALLOW_REBOOT = (None, task_states.REBOOTING, task_states.REBOOT_PENDING,
                task_states.REBOOT_STARTED, task_states.RESUMING,
                task_states.REBOOTING_HARD, task_states.UNPAUSING,
                task_states.PAUSING, task_states.SUSPENDING)

_ACTION_PATH = "/servers/{server_id}/action"

#: Consoles are refused while the server is being deleted or moved
#: (upstream's InstanceInvalidState for consoles).
_CONSOLE_TASK_STATES = tuple(
    state for state in (None, *task_states.ALL_STATES)
    if state not in (task_states.DELETING, task_states.MIGRATING))

#: Upstream uses one rule for every console protocol.
REMOTE_CONSOLES = "os_compute_api:os-remote-consoles"


@dataclasses.dataclass(frozen=True)
class Rpc:
    """How the compute API hands an action to the instance's host.

    :param method: the ComputeManager method (compute RPC API).
    :param version: the compute RPC version that added it ("6.3").
    :param call: True to wait for the answer (RPC call), False to cast.
    :param conductor: for actions that need a host chosen first (unshelve
        of an offloaded server), the conductor's compute-task API method
        the compute API casts instead; the conductor schedules and then
        sends ``method`` to the chosen host. None: the compute API sends
        ``method`` to the instance's host itself.
    """

    method: str
    version: str
    call: bool = False
    conductor: str | None = None


@dataclasses.dataclass(frozen=True)
class ServerAction:
    """One row of the table; see the module docstring.

    :param key: the action's body key ("os-stop") or, for a server route,
        the method and path ("DELETE /servers/{server_id}").
    :param variant: for actions split by a body value (reboot SOFT and
        HARD), that value; the row's ``name`` is "key:variant".
    :param instance_action: the name recorded in os-instance-actions
        (upstream's), or None when the action leaves no record.
    :param policy: the oslo.policy rule guarding it.
    :param check_str: the rule's default check string.
    :param description: one line for the policy sample and the docs.
    :param vm_states: vm_states it is allowed from; ANY for no check.
    :param task_states: task_states it is allowed from (None inside the
        tuple means "no task"); ANY for no check.
    :param task_state: the task_state the API sets (compare-and-swap)
        before the RPC; None leaves the task_state alone.
    :param host_task_states: the task_states the operation moves through
        on the host after ``task_state`` (a snapshot's image_uploading);
        start-up recovery treats a server left in one as in the row's.
    :param power_states: power_states the guest must be in; ANY for no check.
    :param rpc: the compute RPC, or None for actions done by the API alone.
    :param min_version: lowest microversion that serves it ("2.N").
    :param max_version: highest, or None for no upper bound.
    :param capability: ``ComputeDriver.capabilities`` key the host's driver
        must have True, or None.
    :param check_lock: True when a locked server refuses it to non-admins.
    :param must_have_launched: True when the server must have booted once
        (launched_at set).
    :param needs_host: True when the server must be on a host already
        (InstanceNotReady, 409, before it is).
    :param on_error: what nova-compute does when the operation fails:
        REVERT (task_state None, the server usable as before) or ERROR.
    :param on_restart: what nova-compute does at start-up with a server
        left in ``task_state``: RETRY, REVERT, ERROR or NOTHING.
    :param notification: the versioned notification's action part
        ("power_off" -> instance.power_off.start/end/error), or None.
    :param event_name: the compute event's name when upstream's is not
        "compute_<rpc method>".
    """

    key: str
    instance_action: str | None
    policy: str
    check_str: str
    description: str
    vm_states: tuple | None = ANY
    task_states: tuple | None = (None,)
    task_state: str | None = None
    host_task_states: tuple = ()
    power_states: tuple | None = ANY
    rpc: Rpc | None = None
    min_version: str = "2.1"
    max_version: str | None = None
    variant: str | None = None
    capability: str | None = None
    check_lock: bool = True
    must_have_launched: bool = True
    needs_host: bool = False
    on_error: str = REVERT
    on_restart: str | None = REVERT
    notification: str | None = None
    event_name: str | None = None

    @property
    def name(self):
        """The row's identity: the key, or "key:variant"."""
        return f"{self.key}:{self.variant}" if self.variant else self.key

    @property
    def is_action(self):
        """True for ``POST /servers/{id}/action`` bodies, False for routes."""
        return not self.key.startswith(("GET ", "PUT ", "POST ", "DELETE "))

    @property
    def operation(self):
        """(method, path) of the route, for policy documentation."""
        if self.is_action:
            return ("POST", _ACTION_PATH)
        method, _, path = self.key.partition(" ")
        return (method, path)

    @property
    def event(self):
        """The compute host's instance action event name (upstream's)."""
        if self.event_name:
            return self.event_name
        return f"compute_{self.rpc.method}" if self.rpc else None


def _servers(name):
    return f"os_compute_api:servers:{name}"


MEMBER = policy_base.PROJECT_MEMBER_OR_ADMIN
READER = policy_base.PROJECT_READER_OR_ADMIN
ADMIN = policy_base.ADMIN

_V63 = "6.3"
_V66 = "6.6"
_V65 = "6.5"
_V67 = "6.7"
_V68 = "6.8"

#: vm_states whose guest can be snapshotted, backed up or shelved (upstream's).
_IMAGE_STATES = (vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                 vm_states.SUSPENDED)
#: A snapshot's task_states on the host, while its disk is copied and uploaded.
_UPLOAD_STATES = (task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_UPLOADING)

ROWS = (
    # -- power ------------------------------------------------------------
    ServerAction(
        "os-stop", "stop", _servers("stop"), MEMBER,
        "Stop a server: shut the guest down cleanly, then power it off.",
        vm_states=(vm_states.ACTIVE, vm_states.ERROR),
        task_state=task_states.POWERING_OFF,
        rpc=Rpc("stop_instance", _V63),
        on_restart=RETRY, notification="power_off"),
    ServerAction(
        "os-start", "start", _servers("start"), MEMBER,
        "Start a stopped server.",
        vm_states=(vm_states.STOPPED,),
        task_state=task_states.POWERING_ON,
        rpc=Rpc("start_instance", _V63),
        on_restart=RETRY, notification="power_on"),
    ServerAction(
        "reboot", "reboot", _servers("reboot"), MEMBER,
        "Reboot a server: SOFT asks the guest (ACPI), HARD power-cycles it.",
        variant="SOFT",
        vm_states=vm_states.ALLOW_SOFT_REBOOT,
        task_state=task_states.REBOOTING,
        rpc=Rpc("reboot_instance", _V63),
        on_error=ERROR, on_restart=RETRY, notification="reboot"),
    ServerAction(
        "reboot", "reboot", _servers("reboot"), MEMBER,
        "Reboot a server: SOFT asks the guest (ACPI), HARD power-cycles it.",
        variant="HARD",
        vm_states=vm_states.ALLOW_HARD_REBOOT,
        task_states=ALLOW_REBOOT,
        task_state=task_states.REBOOTING_HARD,
        rpc=Rpc("reboot_instance", _V63),
        on_error=ERROR, on_restart=RETRY, notification="reboot"),
    ServerAction(
        "pause", "pause", "os_compute_api:os-pause-server:pause", MEMBER,
        "Pause a server: its guest stays in memory, not running.",
        vm_states=(vm_states.ACTIVE,),
        task_state=task_states.PAUSING,
        rpc=Rpc("pause_instance", _V63),
        capability="supports_pause", notification="pause"),
    ServerAction(
        "unpause", "unpause", "os_compute_api:os-pause-server:unpause", MEMBER,
        "Unpause a paused server.",
        vm_states=(vm_states.PAUSED,),
        task_state=task_states.UNPAUSING,
        rpc=Rpc("unpause_instance", _V63),
        capability="supports_pause", notification="unpause"),
    ServerAction(
        "suspend", "suspend", "os_compute_api:os-suspend-server:suspend", MEMBER,
        "Suspend a server: its memory is saved to disk and the guest stops.",
        vm_states=(vm_states.ACTIVE,),
        task_state=task_states.SUSPENDING,
        rpc=Rpc("suspend_instance", _V63),
        capability="supports_suspend", notification="suspend"),
    ServerAction(
        "resume", "resume", "os_compute_api:os-suspend-server:resume", MEMBER,
        "Resume a suspended server.",
        vm_states=(vm_states.SUSPENDED,),
        task_state=task_states.RESUMING,
        rpc=Rpc("resume_instance", _V63),
        capability="supports_suspend", on_restart=RETRY, notification="resume"),
    ServerAction(
        "trigger_crash_dump", "trigger_crash_dump", _servers("trigger_crash_dump"),
        MEMBER, "Trigger a crash dump in a server's guest (an NMI).",
        vm_states=(vm_states.ACTIVE, vm_states.PAUSED, vm_states.RESCUED,
                   vm_states.RESIZED, vm_states.ERROR),
        power_states=(power_state.RUNNING,),
        rpc=Rpc("trigger_crash_dump", _V63), min_version="2.17",
        capability="supports_trigger_crash_dump", on_restart=NOTHING,
        notification="trigger_crash_dump"),
    # -- images: rebuild, snapshot, backup, shelve (compute RPC 6.6) -----------
    ServerAction(
        "rebuild", "rebuild", _servers("rebuild"), MEMBER,
        "Rebuild a server: a fresh root disk from the same or another image.",
        vm_states=(vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR),
        task_state=task_states.REBUILDING,
        host_task_states=(task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                          task_states.REBUILD_SPAWNING),
        rpc=Rpc("rebuild_instance", _V66),
        on_error=ERROR, on_restart=ERROR, notification="rebuild"),
    ServerAction(
        "createImage", "createImage", _servers("create_image"), MEMBER,
        "Create an image (a snapshot of the server's disk) in the Image service.",
        vm_states=_IMAGE_STATES, task_state=task_states.IMAGE_SNAPSHOT,
        host_task_states=_UPLOAD_STATES,
        rpc=Rpc("snapshot_instance", _V66), notification="snapshot"),
    ServerAction(
        "createBackup", "createBackup", "os_compute_api:os-create-backup", MEMBER,
        "Create a backup image of a server, keeping only the newest ones.",
        vm_states=_IMAGE_STATES, task_state=task_states.IMAGE_BACKUP,
        host_task_states=_UPLOAD_STATES,
        rpc=Rpc("backup_instance", _V66), notification="snapshot"),
    ServerAction(
        "shelve", "shelve", "os_compute_api:os-shelve:shelve", MEMBER,
        "Shelve a server: snapshot it to the Image service and power it off.",
        vm_states=_IMAGE_STATES, task_state=task_states.SHELVING,
        host_task_states=(task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                          task_states.SHELVING_IMAGE_UPLOADING),
        rpc=Rpc("shelve_instance", _V66), notification="shelve"),
    ServerAction(
        "shelveOffload", "shelveOffload", "os_compute_api:os-shelve:shelve_offload",
        ADMIN, "Offload a shelved server: free its host (administrators).",
        vm_states=(vm_states.SHELVED,), task_state=task_states.SHELVING_OFFLOADING,
        rpc=Rpc("shelve_offload_instance", _V66), on_restart=RETRY,
        notification="shelve_offload"),
    ServerAction(
        "unshelve", "unshelve", "os_compute_api:os-shelve:unshelve", MEMBER,
        "Unshelve a server: power it on, or boot it again on a host chosen anew.",
        vm_states=(vm_states.SHELVED, vm_states.SHELVED_OFFLOADED),
        task_state=task_states.UNSHELVING,
        rpc=Rpc("unshelve_instance", _V66, conductor="unshelve_instance"),
        on_restart=ERROR, notification="unshelve"),
    # -- moves between hosts: live migration, evacuate (compute RPC 6.8) -------
    ServerAction(
        "os-migrateLive", "live-migration", "os_compute_api:os-migrate-server:migrate_live",
        ADMIN, "Live-migrate a server to another host: the guest keeps running while "
        "its memory and disk are copied (administrators).",
        vm_states=(vm_states.ACTIVE, vm_states.PAUSED),
        task_state=task_states.MIGRATING,
        rpc=Rpc("live_migration", _V68, conductor="live_migrate_instance"),
        capability="supports_live_migration", on_restart=REVERT),
    ServerAction(
        "evacuate", "evacuate", "os_compute_api:os-evacuate", ADMIN,
        "Evacuate a server from a host whose compute service is down: rebuild it "
        "from its image on another host (administrators).",
        vm_states=(vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR),
        task_states=ANY, task_state=task_states.REBUILDING,
        host_task_states=(task_states.REBUILD_SPAWNING,),
        rpc=Rpc("rebuild_instance", _V68, conductor="rebuild_instance"),
        check_lock=False, on_error=ERROR, on_restart=ERROR),
    # -- rescue ---------------------------------------------------------------
    ServerAction(
        "rescue", "rescue", "os_compute_api:os-rescue", MEMBER,
        "Rescue a server: boot a rescue image with the server's disk attached "
        "second.",
        vm_states=(vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR),
        task_state=task_states.RESCUING,
        rpc=Rpc("rescue_instance", _V65),
        capability="supports_rescue", on_restart=REVERT, notification="rescue"),
    ServerAction(
        "unrescue", "unrescue", "os_compute_api:os-unrescue", MEMBER,
        "Unrescue a server: boot it from its own disk again.",
        vm_states=(vm_states.RESCUED,),
        task_state=task_states.UNRESCUING,
        rpc=Rpc("unrescue_instance", _V65),
        capability="supports_rescue", on_restart=RETRY, notification="unrescue"),
    # -- moves: resize and cold migration (compute RPC 6.7) ---------------------
    # The conductor schedules the destination and sends prep_resize there;
    # the host task_states follow the move through the source (resize_migrating,
    # resize_migrated) and the destination (resize_finish).
    ServerAction(
        "resize", "resize", _servers("resize"), MEMBER,
        "Resize a server to another flavor, on another host or the same one.",
        vm_states=(vm_states.ACTIVE, vm_states.STOPPED),
        task_state=task_states.RESIZE_PREP,
        host_task_states=(task_states.RESIZE_MIGRATING, task_states.RESIZE_MIGRATED,
                          task_states.RESIZE_FINISH),
        rpc=Rpc("prep_resize", _V67, conductor="migrate_server"),
        on_error=REVERT, on_restart=ERROR, notification="resize"),
    ServerAction(
        "migrate", "migrate", "os_compute_api:os-migrate-server:migrate", ADMIN,
        "Cold migrate a server to another host (administrators).",
        vm_states=(vm_states.ACTIVE, vm_states.STOPPED),
        task_state=task_states.RESIZE_PREP,
        host_task_states=(task_states.RESIZE_MIGRATING, task_states.RESIZE_MIGRATED,
                          task_states.RESIZE_FINISH),
        rpc=Rpc("prep_resize", _V67, conductor="migrate_server"),
        on_error=REVERT, on_restart=ERROR, notification="resize"),
    ServerAction(
        "confirmResize", "confirmResize", _servers("confirm_resize"), MEMBER,
        "Confirm a resize or cold migration: the source host's copy goes.",
        vm_states=(vm_states.RESIZED,),
        task_state=task_states.RESIZE_CONFIRMING,
        rpc=Rpc("confirm_resize", _V67),
        # The work is on the source; the instance's host (the destination)
        # only gives the server back to the user, who may confirm again.
        on_error=ERROR, on_restart=REVERT, notification="resize_confirm"),
    ServerAction(
        "revertResize", "revertResize", _servers("revert_resize"), MEMBER,
        "Revert a resize or cold migration: back to the source host and flavor.",
        vm_states=(vm_states.RESIZED,),
        task_state=task_states.RESIZE_REVERTING,
        rpc=Rpc("revert_resize", _V67),
        on_error=ERROR, on_restart=ERROR, notification="resize_revert"),
    # -- password ---------------------------------------------------------------
    ServerAction(
        "changePassword", "changePassword", "os_compute_api:os-admin-password",
        MEMBER, "Change the administrative password of a server's guest.",
        vm_states=(vm_states.ACTIVE,),
        task_state=task_states.UPDATING_PASSWORD,
        rpc=Rpc("set_admin_password", _V65, call=True), on_restart=REVERT),
    # -- soft delete ([DEFAULT] reclaim_instance_interval) --------------------
    ServerAction(
        "restore", "restore", "os_compute_api:os-deferred-delete:restore", MEMBER,
        "Restore a soft-deleted server.",
        vm_states=(vm_states.SOFT_DELETED,),
        task_state=task_states.RESTORING,
        rpc=Rpc("restore_instance", _V65), on_restart=RETRY, notification="restore"),
    ServerAction(
        "forceDelete", "delete", "os_compute_api:os-deferred-delete:force", MEMBER,
        "Delete a soft-deleted server at once.",
        task_states=ANY, task_state=task_states.DELETING, must_have_launched=False,
        rpc=Rpc("terminate_instance", "6.1"), on_error=ERROR, on_restart=RETRY,
        notification="delete"),
    # -- lock (the API alone) -------------------------------------------------
    ServerAction(
        "lock", "lock", "os_compute_api:os-lock-server:lock", MEMBER,
        "Lock a server: non-admins cannot act on it until it is unlocked.",
        task_states=ANY, check_lock=False, must_have_launched=False,
        on_restart=NOTHING, notification="lock"),
    ServerAction(
        "unlock", "unlock", "os_compute_api:os-lock-server:unlock", MEMBER,
        "Unlock a server locked by the same project.",
        task_states=ANY, check_lock=False, must_have_launched=False,
        on_restart=NOTHING, notification="unlock"),
    # -- admin --------------------------------------------------------------
    ServerAction(
        "os-resetState", "resetState", "os_compute_api:os-admin-actions:reset_state",
        ADMIN, "Reset a server's state to active or error (administrators).",
        task_states=ANY, check_lock=False, must_have_launched=False,
        on_restart=NOTHING),
    # -- floating IPs (the network service; no compute RPC, no record) -------
    ServerAction(
        "addFloatingIp", None, "os_compute_api:os-floating-ips:add", MEMBER,
        "Associate a floating IP with a server (nova-network routes, up to 2.43).",
        task_states=ANY, check_lock=False, must_have_launched=False,
        max_version="2.43", on_restart=NOTHING),
    ServerAction(
        "removeFloatingIp", None, "os_compute_api:os-floating-ips:remove", MEMBER,
        "Disassociate a floating IP from a server (nova-network routes, up to 2.43).",
        task_states=ANY, check_lock=False, must_have_launched=False,
        max_version="2.43", on_restart=NOTHING),
    ServerAction(
        "addSecurityGroup", None, "os_compute_api:os-security-groups:add", MEMBER,
        "Add a server to a security group (nova-network routes).",
        task_states=ANY, check_lock=False, must_have_launched=False, on_restart=NOTHING),
    ServerAction(
        "removeSecurityGroup", None, "os_compute_api:os-security-groups:remove", MEMBER,
        "Remove a server from a security group (nova-network routes).",
        task_states=ANY, check_lock=False, must_have_launched=False, on_restart=NOTHING),
    # -- consoles (calls; no state change, nothing recorded) -----------------
    ServerAction(
        "os-getConsoleOutput", None, "os_compute_api:os-console-output", MEMBER,
        "Show the last lines of a server's console log.",
        task_states=ANY, check_lock=False, must_have_launched=False, needs_host=True,
        rpc=Rpc("get_console_output", "6.1", call=True), on_restart=NOTHING),
    ServerAction(
        "os-getVNCConsole", None, REMOTE_CONSOLES, MEMBER,
        "Get a console URL of a server (VNC; POST /servers/{server_id}/"
        "remote-consoles from 2.6).",
        task_states=_CONSOLE_TASK_STATES, check_lock=False, must_have_launched=False,
        needs_host=True, rpc=Rpc("get_vnc_console", "6.2", call=True),
        max_version="2.5", on_restart=NOTHING),
    ServerAction(
        "os-getSPICEConsole", None, REMOTE_CONSOLES, MEMBER,
        "Get a console URL of a server (SPICE).",
        task_states=_CONSOLE_TASK_STATES, check_lock=False, must_have_launched=False,
        needs_host=True, rpc=Rpc("get_spice_console", "6.4", call=True),
        max_version="2.5", on_restart=NOTHING),
    ServerAction(
        "os-getSerialConsole", None, REMOTE_CONSOLES, MEMBER,
        "Get a console URL of a server (serial).",
        task_states=_CONSOLE_TASK_STATES, check_lock=False, must_have_launched=False,
        needs_host=True, rpc=Rpc("get_serial_console", "6.4", call=True),
        max_version="2.5", on_restart=NOTHING),
    ServerAction(
        "POST /servers/{server_id}/remote-consoles", None, REMOTE_CONSOLES, MEMBER,
        "Get a console URL of a server (VNC, SPICE, serial; the protocol's "
        "action row decides the rest).",
        task_states=_CONSOLE_TASK_STATES, check_lock=False, must_have_launched=False,
        needs_host=True, min_version="2.6", on_restart=NOTHING),
    ServerAction(
        "GET /servers/{server_id}/diagnostics", None,
        "os_compute_api:os-server-diagnostics", ADMIN,
        "Show what a server's guest is doing (administrators).",
        task_states=ANY, check_lock=False, must_have_launched=False, needs_host=True,
        rpc=Rpc("get_instance_diagnostics", "6.9", call=True), on_restart=NOTHING),
    # -- server routes ------------------------------------------------------
    ServerAction(
        "POST /servers", "create", _servers("create"), MEMBER, "Create a server.",
        vm_states=ANY, task_states=ANY, task_state=task_states.SCHEDULING,
        rpc=Rpc("build_and_run_instance", "6.1"), check_lock=False,
        must_have_launched=False, on_error=ERROR, on_restart=RETRY,
        notification="create", event_name="compute__do_build_and_run_instance"),
    ServerAction(
        "PUT /servers/{server_id}", None, _servers("update"), MEMBER,
        "Update a server's name, description (2.19) or hostname (2.90).",
        task_states=ANY, check_lock=False, must_have_launched=False,
        on_restart=NOTHING, notification="update"),
    ServerAction(
        "DELETE /servers/{server_id}", "delete", _servers("delete"), MEMBER,
        "Delete a server.",
        task_states=ANY, task_state=task_states.DELETING,
        must_have_launched=False,
        rpc=Rpc("terminate_instance", "6.1"),
        on_error=ERROR, on_restart=RETRY, notification="delete"),
    ServerAction(
        "DELETE /servers/{server_id}", "delete", _servers("delete"), MEMBER,
        "Delete a server.", variant="SOFT",
        task_states=ANY, task_state=task_states.SOFT_DELETING,
        must_have_launched=False,
        rpc=Rpc("soft_delete_instance", _V65), on_restart=RETRY,
        notification="soft_delete"),
)

#: Rows by name ("os-stop", "reboot:HARD", "DELETE /servers/{server_id}").
ACTIONS = {row.name: row for row in ROWS}


def get(name):
    """Return the row called ``name``.

    :raises KeyError: no such row (a programming error, not a user's).
    """
    return ACTIONS[name]


def action_keys():
    """Return the action body keys of the table, in table order (no repeats)."""
    return list(dict.fromkeys(row.key for row in ROWS if row.is_action))


def rows_for_task_state(task_state):
    """Return the rows that set ``task_state`` or pass through it (for start-up recovery)."""
    return [row for row in ROWS
            if row.task_state == task_state or task_state in row.host_task_states]


def check_lock(context, instance, row):
    """Refuse the action on a locked server, as upstream's check_instance_lock.

    Administrators may act on locked servers; so may the user who is the
    locked server's owner when the action is unlock (checked by its policy).

    :raises InstanceIsLocked: (409) the server is locked and the caller
        is not an administrator.
    """
    if row.check_lock and instance.locked and not context.is_admin:
        raise exception.InstanceIsLocked(instance_uuid=instance.uuid)


def check_state(instance, row):
    """Refuse the action when the server's state does not allow it.

    :raises InstanceInvalidState: (409) vm_state or task_state not in the
        row's lists, or the server never booted and the row needs that.
    :raises InstanceNotRunning: (409) the guest's power_state is not one
        the row allows.
    :raises InstanceNotReady: (409) the row needs a host and the server has
        none yet.
    """
    if row.needs_host and not instance.host:
        raise exception.InstanceNotReady(instance_id=instance.uuid)
    if row.vm_states is not ANY and instance.vm_state not in row.vm_states:
        raise exception.InstanceInvalidState(
            instance_uuid=instance.uuid, attr="vm_state", state=instance.vm_state,
            method=row.name)
    if row.task_states is not ANY and instance.task_state not in row.task_states:
        raise exception.InstanceInvalidState(
            instance_uuid=instance.uuid, attr="task_state", state=instance.task_state,
            method=row.name)
    if row.power_states is not ANY and instance.power_state not in row.power_states:
        raise exception.InstanceNotRunning(instance_id=instance.uuid)
    if row.must_have_launched and not instance.launched_at and \
            instance.vm_state != vm_states.SHELVED_OFFLOADED:
        raise exception.InstanceInvalidState(
            instance_uuid=instance.uuid, attr="launched_at", state=None,
            method=row.name)


def _states(values):
    if values is ANY:
        return "any"
    return ", ".join("(none)" if v is None else str(v) for v in values)


def _task_states(row):
    if not row.task_state:
        return "(unchanged)"
    if row.host_task_states:
        return f"{row.task_state} (then {', '.join(row.host_task_states)})"
    return row.task_state


def as_rst():
    """Return the table as a reStructuredText list table (for the docs page).

    doc/source/server-actions.rst embeds this between its ``.. begin table``
    and ``.. end table`` comments; a unit test keeps the two equal
    (``tools/gen-server-actions-doc.py`` rewrites the page).
    """
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - action / route",
        "     - microversions",
        "     - from vm_state / task_state",
        "     - sets task_state",
        "     - compute RPC",
        "     - policy",
        "     - on error / on restart",
    ]
    for row in ROWS:
        versions = f"{row.min_version}-{row.max_version or 'latest'}"
        rpc = f"``{row.rpc.method}`` {row.rpc.version}" if row.rpc else "(API only)"
        if row.rpc and row.rpc.call:
            rpc += " call"
        if row.rpc and row.rpc.conductor:
            rpc += f" via the conductor's ``{row.rpc.conductor}``"
        if row.capability:
            rpc += f", needs ``{row.capability}``"
        lines += [
            f"   * - ``{row.name}``",
            f"     - {versions}",
            f"     - {_states(row.vm_states)} / {_states(row.task_states)}",
            f"     - {_task_states(row)}",
            f"     - {rpc}",
            f"     - ``{row.policy}``",
            f"     - {row.on_error} / {row.on_restart or 'nothing'}",
        ]
    return "\n".join(lines) + "\n"
