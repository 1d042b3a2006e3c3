"""The os-getConsoleOutput server action (api-ref "Show Console Output")."""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack.compute.schemas import servers as schemas
from nova.compute import server_actions
from nova.policy import authorize


class ConsoleOutputController:
    """POST /servers/{id}/action {"os-getConsoleOutput": {"length": N}}.

    :param servers: the ServersController, whose compute API and look-up
        this action shares.
    """

    def __init__(self, servers):
        self._servers = servers

    @validation.schema(schemas.get_console_output)
    def get_console_output(self, req, id, body):
        """Return {"output": text}: the last ``length`` lines, all when null or -1.

        :raises: 404 unknown server, 409 server not on a host yet, 501 when
            the hypervisor cannot give console output.
        """
        instance = self._servers._get_server(req, id)
        authorize(req.context, server_actions.get("os-getConsoleOutput").policy,
                  {"project_id": instance.project_id})
        length = body["os-getConsoleOutput"].get("length")
        length = None if length is None or int(length) == -1 else int(length)
        try:
            output = self._servers.compute_api.get_console_output(
                req.context, instance, tail_length=length)
        except (exception.InstanceInvalidState, exception.InstanceNotReady) as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except (exception.ConsoleNotAvailable, NotImplementedError) as exc:
            raise webob.exc.HTTPNotImplemented(
                explanation="Unable to get console output: not supported by the "
                            "hypervisor of this server") from exc
        return {"output": output}
