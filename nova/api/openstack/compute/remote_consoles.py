"""Remote consoles (api-ref "Server Consoles" and the legacy console actions).

``POST /servers/{id}/remote-consoles`` (2.6+) and the legacy server
actions ``os-getVNCConsole``, ``os-getSPICEConsole`` and
``os-getSerialConsole`` (2.1-2.5) return a URL of a console proxy with a
one-off token; nova-compute issues the token, and nova-novncproxy,
nova-spicehtml5proxy or nova-serialproxy accept it. ``spice-direct``
(2.99) hands the token to an external SPICE proxy, which looks it up with
GET /os-console-auth-tokens/{token}. RDP and MKS consoles have no driver
here and answer 400, as upstream does where they are not enabled.
"""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import remote_consoles as schemas
from nova.compute import server_actions
from nova.policy import authorize

#: protocol of ``remote-consoles`` -> the server action row serving it.
PROTOCOL_ACTIONS = {
    "vnc": "os-getVNCConsole",
    "spice": "os-getSPICEConsole",
    "serial": "os-getSerialConsole",
}


class RemoteConsolesController:
    """Console URLs of a server.

    :param servers: the ServersController, whose compute API and server
        look-up (404 for an unknown or foreign server) are shared.
    """

    def __init__(self, servers):
        self._servers = servers

    def _console_url(self, req, server_id, protocol, console_type):
        """Return the console URL; map the compute errors to upstream's statuses."""
        instance = self._servers._get_server(req, server_id)
        authorize(req.context, server_actions.REMOTE_CONSOLES,
                  {"project_id": instance.project_id})
        action = PROTOCOL_ACTIONS.get(protocol)
        if action is None:
            raise webob.exc.HTTPBadRequest(explanation=exception.ConsoleTypeUnavailable(
                console_type=console_type).format_message())
        try:
            return self._servers.compute_api.get_remote_console(
                req.context, instance, action, console_type)
        except (exception.InstanceNotReady, exception.InstanceInvalidState,
                exception.ComputeHostTooOld) as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        except (exception.ConsoleTypeInvalid, exception.ConsoleTypeUnavailable,
                exception.SocketPortRangeExhaustedException) as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        except NotImplementedError as exc:
            raise webob.exc.HTTPNotImplemented(
                explanation="Action is not supported by the hypervisor of this "
                            "server.") from exc

    def _legacy_action(self, req, server_id, body, action, protocol):
        console_type = body[action]["type"]
        url = self._console_url(req, server_id, protocol, console_type)
        return {"console": {"type": console_type, "url": url}}

    @wsgi.api_version("2.1", "2.5")
    @validation.schema(schemas.get_vnc_console)
    def get_vnc_console(self, req, id, body):
        """os-getVNCConsole action -> {"console": {"type", "url"}}.

        :raises: 404 unknown server; 409 not on a host yet or being
            deleted/migrated; 400 type other than novnc, or consoles off.
        """
        return self._legacy_action(req, id, body, "os-getVNCConsole", "vnc")

    @wsgi.api_version("2.1", "2.5")
    @validation.schema(schemas.get_spice_console)
    def get_spice_console(self, req, id, body):
        """os-getSPICEConsole action (type spice-html5) -> {"console": {"type", "url"}}.

        :raises: as ``get_vnc_console``; 400 while [spice] enabled is off.
        """
        return self._legacy_action(req, id, body, "os-getSPICEConsole", "spice")

    @wsgi.api_version("2.1", "2.5")
    @validation.schema(schemas.get_serial_console)
    def get_serial_console(self, req, id, body):
        """os-getSerialConsole action (type serial) -> {"console": {"type", "url"}}.

        :raises: as ``get_vnc_console``; 400 while [serial_console] enabled
            is off or the guest has no TCP serial port.
        """
        return self._legacy_action(req, id, body, "os-getSerialConsole", "serial")

    @wsgi.api_version("2.6")
    @validation.schema(schemas.create_v26, "2.6", "2.7")
    @validation.schema(schemas.create_v28, "2.8", "2.98")
    @validation.schema(schemas.create_v299, "2.99")
    def create(self, req, server_id, body):
        """POST /servers/{server_id}/remote-consoles -> {"remote_console": {...}}.

        :returns: {"remote_console": {"protocol", "type", "url"}} (200).
        :raises: as ``get_vnc_console``; 400 for rdp and mks, and for a
            type that is not of the protocol.
        """
        protocol = body["remote_console"]["protocol"]
        console_type = body["remote_console"]["type"]
        url = self._console_url(req, server_id, protocol, console_type)
        return {"remote_console": {"protocol": protocol, "type": console_type, "url": url}}
