"""/servers/{server_id}/tags[/{tag}]: a server's tags (api-ref "Server tags", 2.26).

GET lists the tags, PUT replaces them all, DELETE removes them all; on one
tag GET checks it (204 or 404), PUT adds it (201 with its Location, 204
when the server had it) and DELETE removes it (204, 404 when absent). A
tag is 1-60 characters without "/" or ","; a server has at most 50 (400
beyond). Tags change only while the server is active, paused, suspended,
stopped, shelved or shelved_offloaded (409 otherwise). Before 2.26 these
routes do not exist (404); another project's server does not exist for
the caller (404).
"""

import urllib.parse

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import server_tags as schemas
from nova.objects import tag as tag_obj
from nova.policies import server_tags as st_policies
from nova.policy import authorize

MIN_VERSION = "2.26"


def _check_tag(tag):
    """Refuse a tag from the URL that the body schema would refuse.

    :raises webob.exc.HTTPBadRequest: empty, too long, or with "/" or ",".
    """
    if not tag or len(tag) > tag_obj.MAX_TAG_LENGTH or "/" in tag or "," in tag:
        raise webob.exc.HTTPBadRequest(
            explanation=f"Tag '{tag}' is invalid: a tag is 1 to "
                        f"{tag_obj.MAX_TAG_LENGTH} characters without '/' and ','.")


class ServerTagsController:
    """Handlers of /servers/{server_id}/tags.

    :param servers: the ServersController, whose compute API is shared.
    """

    def __init__(self, servers):
        self._servers = servers

    @property
    def compute_api(self):
        return self._servers.compute_api

    def _instance(self, req, server_id, action):
        """The server with its tags, after the policy check of ``action``.

        :raises webob.exc.HTTPNotFound: no such server (or another project's).
        """
        try:
            instance = self.compute_api.get(req.context, server_id, expected_attrs=["tags"])
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        authorize(req.context, st_policies.BASE % action,
                  {"project_id": instance.project_id})
        return instance

    @staticmethod
    def _names(instance):
        return sorted(t.tag for t in instance.tags or [])

    @staticmethod
    def _change(server_id, action, method, *args):
        """Call the compute API ``method``; map its refusals to 404/409."""
        try:
            return method(*args)
        except exception.InstanceInvalidState as exc:
            raise common.conflict_for_invalid_state(exc, action, server_id) from exc
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc

    @wsgi.api_version(MIN_VERSION)
    def index(self, req, server_id):
        """GET .../tags -> {"tags": [tag, ...]} (sorted)."""
        return {"tags": self._names(self._instance(req, server_id, "index"))}

    @wsgi.api_version(MIN_VERSION)
    @wsgi.response(204)
    def show(self, req, server_id, tag):
        """GET .../tags/{tag} -> 204 when the server has the tag, else 404."""
        instance = self._instance(req, server_id, "show")
        if tag not in self._names(instance):
            raise exception.InstanceTagNotFound(instance_id=server_id, tag=tag)

    @wsgi.api_version(MIN_VERSION)
    @validation.schema(schemas.update_all)
    def update_all(self, req, server_id, body):
        """PUT .../tags {"tags": [...]}: the server's tags become those.

        :returns: {"tags": the new tags, sorted}.
        """
        instance = self._instance(req, server_id, "update_all")
        tags = self._change(server_id, "update tags", self.compute_api.set_tags,
                            req.context, instance, body["tags"])
        return {"tags": tags}

    @wsgi.api_version(MIN_VERSION)
    @validation.schema(schemas.update)
    def update(self, req, server_id, tag, body):
        """PUT .../tags/{tag} (no body): 201 with Location when added, 204 when present."""
        instance = self._instance(req, server_id, "update")
        _check_tag(tag)
        added = self._change(server_id, "update tag", self.compute_api.add_tag,
                             req.context, instance, tag)
        if not added:
            return wsgi.ResponseObject(None, code=204)
        location = (f"{common.application_url(req)}/servers/{server_id}/tags/"
                    f"{urllib.parse.quote(tag, safe='')}")
        return wsgi.ResponseObject(None, code=201, headers={"Location": location})

    @wsgi.api_version(MIN_VERSION)
    @wsgi.response(204)
    def delete(self, req, server_id, tag):
        """DELETE .../tags/{tag} -> 204; 404 when the server has no such tag."""
        instance = self._instance(req, server_id, "delete")
        self._change(server_id, "delete tag", self.compute_api.delete_tag,
                     req.context, instance, tag)

    @wsgi.api_version(MIN_VERSION)
    @wsgi.response(204)
    def delete_all(self, req, server_id):
        """DELETE .../tags -> 204, the server has no tags left."""
        instance = self._instance(req, server_id, "delete_all")
        self._change(server_id, "delete tags", self.compute_api.delete_all_tags,
                     req.context, instance)
