"""The Placement client: resource providers, inventories, candidates, allocations.

nova-compute's resource tracker reports each node as a resource provider with
an inventory; nova-scheduler asks for allocation candidates and claims one of
them for the instance (the "consumer"); deleting or moving an instance removes
its allocations. Everything goes through one keystoneauth1 Adapter, built
from the [placement] options or handed in by the caller.

Talking to a Placement without Keystone (tools/services/placement.sh, the
functional test fixture): Placement's ``noauth2`` strategy takes the token as
the user id and gives the admin role to the token ``admin``, which these
calls need. Configure::

    [placement]
    auth_type = admin_token
    endpoint = http://127.0.0.1:8778
    token = admin

or pass an Adapter built by hand, e.g. ``keystoneauth1.adapter.Adapter(
session.Session(), service_type="placement",
endpoint_override=url, additional_headers={"X-Auth-Token": "admin"})``.

Every method takes the RequestContext first; its ``global_id`` is sent as
X-OpenStack-Request-ID so Placement's log lines carry the request id that
nova-api handed out. Provider generations are read from Placement on every
write rather than cached, so concurrent writers (two computes, a compute and
an operator) are resolved by Placement's generation checks plus a bounded
retry here.
"""

import logging
import urllib.parse

from keystoneauth1 import exceptions as ks_exc

import nova.conf
from nova import exception
from nova.conf import ksa as conf_ksa

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

#: Microversions, one per capability we rely on. Placement refuses a request
#: with a microversion it does not know, so these are also our minimum
#: supported Placement: one that serves microversion 1.36.
#: Resource provider calls: parent and root provider uuids (1.14), POST
#: answering 200 with the provider (1.20), error codes in bodies (1.23) that
#: tell "in use" from other conflicts.
PROVIDER_VERSION = "1.23"
#: An inventory's reserved may equal its total (a fully reserved resource).
INVENTORY_VERSION = "1.26"
#: Allocations carry consumer generations, project and user (GET and PUT).
ALLOCATIONS_VERSION = "1.28"
#: Allocation candidates with nested providers, forbidden traits
#: ("!TRAIT", 1.22), ``mappings`` (1.34) and ``same_subtree`` (1.36).
CANDIDATES_VERSION = "1.36"
#: Provider aggregates with the provider generation in GET and PUT (1.19).
AGGREGATES_VERSION = "1.19"
#: Provider traits, GET and PUT with the provider generation (1.6).
TRAITS_VERSION = "1.6"

#: Attempts for writes that lose a generation race before giving up.
GENERATION_CONFLICT_RETRIES = 4

#: What Placement stores for an inventory field a PUT leaves out (its API
#: contract); a wanted inventory is compared with these filled in.
INVENTORY_DEFAULTS = {
    "reserved": 0,
    "min_unit": 1,
    "max_unit": 2**31 - 1,
    "step_size": 1,
    "allocation_ratio": 1.0,
}

#: Placement's machine-readable error codes (the ``code`` of each error).
ERR_CONCURRENT_UPDATE = "placement.concurrent_update"
ERR_INVENTORY_INUSE = "placement.inventory.inuse"
ERR_PROVIDER_INUSE = "placement.resource_provider.inuse"


def get_placement_adapter(conf=CONF):
    """Build the keystoneauth1 Adapter for Placement from ``conf.placement``.

    Loads the auth plugin (``auth_type`` and its options, None when unset),
    the session options (TLS, timeout) and the adapter options (service
    type, interfaces, region, endpoint_override, retries).

    :param conf: an oslo.config ConfigOpts with the [placement] group
        registered (nova.conf.CONF by default).
    :returns: keystoneauth1.adapter.Adapter that never raises on HTTP errors
        (callers read the status code).
    """
    return conf_ksa.load_adapter(conf, "placement")


def _error_code(resp):
    """Return the first Placement error code of an error response, or ""."""
    try:
        errors = resp.json().get("errors") or []
    except ValueError:
        return ""
    return errors[0].get("code", "") if errors else ""


def _error_text(resp):
    """Return a short text for logs and exception messages."""
    try:
        errors = resp.json().get("errors") or []
    except ValueError:
        return f"{resp.status_code} {resp.text[:200]}"
    details = "; ".join(e.get("detail", "") for e in errors)
    return f"{resp.status_code} {details}".strip()


def _format_traits(required, forbidden):
    """Return the value of the ``required`` query parameter, or None."""
    names = sorted(required or ()) + [f"!{t}" for t in sorted(forbidden or ())]
    return ",".join(names) or None


def _member_of_params(member_of, forbidden_aggregates):
    """Return the ``member_of`` query parameters (repeated: all must hold).

    :param member_of: aggregate uuids (one group: any of them), or a list of
        such groups (the provider must be in one aggregate of every group).
    :param forbidden_aggregates: aggregate uuids the provider must be in
        none of ("!in:", microversion 1.32).
    """
    groups = list(member_of or [])
    if groups and all(isinstance(group, str) for group in groups):
        groups = [groups]
    params = [("member_of", "in:" + ",".join(sorted(group))) for group in groups if group]
    if forbidden_aggregates:
        params.append(("member_of", "!in:" + ",".join(sorted(forbidden_aggregates))))
    return params


def _format_resources(resources):
    """{"VCPU": 2, "MEMORY_MB": 512} -> "MEMORY_MB:512,VCPU:2" (zeros dropped)."""
    return ",".join(f"{rc}:{amount}" for rc, amount in sorted(resources.items()) if amount)


class SchedulerReportClient:
    """Client of the Placement API, shared by scheduler, conductor and compute.

    :param adapter: a keystoneauth1 Adapter whose service type is
        "placement" (microversion headers are named after it). None builds
        one from CONF.placement with get_placement_adapter().

    Methods raise exception.PlacementAPIConnectFailure when Placement cannot
    be reached at all (no endpoint, connection refused, timeout).
    """

    def __init__(self, adapter=None):
        self._adapter = adapter if adapter is not None else get_placement_adapter()

    # -- plumbing ---------------------------------------------------------

    def _request(self, context, method, url, version, body=None):
        kwargs = {"microversion": version, "raise_exc": False}
        if body is not None:
            kwargs["json"] = body
        global_id = getattr(context, "global_id", None)
        if global_id:
            kwargs["global_request_id"] = global_id
        try:
            return self._adapter.request(url, method, **kwargs)
        except (ks_exc.EndpointNotFound, ks_exc.ConnectFailure,
                ks_exc.ConnectTimeout, ks_exc.DiscoveryFailure,
                ks_exc.MissingAuthPlugin) as e:
            raise exception.PlacementAPIConnectFailure(reason=str(e)) from e

    def get(self, context, url, version):
        """GET ``url`` (relative to Placement's root) at microversion ``version``.

        :returns: the requests.Response, whatever its status.
        """
        return self._request(context, "GET", url, version)

    def put(self, context, url, body, version):
        """PUT a JSON ``body``; returns the requests.Response."""
        return self._request(context, "PUT", url, version, body)

    def post(self, context, url, body, version):
        """POST a JSON ``body``; returns the requests.Response."""
        return self._request(context, "POST", url, version, body)

    def delete(self, context, url, version):
        """DELETE ``url``; returns the requests.Response."""
        return self._request(context, "DELETE", url, version)

    # -- resource providers -----------------------------------------------

    def get_resource_provider(self, context, uuid):
        """Return the provider ``uuid`` as Placement shows it, or None.

        GET /resource_providers/{uuid} at 1.23.

        :returns: {"uuid", "name", "generation", "parent_provider_uuid",
            "root_provider_uuid", "links"} or None when there is none.
        :raises ResourceProviderRetrievalFailed: on any other error.
        """
        resp = self.get(context, f"/resource_providers/{uuid}", PROVIDER_VERSION)
        if resp.status_code == 200:
            return resp.json()
        if resp.status_code == 404:
            return None
        LOG.error("Failed to get resource provider %s: %s", uuid, _error_text(resp))
        raise exception.ResourceProviderRetrievalFailed(uuid=uuid)

    def ensure_resource_provider(self, context, uuid, name=None, parent_provider_uuid=None):
        """Return the provider ``uuid``, creating it when it does not exist.

        Upstream's rule: a compute node's provider has the node's uuid and its
        hypervisor_hostname as name. Creation uses POST /resource_providers
        at 1.23; a 409 there means another process created it first (then we
        read theirs) or that the name belongs to another uuid.

        :param uuid: the provider uuid (string).
        :param name: its unique name; defaults to ``uuid``.
        :param parent_provider_uuid: parent provider for a nested provider.
        :returns: the provider dict, as get_resource_provider().
        :raises ResourceProviderCreationFailed: when it can be neither read
            nor created (e.g. the name is taken by another uuid).
        """
        provider = self.get_resource_provider(context, uuid)
        if provider is not None:
            return provider
        name = name or uuid
        body = {"uuid": uuid, "name": name}
        if parent_provider_uuid:
            body["parent_provider_uuid"] = parent_provider_uuid
        resp = self.post(context, "/resource_providers", body, PROVIDER_VERSION)
        if resp.status_code == 200:
            LOG.info("Created resource provider %s (%s)", uuid, name)
            return resp.json()
        if resp.status_code == 409:
            provider = self.get_resource_provider(context, uuid)
            if provider is not None:
                return provider
        LOG.error("Failed to create resource provider %s (%s): %s",
                  uuid, name, _error_text(resp))
        raise exception.ResourceProviderCreationFailed(name=name)

    def delete_resource_provider(self, context, rp_uuid, cascade=False):
        """Delete the provider ``rp_uuid`` (a compute node going away).

        DELETE /resource_providers/{uuid} at 1.23. A provider that is already
        gone is not an error.

        :param cascade: first delete the allocations of every consumer that
            uses the provider (upstream does this when a compute service is
            deleted); otherwise a provider in use is refused.
        :raises ResourceProviderInUse: it still has allocations.
        :raises ResourceProviderDeletionFailed: any other failure.
        """
        if cascade:
            for consumer_uuid in self.get_provider_allocations(context, rp_uuid):
                self.delete_allocation_for_instance(context, consumer_uuid)
        resp = self.delete(context, f"/resource_providers/{rp_uuid}", PROVIDER_VERSION)
        if resp.status_code in (204, 404):
            return
        if resp.status_code == 409 and _error_code(resp) == ERR_PROVIDER_INUSE:
            raise exception.ResourceProviderInUse(uuid=rp_uuid)
        raise exception.ResourceProviderDeletionFailed(uuid=rp_uuid, error=_error_text(resp))

    # -- inventories and usages ---------------------------------------------

    def get_provider_inventory(self, context, rp_uuid):
        """Return (generation, inventories) of the provider ``rp_uuid``.

        GET /resource_providers/{uuid}/inventories at 1.26.

        :returns: (int provider generation, {resource class: {"total",
            "reserved", "min_unit", "max_unit", "step_size",
            "allocation_ratio"}}).
        :raises ResourceProviderRetrievalFailed: unknown provider or error.
        """
        resp = self.get(context, f"/resource_providers/{rp_uuid}/inventories",
                        INVENTORY_VERSION)
        if resp.status_code != 200:
            LOG.error("Failed to get inventory of %s: %s", rp_uuid, _error_text(resp))
            raise exception.ResourceProviderRetrievalFailed(uuid=rp_uuid)
        data = resp.json()
        return data["resource_provider_generation"], data["inventories"]

    @staticmethod
    def _inventory_matches(current, wanted):
        # A PUT resets left-out fields to their defaults, so compare with
        # those filled in: {"total": 8} does not match a stored reserved=512.
        if set(current) != set(wanted):
            return False
        return all(
            current[rc].get(field) == value
            for rc, fields in wanted.items()
            for field, value in {**INVENTORY_DEFAULTS, **fields}.items())

    def set_inventory_for_provider(self, context, rp_uuid, inventory_dict):
        """Replace the provider's inventory with ``inventory_dict``.

        PUT /resource_providers/{uuid}/inventories at 1.26, guarded by the
        provider generation just read. Losing a race to another writer
        (409 placement.concurrent_update) re-reads and retries, up to
        GENERATION_CONFLICT_RETRIES times. Nothing is written when Placement
        already holds the same values.

        :param rp_uuid: the provider, which must exist.
        :param inventory_dict: {resource class: {"total": int, and optionally
            "reserved", "min_unit", "max_unit", "step_size": int,
            "allocation_ratio": float}}, e.g. {"VCPU": {"total": 8,
            "allocation_ratio": 16.0}, "MEMORY_MB": {"total": 16384,
            "reserved": 512}, "DISK_GB": {"total": 100}}. Resource classes
            absent from the dict are removed from the provider.
        :returns: the provider generation after the update (int).
        :raises InventoryInUse: removing a class that has allocations.
        :raises ResourceProviderUpdateConflict: still losing races after
            the retries.
        :raises ResourceProviderUpdateFailed: any other refusal (400, ...).
        :raises ResourceProviderRetrievalFailed: unknown provider.
        """
        url = f"/resource_providers/{rp_uuid}/inventories"
        generation = None
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            generation, current = self.get_provider_inventory(context, rp_uuid)
            if self._inventory_matches(current, inventory_dict):
                return generation
            body = {"resource_provider_generation": generation,
                    "inventories": inventory_dict}
            resp = self.put(context, url, body, INVENTORY_VERSION)
            if resp.status_code == 200:
                return resp.json()["resource_provider_generation"]
            code = _error_code(resp)
            if resp.status_code == 409 and code == ERR_INVENTORY_INUSE:
                raise exception.InventoryInUse(uuid=rp_uuid, error=_error_text(resp))
            if resp.status_code == 409 and code == ERR_CONCURRENT_UPDATE:
                LOG.info("Inventory of %s changed under us (generation %s); retrying",
                         rp_uuid, generation)
                continue
            raise exception.ResourceProviderUpdateFailed(url=url, error=_error_text(resp))
        raise exception.ResourceProviderUpdateConflict(
            uuid=rp_uuid, generation=generation, error="generation conflict persisted")

    # -- provider traits -----------------------------------------------------

    def get_provider_traits(self, context, rp_uuid):
        """Return (generation, traits) of the provider ``rp_uuid``.

        GET /resource_providers/{uuid}/traits at 1.6.

        :returns: (int, set of trait names).
        :raises ResourceProviderRetrievalFailed: unknown provider or any
            other error.
        """
        resp = self.get(context, f"/resource_providers/{rp_uuid}/traits", TRAITS_VERSION)
        if resp.status_code != 200:
            LOG.error("Failed to get traits of resource provider %s: %s",
                      rp_uuid, _error_text(resp))
            raise exception.ResourceProviderRetrievalFailed(uuid=rp_uuid)
        body = resp.json()
        return body["resource_provider_generation"], set(body["traits"])

    def update_provider_traits(self, context, rp_uuid, add=(), remove=()):
        """Add and remove traits of the provider ``rp_uuid``, keeping the others.

        Traits an operator set on the provider stay. PUT
        /resource_providers/{uuid}/traits at 1.6 with the generation just
        read; a lost race (409) re-reads and retries up to
        GENERATION_CONFLICT_RETRIES times; nothing is written when the
        traits are already right. Every trait must exist in Placement
        (the standard os-traits names do).

        :param add: trait names the provider must have.
        :param remove: trait names it must not have (``add`` wins).
        :returns: the provider's traits afterwards (set of names).
        :raises ResourceProviderRetrievalFailed: unknown provider.
        :raises ResourceProviderUpdateConflict: still losing races.
        :raises ResourceProviderUpdateFailed: any other refusal.
        """
        url = f"/resource_providers/{rp_uuid}/traits"
        generation = None
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            generation, current = self.get_provider_traits(context, rp_uuid)
            wanted = (current - set(remove)) | set(add)
            if wanted == current:
                return current
            body = {"resource_provider_generation": generation, "traits": sorted(wanted)}
            resp = self.put(context, url, body, TRAITS_VERSION)
            if resp.status_code == 200:
                return set(resp.json()["traits"])
            if resp.status_code == 409:
                LOG.info("Traits of %s changed under us (generation %s); retrying",
                         rp_uuid, generation)
                continue
            raise exception.ResourceProviderUpdateFailed(url=url, error=_error_text(resp))
        raise exception.ResourceProviderUpdateConflict(
            uuid=rp_uuid, generation=generation, error="generation conflict persisted")

    # -- provider aggregates ------------------------------------------------

    def get_provider_aggregates(self, context, rp_uuid):
        """Return (generation, aggregates) of the provider ``rp_uuid``.

        GET /resource_providers/{uuid}/aggregates at 1.19.

        :returns: (int, set of aggregate uuid strings).
        :raises ResourceProviderRetrievalFailed: unknown provider or any
            other error.
        """
        resp = self.get(context, f"/resource_providers/{rp_uuid}/aggregates",
                        AGGREGATES_VERSION)
        if resp.status_code != 200:
            LOG.error("Failed to get aggregates of resource provider %s: %s",
                      rp_uuid, _error_text(resp))
            raise exception.ResourceProviderRetrievalFailed(uuid=rp_uuid)
        body = resp.json()
        return body["resource_provider_generation"], set(body["aggregates"])

    def _change_provider_aggregates(self, context, rp_uuid, change):
        url = f"/resource_providers/{rp_uuid}/aggregates"
        generation = None
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            generation, current = self.get_provider_aggregates(context, rp_uuid)
            wanted = change(set(current))
            if wanted == current:
                return current
            body = {"resource_provider_generation": generation,
                    "aggregates": sorted(wanted)}
            resp = self.put(context, url, body, AGGREGATES_VERSION)
            if resp.status_code == 200:
                return set(resp.json()["aggregates"])
            if resp.status_code == 409:
                LOG.info("Aggregates of %s changed under us (generation %s); retrying",
                         rp_uuid, generation)
                continue
            raise exception.ResourceProviderUpdateFailed(url=url, error=_error_text(resp))
        raise exception.ResourceProviderUpdateConflict(
            uuid=rp_uuid, generation=generation, error="generation conflict persisted")

    def add_provider_to_aggregate(self, context, rp_uuid, aggregate_uuid):
        """Make the provider ``rp_uuid`` a member of ``aggregate_uuid`` in Placement.

        The mirror of a host joining a host aggregate (os-aggregates
        add_host): PUT /resource_providers/{uuid}/aggregates at 1.19 with
        the provider generation just read, keeping its other aggregates.
        Losing a race to another writer (409) re-reads and retries, up to
        GENERATION_CONFLICT_RETRIES times; a provider already a member is
        left alone.

        :returns: the provider's aggregates afterwards (set of uuids).
        :raises ResourceProviderRetrievalFailed: unknown provider.
        :raises ResourceProviderUpdateConflict: still losing races.
        :raises ResourceProviderUpdateFailed: any other refusal.
        """
        return self._change_provider_aggregates(
            context, rp_uuid, lambda current: current | {aggregate_uuid})

    def remove_provider_from_aggregate(self, context, rp_uuid, aggregate_uuid):
        """Take the provider ``rp_uuid`` out of ``aggregate_uuid`` in Placement.

        The mirror of os-aggregates remove_host; same request, retries and
        errors as add_provider_to_aggregate. A provider that is not a
        member is left alone.
        """
        return self._change_provider_aggregates(
            context, rp_uuid, lambda current: current - {aggregate_uuid})

    def get_provider_usages(self, context, rp_uuid):
        """Return the provider's usages: {resource class: amount used}.

        GET /resource_providers/{uuid}/usages at 1.23. Every class of the
        inventory appears, with 0 when nothing is allocated.

        :raises ResourceProviderRetrievalFailed: unknown provider or error.
        """
        resp = self.get(context, f"/resource_providers/{rp_uuid}/usages", PROVIDER_VERSION)
        if resp.status_code != 200:
            raise exception.ResourceProviderRetrievalFailed(uuid=rp_uuid)
        return resp.json()["usages"]

    def get_provider_allocations(self, context, rp_uuid):
        """Return {consumer uuid: {"resources": {class: amount}}} on one provider.

        GET /resource_providers/{uuid}/allocations; {} for an unknown provider.
        """
        resp = self.get(context, f"/resource_providers/{rp_uuid}/allocations",
                        PROVIDER_VERSION)
        if resp.status_code == 404:
            return {}
        if resp.status_code != 200:
            raise exception.ResourceProviderRetrievalFailed(uuid=rp_uuid)
        return resp.json()["allocations"]

    # -- allocation candidates ----------------------------------------------

    def get_allocation_candidates(self, context, resources, limit=None,
                                  required_traits=None, forbidden_traits=None,
                                  member_of=None, in_tree=None, forbidden_aggregates=None):
        """Ask Placement which providers can hold ``resources`` together.

        GET /allocation_candidates at 1.36 (CANDIDATES_VERSION).

        :param resources: {resource class: amount}, e.g. a flavor's
            {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}; zero amounts are
            dropped (upstream omits DISK_GB for boot-from-volume).
        :param limit: at most this many allocation requests (upstream passes
            [scheduler] max_placement_results); None: no limit.
        :param required_traits: trait names every chosen provider tree must have.
        :param forbidden_traits: trait names it must not have.
        :param member_of: aggregate uuids, the provider must be in one of
            them; or a list of such lists, each of which must hold (one
            ``member_of`` parameter per list).
        :param forbidden_aggregates: aggregate uuids the provider must be in
            none of.
        :param in_tree: only the tree rooted at this provider uuid (used to
            target one host).
        :returns: (allocation_requests, provider_summaries, version) where
            allocation_requests is a list of {"allocations": {rp_uuid:
            {"resources": {class: amount}}}, "mappings": {...}} ready for
            claim_resources(), provider_summaries is {rp_uuid: {"resources":
            {class: {"capacity", "used"}}, "traits": [...],
            "parent_provider_uuid", "root_provider_uuid"}}, and version the
            microversion string the answer follows. On a Placement error,
            (None, None, None), which the scheduler turns into NoValidHost,
            as upstream does.
        """
        params = [("resources", _format_resources(resources))]
        if limit is not None:
            params.append(("limit", str(int(limit))))
        traits = _format_traits(required_traits, forbidden_traits)
        if traits:
            params.append(("required", traits))
        params += _member_of_params(member_of, forbidden_aggregates)
        if in_tree:
            params.append(("in_tree", in_tree))
        url = "/allocation_candidates?" + urllib.parse.urlencode(params, safe=",:!")
        resp = self.get(context, url, CANDIDATES_VERSION)
        if resp.status_code == 200:
            data = resp.json()
            return data["allocation_requests"], data["provider_summaries"], CANDIDATES_VERSION
        LOG.error("Failed to get allocation candidates for %s: %s", url, _error_text(resp))
        return None, None, None

    # -- allocations ----------------------------------------------------------

    def get_allocs_for_consumer(self, context, consumer_uuid):
        """Return all Placement knows about the consumer's allocations.

        GET /allocations/{consumer_uuid} at 1.28.

        :returns: {"allocations": {rp_uuid: {"resources": {class: amount},
            "generation": int}}, "consumer_generation": int or None,
            "project_id", "user_id"}; "allocations" is {} (and the other keys
            absent) for a consumer without allocations.
        :raises ConsumerAllocationRetrievalFailed: on an error answer.
        """
        resp = self.get(context, f"/allocations/{consumer_uuid}", ALLOCATIONS_VERSION)
        if resp.status_code != 200:
            raise exception.ConsumerAllocationRetrievalFailed(
                consumer_uuid=consumer_uuid, error=_error_text(resp))
        return resp.json()

    def get_allocations_for_consumer(self, context, consumer_uuid):
        """Return {rp_uuid: {"resources": {class: amount}, "generation": int}}.

        The allocations part of get_allocs_for_consumer(); {} when none.
        """
        return self.get_allocs_for_consumer(context, consumer_uuid)["allocations"]

    def claim_resources(self, context, consumer_uuid, allocation_request,
                        project_id, user_id, consumer_generation=None):
        """Write the allocations of one allocation request for a consumer.

        PUT /allocations/{consumer_uuid} at 1.28. This is the scheduler's
        claim: Placement checks capacity atomically, so of two schedulers
        that picked the same last slot only one succeeds. A provider
        generation race (409 concurrent_update not about the consumer) is
        retried as is, up to GENERATION_CONFLICT_RETRIES times.

        :param consumer_uuid: the instance (or migration) uuid.
        :param allocation_request: one item of get_allocation_candidates()'s
            first result: {"allocations": {rp_uuid: {"resources": {class:
            amount}}}, ...}; keys other than "allocations" are ignored.
        :param project_id: owner project of the consumer.
        :param user_id: owner user of the consumer.
        :param consumer_generation: None for a consumer that has no
            allocations yet (a new instance); otherwise the generation read
            from get_allocs_for_consumer(), so a concurrent change is caught.
        :returns: True when the allocations were written; False when
            Placement refused them for lack of capacity (or another 409).
        :raises AllocationUpdateFailed: the consumer generation did not match
            (someone else changed this consumer's allocations), or Placement
            rejected the request (400 and the like).
        """
        url = f"/allocations/{consumer_uuid}"
        body = {
            "allocations": {
                rp: {"resources": dict(alloc["resources"])}
                for rp, alloc in allocation_request["allocations"].items()
            },
            "project_id": project_id,
            "user_id": user_id,
            "consumer_generation": consumer_generation,
        }
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            resp = self.put(context, url, body, ALLOCATIONS_VERSION)
            if resp.status_code == 204:
                return True
            text = _error_text(resp)
            if resp.status_code == 409 and _error_code(resp) == ERR_CONCURRENT_UPDATE:
                if "consumer generation conflict" in text:
                    raise exception.AllocationUpdateFailed(
                        consumer_uuid=consumer_uuid, error=text)
                LOG.info("Provider generation race while claiming for %s; retrying",
                         consumer_uuid)
                continue
            if resp.status_code == 409:
                LOG.info("Unable to claim resources for %s: %s", consumer_uuid, text)
                return False
            raise exception.AllocationUpdateFailed(consumer_uuid=consumer_uuid, error=text)
        LOG.warning("Gave up claiming resources for %s after %d generation races",
                    consumer_uuid, GENERATION_CONFLICT_RETRIES)
        return False

    def remove_provider_from_allocations(self, context, consumer_uuid, rp_uuid):
        """Drop the consumer's allocations against one provider, keep the rest.

        GET then PUT /allocations/{consumer_uuid} at 1.28 with the consumer
        generation, retried when another writer got in between. Used when a
        claim on one provider of a multi-provider request must be undone.

        :returns: True when something was removed; False when the consumer
            had no allocations on ``rp_uuid``.
        :raises AllocationUpdateFailed: still conflicting after the retries,
            or Placement refused the write.
        """
        url = f"/allocations/{consumer_uuid}"
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            current = self.get_allocs_for_consumer(context, consumer_uuid)
            allocations = current.get("allocations") or {}
            if rp_uuid not in allocations:
                return False
            body = {
                "allocations": {
                    rp: {"resources": alloc["resources"]}
                    for rp, alloc in allocations.items() if rp != rp_uuid
                },
                "project_id": current["project_id"],
                "user_id": current["user_id"],
                "consumer_generation": current["consumer_generation"],
            }
            resp = self.put(context, url, body, ALLOCATIONS_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == ERR_CONCURRENT_UPDATE:
                continue
            raise exception.AllocationUpdateFailed(
                consumer_uuid=consumer_uuid, error=_error_text(resp))
        raise exception.AllocationUpdateFailed(
            consumer_uuid=consumer_uuid, error="consumer generation conflict persisted")

    def move_allocations(self, context, source_consumer_uuid, target_consumer_uuid):
        """Give the target consumer the source consumer's allocations, in one write.

        POST /allocations at 1.28 with both consumers' generations: the
        source ends with none, the target with exactly what the source
        held (its own allocations, if any, are replaced). A move starts so
        (instance -> migration: the source host's usage held by the
        migration) and a failed or aborted one ends so (migration ->
        instance: the instance holds its source allocation again and
        whatever it was given on the destination is gone). A generation
        conflict (someone wrote either consumer meanwhile) is retried
        with fresh reads.

        :param source_consumer_uuid: consumer whose allocations move.
        :param target_consumer_uuid: consumer that receives them.
        :returns: True when moved; False when the source had none
            (nothing is changed then: the target keeps its own).
        :raises AllocationUpdateFailed: Placement refused the write, or
            the conflict persisted after the retries.
        """
        for _attempt in range(GENERATION_CONFLICT_RETRIES):
            source = self.get_allocs_for_consumer(context, source_consumer_uuid)
            if not source.get("allocations"):
                LOG.info("Consumer %s has no allocations to move to %s",
                         source_consumer_uuid, target_consumer_uuid)
                return False
            target = self.get_allocs_for_consumer(context, target_consumer_uuid)
            body = {
                source_consumer_uuid: {
                    "allocations": {},
                    "project_id": source["project_id"],
                    "user_id": source["user_id"],
                    "consumer_generation": source["consumer_generation"],
                },
                target_consumer_uuid: {
                    "allocations": {
                        rp: {"resources": dict(alloc["resources"])}
                        for rp, alloc in source["allocations"].items()
                    },
                    "project_id": source["project_id"],
                    "user_id": source["user_id"],
                    "consumer_generation": target.get("consumer_generation"),
                },
            }
            resp = self.post(context, "/allocations", body, ALLOCATIONS_VERSION)
            if resp.status_code == 204:
                return True
            if resp.status_code == 409 and _error_code(resp) == ERR_CONCURRENT_UPDATE:
                LOG.info("Generation conflict moving allocations of %s to %s; retrying",
                         source_consumer_uuid, target_consumer_uuid)
                continue
            raise exception.AllocationUpdateFailed(
                consumer_uuid=target_consumer_uuid, error=_error_text(resp))
        raise exception.AllocationUpdateFailed(
            consumer_uuid=target_consumer_uuid,
            error="consumer generation conflict persisted")

    def delete_allocation_for_instance(self, context, instance_uuid):
        """Delete every allocation of the consumer ``instance_uuid``.

        DELETE /allocations/{consumer_uuid}: unconditional, as upstream does
        when an instance is deleted (the instance is gone, so whatever was
        written last must go too).

        :returns: True when allocations were deleted, False when there were
            none.
        :raises AllocationDeleteFailed: any other answer.
        """
        resp = self.delete(context, f"/allocations/{instance_uuid}", ALLOCATIONS_VERSION)
        if resp.status_code == 204:
            return True
        if resp.status_code == 404:
            return False
        raise exception.AllocationDeleteFailed(
            consumer_uuid=instance_uuid, error=_error_text(resp))
