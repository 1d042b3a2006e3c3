"""Remote consoles (api-ref "Server Remote Consoles" and "Get VNC Console").

``POST /servers/{id}/remote-consoles`` (2.6+) and the legacy
``os-getVNCConsole`` server action (2.1-2.5) both return a URL of the
noVNC page with a one-off token; nova-compute issues the token, and
nova-novncproxy accepts it. Only the VNC protocol with the noVNC type is
served; other protocols and types answer 400, as upstream does where
they are not enabled.
"""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import remote_consoles as schemas
from nova.policies import remote_consoles as rc_policies
from nova.policy import authorize


class RemoteConsolesController:
    """Console URLs of a server.

    :param servers: the ServersController, whose compute API and server
        look-up (404 for an unknown or foreign server) are shared.
    """

    def __init__(self, servers):
        self._servers = servers

    def _vnc_url(self, req, server_id, console_type):
        """Return the console URL; map the compute errors to upstream's statuses."""
        instance = self._servers._get_server(req, server_id)
        authorize(req.context, rc_policies.REMOTE_CONSOLES,
                  {"project_id": instance.project_id})
        try:
            return self._servers.compute_api.get_vnc_console(
                req.context, instance, console_type)["url"]
        except (exception.InstanceNotReady, exception.InstanceInvalidState,
                exception.ComputeHostTooOld) as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except (exception.ConsoleTypeInvalid, exception.ConsoleTypeUnavailable) as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except NotImplementedError as exc:
            raise webob.exc.HTTPNotImplemented(
                explanation="Action is not supported by the hypervisor of this "
                            "server.") from exc

    @wsgi.api_version("2.1", "2.5")
    @validation.schema(schemas.get_vnc_console)
    def get_vnc_console(self, req, id, body):
        """os-getVNCConsole action -> {"console": {"type", "url"}}.

        :raises: 404 unknown server; 409 not on a host yet or being
            deleted/migrated; 400 type other than novnc, or consoles off.
        """
        console_type = body["os-getVNCConsole"]["type"]
        url = self._vnc_url(req, id, console_type)
        return {"console": {"type": console_type, "url": url}}

    @wsgi.api_version("2.6")
    @validation.schema(schemas.create_v26, "2.6", "2.7")
    @validation.schema(schemas.create_v28, "2.8")
    def create(self, req, server_id, body):
        """POST /servers/{server_id}/remote-consoles -> {"remote_console": {...}}.

        :returns: {"remote_console": {"protocol", "type", "url"}} (200).
        :raises: as ``get_vnc_console``; 400 for any protocol but vnc.
        """
        protocol = body["remote_console"]["protocol"]
        console_type = body["remote_console"]["type"]
        if protocol != "vnc":
            # Still look the server up first: an unknown server is 404
            # whatever the body says.
            instance = self._servers._get_server(req, server_id)
            authorize(req.context, rc_policies.REMOTE_CONSOLES,
                      {"project_id": instance.project_id})
            raise webob.exc.HTTPBadRequest(explanation=exception.ConsoleTypeUnavailable(
                console_type=console_type).format_message())
        url = self._vnc_url(req, server_id, console_type)
        return {"remote_console": {"protocol": protocol, "type": console_type, "url": url}}
