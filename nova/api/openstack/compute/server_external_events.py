"""POST /os-server-external-events: other services tell nova about its servers.

API reference "Servers - run an external event (os-server-external-events)".
The Network service reports a port plugged or changed, the Block Storage
service a volume extended, a bare-metal service a power change. Each event
is answered on its own: code 200 when it was passed to the server's host,
404 when there is no such server, 422 when the server has no host yet. The
response is 200 when every event was accepted, 207 when only some were,
404 when no event named an existing server. Accepted events are cast to
each host once, grouped (compute RPC external_instance_event).
"""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import server_external_events as schemas
from nova.policies import server_external_events as see_policies
from nova.policy import authorize


class ServerExternalEventsController:
    """Handler of /os-server-external-events.

    :param servers: the ServersController, whose compute API is shared.
    """

    def __init__(self, servers):
        self._servers = servers

    @validation.schema(schemas.create, "2.1", "2.50")
    @validation.schema(schemas.create_v251, "2.51", "2.75")
    @validation.schema(schemas.create_v276, "2.76", "2.81")
    @validation.schema(schemas.create_v282, "2.82", "2.92")
    @validation.schema(schemas.create_v293, "2.93")
    def create(self, req, body):
        """Accept the events; answer each with its code (see the module docstring)."""
        authorize(req.context, see_policies.CREATE, target={})
        context = req.context.elevated()
        compute_api = self._servers.compute_api
        answered, accepted, instances = [], [], {}
        for given in body["events"]:
            event = {"name": given["name"], "server_uuid": given["server_uuid"],
                     "status": given.get("status", "completed")}
            if "tag" in given:
                event["tag"] = given["tag"]
            answered.append(event)
            uuid = event["server_uuid"]
            try:
                instance = instances.get(uuid) or compute_api.get(context, uuid)
            except exception.InstanceNotFound:
                event.update(code=404, status="failed")
                continue
            if not instance.host:
                event.update(code=422, status="failed")
                continue
            instances[uuid] = instance
            event["code"] = 200
            accepted.append(event)
        if not instances:
            raise webob.exc.HTTPNotFound(explanation="No instances found for any event")
        compute_api.external_instance_event(context, list(instances.values()), accepted)
        code = 200 if all(e["code"] == 200 for e in answered) else 207
        return wsgi.ResponseObject({"events": answered}, code=code)
