"""/servers/{server_id}/metadata[/{key}]: a server's user metadata.

api-ref "Server metadata": GET lists it, POST merges items into it, PUT
replaces all of it; GET, PUT and DELETE on one key read, set and remove an
item. Changes need a server that is not locked (administrators excepted)
and is active, paused, suspended or stopped with no task running (409
otherwise); the whole metadata must fit the project's metadata_items
limit (403). Another project's server does not exist for the caller (404).
"""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import server_metadata as schemas
from nova.policies import server_metadata as sm_policies
from nova.policy import authorize


class ServerMetadataController:
    """Handlers of /servers/{server_id}/metadata.

    :param servers: the ServersController, whose compute API is shared.
    """

    def __init__(self, servers):
        self._servers = servers

    @property
    def compute_api(self):
        return self._servers.compute_api

    def _instance(self, req, server_id, action):
        """The server with its metadata, after the policy check of ``action``.

        :raises webob.exc.HTTPNotFound: no such server (or another project's).
        """
        try:
            instance = self.compute_api.get(req.context, server_id,
                                            expected_attrs=["metadata"])
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        authorize(req.context, sm_policies.BASE % action,
                  {"project_id": instance.project_id})
        return instance

    def _change(self, server_id, method, *args, action, **kwargs):
        """Call the compute API ``method``; map its refusals to 404/409."""
        try:
            return method(*args, **kwargs)
        except exception.InstanceIsLocked as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceInvalidState as exc:
            raise common.conflict_for_invalid_state(exc, action, server_id) from exc
        except exception.UnexpectedTaskStateError as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    def index(self, req, server_id):
        """GET .../metadata -> {"metadata": {key: value}}."""
        instance = self._instance(req, server_id, "index")
        return {"metadata": dict(instance.metadata)}

    def show(self, req, server_id, key):
        """GET .../metadata/{key} -> {"meta": {key: value}}; 404 when unset."""
        instance = self._instance(req, server_id, "show")
        if key not in instance.metadata:
            raise exception.InstanceMetadataNotFound()
        return {"meta": {key: instance.metadata[key]}}

    @validation.schema(schemas.metadata_all)
    def create(self, req, server_id, body):
        """POST .../metadata {"metadata": {...}}: add or change those items.

        :returns: {"metadata": the server's whole metadata afterwards}.
        """
        instance = self._instance(req, server_id, "create")
        metadata = self._change(server_id, self.compute_api.update_instance_metadata,
                                req.context, instance, body["metadata"],
                                action="update metadata")
        return {"metadata": metadata}

    @validation.schema(schemas.metadata_all)
    def update_all(self, req, server_id, body):
        """PUT .../metadata {"metadata": {...}}: the server's metadata becomes that.

        :returns: {"metadata": the new metadata}.
        """
        instance = self._instance(req, server_id, "update_all")
        metadata = self._change(server_id, self.compute_api.update_instance_metadata,
                                req.context, instance, body["metadata"], replace=True,
                                action="update metadata")
        return {"metadata": metadata}

    @validation.schema(schemas.metadata_item)
    def update(self, req, server_id, key, body):
        """PUT .../metadata/{key} {"meta": {key: value}}: set one item; echoes the body.

        :raises webob.exc.HTTPBadRequest: the body's key is not the URL's.
        """
        if key not in body["meta"]:
            raise webob.exc.HTTPBadRequest(explanation="Request body and URI mismatch")
        instance = self._instance(req, server_id, "update")
        self._change(server_id, self.compute_api.update_instance_metadata,
                     req.context, instance, body["meta"], action="update metadata")
        return {"meta": body["meta"]}

    @wsgi.response(204)
    def delete(self, req, server_id, key):
        """DELETE .../metadata/{key} -> 204; 404 when the server has no such item."""
        instance = self._instance(req, server_id, "delete")
        self._change(server_id, self.compute_api.delete_instance_metadata,
                     req.context, instance, key, action="delete metadata")
