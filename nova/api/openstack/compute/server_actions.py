"""POST /servers/{id}/action: the actions of the server action table.

``handlers()`` gives the router one handler per action key of
nova.compute.server_actions. Actions whose body carries nothing use the
generic handler; those with arguments (reboot, lock, os-resetState, ...)
have a method here that reads the body and calls the same ``_act``. Every
handler answers 202 with no body, as upstream, once the action is
recorded and handed to the host; its outcome shows in the server's state
and in ``GET /servers/{id}/os-instance-actions``.

Errors: 404 unknown (or another project's) server; 403 policy; 409 locked
server, a state the action is not allowed from, a concurrent action, or a
host too old for the action; 404 for an action outside its microversion
range.
"""

import contextlib

import webob.exc

from nova import conf as nova_conf
from nova import exception
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import server_actions as schemas
from nova.compute import server_actions
from nova.policy import authorize

CONF = nova_conf.CONF

#: Rule letting a non-admin unlock a server an admin locked (upstream's).
UNLOCK_OVERRIDE = "os_compute_api:os-lock-server:unlock:unlock_override"


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

    def _server(self, req, id, row):
        """Look the server up and authorize ``row``'s policy on it."""
        instance = self._servers._get_server(req, id)
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
            exception.InstanceNotRunning) as exc:
        raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
    except exception.InstanceNotFound as exc:
        raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
