"""/servers/{server_id}/os-server-password: the password a guest posted.

API reference "Servers password (servers, os-server-password)". A guest
agent posts its administrator password, encrypted with the server's SSH
key, to the metadata service (nova.api.metadata.password); GET gives it
back as stored ("" when none), DELETE clears it (the encrypted text is
all nova ever had, so clearing does not change the guest).
"""

import webob.exc

from nova import exception
from nova.api.metadata import password
from nova.api.openstack import wsgi
from nova.policies import server_password as sp_policies
from nova.policy import authorize


class ServerPasswordController:
    """Handlers of /servers/{server_id}/os-server-password.

    :param servers: the ServersController, whose compute API is shared.
    """

    def __init__(self, servers):
        self._servers = servers

    def _instance(self, req, server_id, rule):
        try:
            instance = self._servers.compute_api.get(
                req.context, server_id, expected_attrs=["system_metadata"])
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        authorize(req.context, rule, {"project_id": instance.project_id})
        return instance

    def index(self, req, server_id):
        """GET -> {"password": "<encrypted, base64>"} or {"password": ""}."""
        instance = self._instance(req, server_id, sp_policies.SHOW)
        return {"password": password.extract_password(instance.system_metadata or {})}

    @wsgi.response(204)
    def clear(self, req, server_id):
        """DELETE -> 204; the stored password is removed."""
        instance = self._instance(req, server_id, sp_policies.CLEAR)
        instance.system_metadata.update(password.password_chunks(""))
        instance.save()
