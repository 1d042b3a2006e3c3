"""POST /servers/{id}/action: the actions of the server action table.

``handlers()`` gives the router one handler per action key of
nova.compute.server_actions. Actions whose body carries nothing use the
generic handler; those with arguments (reboot, lock, os-resetState, ...)
or with work of the API's own (shelve creates its image) have a method
here that reads the body and calls the compute API. Handlers answer as
upstream once the action is recorded and handed on: 202 with no body for
most; rebuild answers the server, createImage and createBackup the image
(Location before 2.45, its id from 2.45), rescue its password. The
outcome shows in the server's state and in ``GET
/servers/{id}/os-instance-actions``.

Errors: 404 unknown (or another project's) server; 403 policy; 409 locked
server, a state the action is not allowed from, a concurrent action, or a
host too old for the action; 404 for an action outside its microversion
range.
"""

import contextlib

import webob.exc
from oslo_utils import strutils

from nova import conf as nova_conf
from nova import exception
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import server_actions as schemas
from nova.api.openstack.compute.servers import _last_segment, injected_files
from nova.compute import server_actions
from nova.policy import authorize

CONF = nova_conf.CONF

#: Rule letting a non-admin unlock a server an admin locked (upstream's).
UNLOCK_OVERRIDE = "os_compute_api:os-lock-server:unlock:unlock_override"
#: Rule for unshelving to a named host (2.91, upstream's).
UNSHELVE_TO_HOST = "os_compute_api:os-shelve:unshelve_to_host"
#: Rule for cold migrating to a named host (2.56, upstream's).
MIGRATE_TO_HOST = "os_compute_api:os-migrate-server:migrate:host"


class ServerActionsController:
    """Handlers of the server action table's actions.

    :param servers: the ServersController, whose compute API and server
        look-up (404 for unknown or foreign servers) are shared.
    """

    def __init__(self, servers):
        self._servers = servers

    @property
    def compute_api(self):
        return self._servers.compute_api

    def handlers(self, served_elsewhere=None):
        """Return {action key: handler} for every action of the table.

        :param served_elsewhere: {action key: handler} of actions another
            controller serves (the consoles); each must be a row.
        :raises ValueError: a handler for an action the table lacks.
        """
        served_elsewhere = dict(served_elsewhere or {})
        unknown = set(served_elsewhere) - set(server_actions.action_keys())
        if unknown:
            raise ValueError(f"actions without a row in the table: {sorted(unknown)}")
        custom = {
            **served_elsewhere,
            "reboot": self.reboot,
            "lock": self.lock,
            "unlock": self.unlock,
            "os-resetState": self.reset_state,
            "rescue": self.rescue,
            "changePassword": self.change_password,
            "forceDelete": self.force_delete,
            "rebuild": self.rebuild,
            "createImage": self.create_image,
            "createBackup": self.create_backup,
            "shelve": self.shelve,
            "unshelve": self.unshelve,
            "resize": self.resize,
            "migrate": self.migrate,
            "confirmResize": self.confirm_resize,
            "revertResize": self.revert_resize,
            "os-migrateLive": self.migrate_live,
            "evacuate": self.evacuate,
        }
        return {key: custom.get(key) or self._generic(key)
                for key in server_actions.action_keys()}

    def _generic(self, key):
        """A handler for ``key``, an action whose body has no arguments."""
        row = server_actions.get(key)
        schema = schemas.no_argument(key)

        @wsgi.response(202)
        @validation.schema(schema)
        def handler(req, id, body):
            self._act(req, id, key)

        handler.__name__ = handler.__qualname__ = key.replace("-", "_")
        handler.__doc__ = f"{key}: {row.description}"
        return wsgi.api_version(row.min_version, row.max_version)(handler)

    def _server(self, req, id, row, expected_attrs=None):
        """Look the server up and authorize ``row``'s policy on it."""
        instance = self._servers._get_server(req, id, expected_attrs)
        authorize(req.context, row.policy, {"project_id": instance.project_id})
        return instance

    def _act(self, req, id, name, instance=None, **rpc_kwargs):
        """Authorize and start the action ``name``; map refusals to HTTP errors."""
        row = server_actions.get(name)
        if instance is None:
            instance = self._server(req, id, row)
        with translate_errors(row.key, id):
            return self.compute_api.start_action(req.context, instance, name, **rpc_kwargs)

    @wsgi.response(202)
    @validation.schema(schemas.reboot)
    def reboot(self, req, id, body):
        """reboot {"type": "SOFT" | "HARD"}."""
        reboot_type = body["reboot"]["type"].upper()
        self._act(req, id, f"reboot:{reboot_type}", reboot_type=reboot_type)

    @wsgi.api_version("2.1", "2.72")
    @wsgi.response(202)
    @validation.schema(schemas.lock)
    def lock(self, req, id, body):
        """lock (no reason before 2.73)."""
        self._lock(req, id, None)

    @lock.add_version("2.73")
    @wsgi.response(202)
    @validation.schema(schemas.lock_v273)
    def lock(self, req, id, body):  # noqa: F811  (the 2.73 variant)
        """lock, with an optional locked_reason (2.73)."""
        reason = (body["lock"] or {}).get("locked_reason")
        self._lock(req, id, reason)

    def _lock(self, req, id, reason):
        row = server_actions.get("lock")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id):
            self.compute_api.lock(req.context, instance, reason)

    @wsgi.response(202)
    @validation.schema(schemas.no_argument("unlock"))
    def unlock(self, req, id, body):
        """unlock; an admin's lock needs the unlock_override rule (upstream's)."""
        row = server_actions.get("unlock")
        instance = self._server(req, id, row)
        if instance.locked and instance.locked_by == "admin":
            authorize(req.context, UNLOCK_OVERRIDE, {"project_id": instance.project_id})
        with translate_errors(row.key, id):
            self.compute_api.unlock(req.context, instance)

    @wsgi.response(202)
    @validation.schema(schemas.reset_state)
    def reset_state(self, req, id, body):
        """os-resetState {"state": "active" | "error"} (administrators)."""
        row = server_actions.get("os-resetState")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id):
            self.compute_api.reset_state(req.context, instance,
                                         body["os-resetState"]["state"])


    @wsgi.response(200)
    @validation.schema(schemas.rescue)
    def rescue(self, req, id, body):
        """rescue {"adminPass", "rescue_image_ref"} -> {"adminPass"} (200).

        The password is answered only when [api] enable_instance_password
        is set, as upstream.
        """
        args = body["rescue"] or {}
        password = args.get("adminPass") or common.generate_password()
        row = server_actions.get("rescue")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id):
            try:
                self.compute_api.rescue(req.context, instance, rescue_password=password,
                                        rescue_image_ref=args.get("rescue_image_ref"))
            except exception.ImageNotFound as exc:
                raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        if CONF.api.enable_instance_password:
            return {"adminPass": password}
        return {}

    @wsgi.response(202)
    @validation.schema(schemas.change_password)
    def change_password(self, req, id, body):
        """changePassword {"adminPass"}: 202 once the guest has it.

        409 when the guest has no agent to set it; 501 when the hypervisor
        cannot set passwords at all (upstream's answers).
        """
        try:
            self._act(req, id, "changePassword",
                      new_pass=body["changePassword"]["adminPass"])
        except (exception.InstanceAgentNotEnabled,
                exception.InstancePasswordSetFailed) as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except NotImplementedError as exc:
            raise webob.exc.HTTPNotImplemented(
                explanation="Unable to set password on instance") from exc

    @wsgi.response(202)
    @validation.schema(schemas.no_argument("forceDelete"))
    def force_delete(self, req, id, body):
        """forceDelete: delete a (soft-deleted) server now."""
        row = server_actions.get("forceDelete")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id):
            server_actions.check_lock(req.context, instance, row)
            self.compute_api.delete(req.context, instance, force=True)

    # -- image actions: rebuild, createImage, createBackup, shelve, unshelve -----

    @wsgi.response(202)
    @validation.schema(schemas.rebuild, "2.1", "2.18")
    @validation.schema(schemas.rebuild_v219, "2.19", "2.53")
    @validation.schema(schemas.rebuild_v254, "2.54", "2.56")
    @validation.schema(schemas.rebuild_v257, "2.57", "2.89")
    @validation.schema(schemas.rebuild_v290, "2.90")
    def rebuild(self, req, id, body):
        """rebuild: 202 with the server as upstream answers it (REBUILD).

        ``adminPass`` (the one given, or a generated one) is in the answer
        when [api] enable_instance_password is set.
        """
        args = body["rebuild"]
        row = server_actions.get("rebuild")
        instance = self._server(req, id, row, ["flavor", "metadata", "tags"])
        changes = {attr: args[key] for key, attr in _REBUILD_FIELDS if key in args}
        if "OS-DCF:diskConfig" in args:
            changes["auto_disk_config"] = args["OS-DCF:diskConfig"] == "AUTO"
        password = args.get("adminPass") or common.generate_password()
        with translate_errors(row.key, id), _bad_request_errors(
                "Cannot find image for rebuild"):
            instance = self.compute_api.rebuild(
                req.context, instance, _last_segment(args["imageRef"]), password,
                injected_files=injected_files(args.get("personality")),
                preserve_ephemeral=strutils.bool_from_string(
                    args.get("preserve_ephemeral", False)),
                **changes)
        server = self._servers._view.rebuild(req, instance)
        if CONF.api.enable_instance_password:
            server["adminPass"] = password
        return {"server": server}

    @wsgi.response(202)
    @validation.schema(schemas.create_image)
    def create_image(self, req, id, body):
        """createImage: 202; the image's URL in Location (before 2.45), its id (2.45)."""
        args = body["createImage"]
        row = server_actions.get("createImage")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id), _bad_request_errors():
            image = self.compute_api.snapshot(req.context, instance, args["name"],
                                              args.get("metadata"))
        return _image_answer(req, image["id"])

    @wsgi.response(202)
    @validation.schema(schemas.create_backup)
    def create_backup(self, req, id, body):
        """createBackup: as createImage; no Location when rotation is 0 (before 2.45)."""
        args = body["createBackup"]
        row = server_actions.get("createBackup")
        instance = self._server(req, id, row)
        rotation = int(args["rotation"])
        with translate_errors(row.key, id), _bad_request_errors():
            image = self.compute_api.backup(req.context, instance, args["name"],
                                            args["backup_type"], rotation,
                                            args.get("metadata"))
        return _image_answer(req, image["id"], location=rotation > 0)

    @wsgi.response(202)
    @validation.schema(schemas.no_argument("shelve"))
    def shelve(self, req, id, body):
        """shelve: the host snapshots the server to Glance and powers it off."""
        row = server_actions.get("shelve")
        instance = self._server(req, id, row)
        with translate_errors(row.key, id), _bad_request_errors():
            self.compute_api.shelve(req.context, instance)

    @wsgi.api_version("2.1", "2.76")
    @wsgi.response(202)
    @validation.schema(schemas.no_argument("unshelve"))
    def unshelve(self, req, id, body):
        """unshelve (no arguments before 2.77)."""
        self._unshelve(req, id)

    @unshelve.add_version("2.77", "2.90")
    @wsgi.response(202)
    @validation.schema(schemas.unshelve_v277)
    def unshelve(self, req, id, body):  # noqa: F811  (the 2.77 variant)
        """unshelve, into an availability zone (2.77; offloaded servers only)."""
        args = body["unshelve"] or {}
        self._unshelve(req, id, **args)

    @unshelve.add_version("2.91")
    @wsgi.response(202)
    @validation.schema(schemas.unshelve_v291)
    def unshelve(self, req, id, body):  # noqa: F811  (the 2.91 variant)
        """unshelve, to a zone (null: any zone) or a host (administrators) (2.91)."""
        args = body["unshelve"] or {}
        self._unshelve(req, id, **args)

    def _unshelve(self, req, id, **args):
        row = server_actions.get("unshelve")
        instance = self._server(req, id, row)
        if args.get("host"):
            # After the look-up: another project's server is 404 here too.
            authorize(req.context, UNSHELVE_TO_HOST, {"project_id": instance.project_id})
        with translate_errors(row.key, id), _bad_request_errors():
            try:
                self.compute_api.unshelve(req.context, instance, **args)
            except exception.UnshelveInstanceInvalidState as exc:
                raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc

    # -- moves: os-migrateLive, evacuate ------------------------------------------

    @wsgi.response(202)
    @validation.schema(schemas.migrate_live, "2.1", "2.24")
    @validation.schema(schemas.migrate_live_v225, "2.25", "2.29")
    @validation.schema(schemas.migrate_live_v230, "2.30", "2.67")
    @validation.schema(schemas.migrate_live_v268, "2.68")
    def migrate_live(self, req, id, body):
        """os-migrateLive: 202; the checks run before the answer only before 2.34.

        block_migration "auto" (2.25) lets the destination decide (no
        shared storage here: the disks are copied); host null lets the
        scheduler choose; force (2.30-2.67) skips it for the host given.
        """
        args = body["os-migrateLive"]
        block_migration = args["block_migration"]
        block_migration = (None if block_migration == "auto"
                           else strutils.bool_from_string(block_migration, strict=True))
        disk_over_commit = strutils.bool_from_string(args.get("disk_over_commit", False))
        force = strutils.bool_from_string(args.get("force", False))
        row = server_actions.get("os-migrateLive")
        instance = self._server(req, id, row, ["flavor"])
        with translate_errors(row.key, id), _live_move_errors():
            self.compute_api.live_migrate(
                req.context, instance, block_migration, disk_over_commit, args.get("host"),
                force=force, async_=req.api_version_request.matches("2.34"))

    @wsgi.response(200)
    @validation.schema(schemas.evacuate, "2.1", "2.13")
    @validation.schema(schemas.evacuate_v214, "2.14", "2.28")
    @validation.schema(schemas.evacuate_v229, "2.29", "2.67")
    @validation.schema(schemas.evacuate_v268, "2.68")
    def evacuate(self, req, id, body):
        """evacuate: 200; the server is rebuilt on another host.

        Refused (400) while the server's host has its nova-compute up.
        Before 2.14 the answer holds the admin password (with [api]
        enable_instance_password); from 2.95 the server ends SHUTOFF.
        """
        args = body["evacuate"]
        row = server_actions.get("evacuate")
        instance = self._server(req, id, row)
        password = args.get("adminPass") or common.generate_password()
        target_state = "stopped" if req.api_version_request.matches("2.95") else None
        with translate_errors(row.key, id), _live_move_errors():
            try:
                self.compute_api.evacuate(
                    req.context, instance, host=args.get("host"), admin_password=password,
                    force=strutils.bool_from_string(args.get("force", False)),
                    target_state=target_state)
            except exception.ComputeHostNotFound as exc:
                raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        if not req.api_version_request.matches("2.14") and \
                CONF.api.enable_instance_password:
            return {"adminPass": password}
        return None


    # -- moves: resize, migrate, confirmResize, revertResize ----------------------

    @wsgi.response(202)
    @validation.schema(schemas.resize)
    def resize(self, req, id, body):
        """resize {"flavorRef"}: to another flavor; the server ends VERIFY_RESIZE."""
        row = server_actions.get("resize")
        instance = self._server(req, id, row, ["flavor", "system_metadata"])
        flavor_id = _last_segment(str(body["resize"]["flavorRef"]))
        with translate_errors(row.key, id), _move_errors():
            self.compute_api.resize(req.context, instance, flavor_id)

    @wsgi.api_version("2.1", "2.55")
    @wsgi.response(202)
    @validation.schema(schemas.migrate)
    def migrate(self, req, id, body):
        """migrate (administrators): to a host the scheduler picks."""
        self._migrate(req, id, None)

    @migrate.add_version("2.56")
    @wsgi.response(202)
    @validation.schema(schemas.migrate_v256)
    def migrate(self, req, id, body):  # noqa: F811  (the 2.56 variant)
        """migrate, optionally to a named host (2.56)."""
        host = (body["migrate"] or {}).get("host")
        self._migrate(req, id, host)

    def _migrate(self, req, id, host):
        row = server_actions.get("migrate")
        instance = self._server(req, id, row, ["flavor"])
        if host:
            authorize(req.context, MIGRATE_TO_HOST, {"project_id": instance.project_id})
        with translate_errors(row.key, id), _move_errors():
            self.compute_api.migrate(req.context, instance, host)

    @wsgi.response(204)
    @validation.schema(schemas.no_argument("confirmResize"))
    def confirm_resize(self, req, id, body):
        """confirmResize: 204 (api-ref "Confirm Resized Server")."""
        row = server_actions.get("confirmResize")
        instance = self._server(req, id, row, ["flavor", "system_metadata"])
        with translate_errors(row.key, id), _move_errors():
            self.compute_api.confirm_resize(req.context, instance)

    @wsgi.response(202)
    @validation.schema(schemas.no_argument("revertResize"))
    def revert_resize(self, req, id, body):
        """revertResize: 202 (api-ref "Revert Resized Server")."""
        row = server_actions.get("revertResize")
        instance = self._server(req, id, row, ["flavor", "system_metadata"])
        with translate_errors(row.key, id), _move_errors():
            self.compute_api.revert_resize(req.context, instance)


@contextlib.contextmanager
def _move_errors():
    """Turn what resize and migrate refuse in the request into 400 (quota: 403)."""
    try:
        yield
    except exception.MigrationNotFoundByStatus as exc:
        raise webob.exc.HTTPBadRequest(
            explanation="Instance has not been resized.") from exc
    except exception.QuotaError as exc:
        raise webob.exc.HTTPForbidden(explanation=exc.format_message()) from exc
    except (exception.FlavorNotFound, exception.CannotResizeToSameFlavor,
            exception.CannotResizeDisk, exception.CannotMigrateToSameHost,
            exception.ComputeHostNotFound, exception.FlavorMemoryTooSmall,
            exception.FlavorDiskSmallerThanMinDisk) as exc:
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc


#: rebuild's body keys -> instance fields (each microversion's schema says
#: which keys it accepts).
_REBUILD_FIELDS = (
    ("name", "display_name"), ("description", "display_description"),
    ("metadata", "metadata"), ("accessIPv4", "access_ip_v4"),
    ("accessIPv6", "access_ip_v6"), ("key_name", "key_name"),
    ("user_data", "user_data"), ("hostname", "hostname"),
)


def _image_answer(req, image_id, location=True):
    """The answer of createImage/createBackup (api-ref "Create Image").

    Before 2.45: 202 with no body and the image's URL in Location (none
    for a backup with rotation 0). From 2.45: {"image_id": ...}.
    """
    if req.api_version_request.matches("2.45"):
        return {"image_id": image_id}
    headers = {}
    if location:
        headers["Location"] = f"{common.application_url(req)}/images/{image_id}"
    return wsgi.ResponseObject(None, code=202, headers=headers)


@contextlib.contextmanager
def _bad_request_errors(image_not_found=None):
    """Turn what the image actions refuse in the request into 400 (quota: 403).

    :param image_not_found: the message for ImageNotFound (upstream's
        wording differs per action); its own message when None.
    """
    try:
        yield
    except exception.ImageNotFound as exc:
        raise webob.exc.HTTPBadRequest(
            explanation=image_not_found or exc.format_message()) from exc
    except exception.KeypairNotFound as exc:
        raise webob.exc.HTTPBadRequest(explanation="Invalid key_name provided.") from exc
    except exception.QuotaError as exc:
        raise webob.exc.HTTPForbidden(explanation=exc.format_message()) from exc
    except _BAD_REQUESTS as exc:
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc


@contextlib.contextmanager
def _live_move_errors():
    """Turn the refusals of a live migration's or evacuation's request and checks into 400."""
    try:
        yield
    except (exception.NoValidHost, exception.MigrationPreCheckError,
            exception.UnableToMigrateToSelf, exception.ComputeServiceUnavailable,
            exception.ComputeServiceInUse, exception.InvalidRequest,
            exception.ComputeHostNotFound) as exc:
        raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc


#: Refusals of the image actions' input that are the user's to fix (400).
_BAD_REQUESTS = (
    exception.ImageNotActive, exception.ImageBadRequest, exception.FlavorMemoryTooSmall,
    exception.FlavorDiskSmallerThanMinDisk, exception.InstanceUserDataMalformed,
    exception.InstanceUserDataTooLarge, exception.InvalidRequest,
    exception.ComputeHostNotFound,
)


@contextlib.contextmanager
def translate_errors(action, server_id):
    """Turn the compute API's refusals into upstream's 409s (and 404).

    :param action: the action key as the user sent it.
    :param server_id: the server's id, for the message.
    """
    try:
        yield
    except exception.InstanceIsLocked as exc:
        raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
    except exception.InstanceInvalidState as exc:
        raise common.conflict_for_invalid_state(exc, action, server_id) from exc
    except (exception.UnexpectedTaskStateError, exception.ComputeHostTooOld,
            exception.ConductorTooOld, exception.InstanceNotRunning) as exc:
        raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
    except exception.InstanceNotFound as exc:
        raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
