"""/os-aggregates: administrators group compute hosts and give them metadata.

API reference "Host Aggregates (os-aggregates)". Every call is admin-only by
default. An aggregate is named by its integer id (anything else is 400).
The rules about availability zones and the Placement mirror live in
nova.compute.aggregates.
"""

import webob.exc

from nova import exception, policy
from nova.api import validation
from nova.api.openstack.compute.schemas import aggregates as schema
from nova.api.openstack.compute.views import aggregates as views
from nova.policies import aggregates as agg_policies

#: Aggregate ids are the API database's 32-bit integer primary keys.
_MAX_AGGREGATE_ID = 2**31 - 1


def _aggregate_id(id):
    """The aggregate id of a path (int).

    :raises HTTPBadRequest: not an integer.
    :raises AggregateNotFound: an integer no aggregate can have (404);
        passed on, it made the database driver fail (500).
    """
    try:
        number = int(id)
    except ValueError as exc:
        raise webob.exc.HTTPBadRequest(explanation=f"Invalid aggregate id {id}") from exc
    if not 0 <= number <= _MAX_AGGREGATE_ID:
        raise exception.AggregateNotFound(aggregate_id=id)
    return number


class AggregatesController:
    """Handlers of /os-aggregates.

    :param aggregate_api_factory: callable returning
        nova.compute.aggregates.AggregateAPI; called on first use.
    """

    def __init__(self, aggregate_api_factory):
        self._api_factory = aggregate_api_factory
        self._api = None

    @property
    def api(self):
        if self._api is None:
            self._api = self._api_factory()
        return self._api

    @staticmethod
    def _authorize(req, action):
        policy.authorize(req.context, agg_policies.AGGREGATES % action, target={})

    def index(self, req):
        """GET /os-aggregates -> {"aggregates": [...]} with hosts and metadata."""
        self._authorize(req, "index")
        return views.index(req, self.api.get_all(req.context))

    @validation.schema(schema.create)
    def create(self, req, body):
        """POST /os-aggregates {"aggregate": {"name", "availability_zone"?}} -> 200.

        The answer has no ``hosts`` nor ``metadata`` (upstream's shape).
        409 for a name in use; 400 for the internal services' zone.
        """
        self._authorize(req, "create")
        spec = body["aggregate"]
        aggregate = self.api.create(req.context, spec["name"], spec.get("availability_zone"))
        return views.show(req, aggregate, with_members=False)

    def show(self, req, id):
        """GET /os-aggregates/{id} -> {"aggregate": {...}}; 404 unknown."""
        self._authorize(req, "show")
        return views.show(req, self.api.get(req.context, _aggregate_id(id)))

    @validation.schema(schema.update)
    def update(self, req, id, body):
        """PUT /os-aggregates/{id} {"aggregate": {"name"?, "availability_zone"?}}.

        400 when the zone change breaks a zone rule (a host in another
        zone, servers on its hosts, an empty or internal name); 409 for a
        name in use.
        """
        self._authorize(req, "update")
        aggregate = self.api.update(req.context, _aggregate_id(id), body["aggregate"])
        return views.show(req, aggregate)

    def delete(self, req, id):
        """DELETE /os-aggregates/{id} -> 200, no body; 400 while it has hosts."""
        self._authorize(req, "delete")
        self.api.delete(req.context, _aggregate_id(id))

    @validation.schema(schema.add_host)
    def add_host(self, req, id, body):
        """POST /os-aggregates/{id}/action {"add_host": {"host"}} -> the aggregate.

        404 for an unknown aggregate or compute host; 409 when the host is
        a member already or is in another availability zone.
        """
        self._authorize(req, "add_host")
        host = body["add_host"]["host"]
        try:
            aggregate = self.api.add_host(req.context, _aggregate_id(id), host)
        except exception.InvalidAggregateAction as exc:
            raise webob.exc.HTTPConflict(explanation=exc.format_message()) from exc
        return views.show(req, aggregate)

    @validation.schema(schema.remove_host)
    def remove_host(self, req, id, body):
        """POST /os-aggregates/{id}/action {"remove_host": {"host"}} -> the aggregate.

        404 for an unknown aggregate or compute host, or a host that is
        not a member; 409 when Placement could not be updated.
        """
        self._authorize(req, "remove_host")
        host = body["remove_host"]["host"]
        aggregate_id = _aggregate_id(id)
        try:
            aggregate = self.api.remove_host(req.context, aggregate_id, host)
        except exception.NotFound as exc:
            raise webob.exc.HTTPNotFound(
                explanation=f"Cannot remove host {host} in aggregate {aggregate_id}: "
                            f"{exc.format_message()}") from exc
        except exception.Conflict as exc:
            raise webob.exc.HTTPConflict(
                explanation=f"Cannot remove host {host} in aggregate {aggregate_id}: "
                            f"{exc.format_message()}") from exc
        return views.show(req, aggregate)

    @validation.schema(schema.set_metadata)
    def set_metadata(self, req, id, body):
        """POST /os-aggregates/{id}/action {"set_metadata": {"metadata": {k: v|null}}}.

        A null value deletes the key. Answers the aggregate; 400 when an
        availability_zone change breaks a zone rule.
        """
        self._authorize(req, "set_metadata")
        aggregate = self.api.update_metadata(
            req.context, _aggregate_id(id), body["set_metadata"]["metadata"])
        return views.show(req, aggregate)
