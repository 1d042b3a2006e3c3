"""Placement pre-filters: narrow the allocation candidates query up front.

Filters in the scheduler see only the candidates Placement returned
(at most [scheduler] max_placement_results); a host ruled out later still
took a place in that list. What can be said as traits and aggregates is
therefore asked of Placement itself. Each pre-filter looks at the request
spec and adds to a PlacementQuery:

* availability zone -> member_of the zone's aggregates
  ([scheduler] query_placement_for_availability_zone);
* tenant isolation -> member_of the aggregates whose ``filter_tenant_id*``
  metadata names the project ([scheduler] limit_tenants_to_placement_aggregate,
  placement_aggregate_required_for_tenants);
* disabled computes -> forbidden trait COMPUTE_STATUS_DISABLED (always on;
  os-services disable and nova-compute set the trait);
* image type -> required trait COMPUTE_IMAGE_TYPE_<disk_format>
  ([scheduler] query_placement_for_image_type_support);
* isolated aggregates -> forbidden aggregates whose ``trait:X=required``
  metadata the request does not ask for
  ([scheduler] enable_isolated_aggregate_filtering).

The flavor's and image's own ``trait:NAME=required|forbidden`` go into the
query as well. Aggregates reach Placement through os-aggregates, which
mirrors each host aggregate as a Placement aggregate of the same uuid.
"""

import dataclasses
import logging

import os_traits

from nova import conf as nova_conf
from nova import exception, objects
from nova.scheduler import utils

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF

#: Aggregate metadata keys naming the projects isolated to the aggregate
#: ("filter_tenant_id", "filter_tenant_id2", ...).
TENANT_METADATA_PREFIX = "filter_tenant_id"
#: Flavor extra spec / image property / aggregate metadata prefix of traits.
TRAIT_PREFIX = "trait:"
#: Prefix of the traits that name an image disk format a driver boots.
IMAGE_TYPE_TRAIT_PREFIX = "COMPUTE_IMAGE_TYPE_"


@dataclasses.dataclass
class PlacementQuery:
    """What GET /allocation_candidates is asked for one request.

    :ivar resources: {resource class: amount}.
    :ivar required_traits / forbidden_traits: sets of trait names.
    :ivar member_of: list of aggregate uuid lists; the provider must be in
        one aggregate of every list.
    :ivar forbidden_aggregates: aggregate uuids the provider must not be in.
    """

    resources: dict
    required_traits: set = dataclasses.field(default_factory=set)
    forbidden_traits: set = dataclasses.field(default_factory=set)
    member_of: list = dataclasses.field(default_factory=list)
    forbidden_aggregates: set = dataclasses.field(default_factory=set)

    def candidates_kwargs(self):
        """Keyword arguments for SchedulerReportClient.get_allocation_candidates."""
        return {"required_traits": sorted(self.required_traits) or None,
                "forbidden_traits": sorted(self.forbidden_traits) or None,
                "member_of": [sorted(group) for group in self.member_of] or None,
                "forbidden_aggregates": sorted(self.forbidden_aggregates) or None}


def _trait_settings(values):
    """{trait: "required"|"forbidden"} from ``trait:NAME`` keys of a dict."""
    found = {}
    for key, value in (values or {}).items():
        if key.startswith(TRAIT_PREFIX) and value in ("required", "forbidden"):
            found[key[len(TRAIT_PREFIX):]] = value
    return found


def requested_traits(spec_obj):
    """Return (required, forbidden) trait sets of the flavor and the image.

    From flavor extra specs and image properties ``trait:NAME`` set to
    "required" or "forbidden" (upstream's syntax); the flavor wins when
    both name a trait.
    """
    flavor = utils.get_field(spec_obj, "flavor")
    image = utils.get_field(spec_obj, "image")
    image_props = utils.get_field(image, "properties") if image is not None else None
    settings = _trait_settings(dict(image_props or {}))
    settings.update(_trait_settings(utils.get_field(flavor, "extra_specs") or {}))
    required = {name for name, value in settings.items() if value == "required"}
    forbidden = {name for name, value in settings.items() if value == "forbidden"}
    return required, forbidden


def map_az_to_placement_aggregate(context, spec_obj, query):
    """The requested zone's aggregates as a member_of group.

    A zone with no aggregate (the default zone) adds nothing; the
    scheduler keeps the hosts of the zone itself (FilterScheduler).
    """
    zone = utils.get_field(spec_obj, "availability_zone")
    if not zone or not CONF.scheduler.query_placement_for_availability_zone:
        return False
    aggregates = objects.AggregateList.get_by_metadata(
        context, key="availability_zone", value=zone)
    uuids = [aggregate.uuid for aggregate in aggregates]
    if not uuids:
        return False
    query.member_of.append(uuids)
    return True


def require_tenant_aggregate(context, spec_obj, query):
    """Isolate a project to the aggregates whose filter_tenant_id* names it.

    :raises NoValidHost: no aggregate names the project and
        [scheduler] placement_aggregate_required_for_tenants is set.
    """
    if not CONF.scheduler.limit_tenants_to_placement_aggregate:
        return False
    project_id = utils.get_field(spec_obj, "project_id")
    uuids = [
        aggregate.uuid for aggregate in objects.AggregateList.get_all(context)
        if any(key.startswith(TENANT_METADATA_PREFIX) and value == project_id
               for key, value in (aggregate.metadata or {}).items())
    ]
    if uuids:
        query.member_of.append(uuids)
        return True
    if CONF.scheduler.placement_aggregate_required_for_tenants:
        raise exception.NoValidHost(reason=(
            f"No host aggregate is assigned to project {project_id} and "
            "[scheduler] placement_aggregate_required_for_tenants is set."))
    return False


def compute_status_filter(context, spec_obj, query):
    """Leave out the nodes of disabled compute services (always on)."""
    query.forbidden_traits.add(os_traits.COMPUTE_STATUS_DISABLED)
    return True


def require_image_type_support(context, spec_obj, query):
    """Ask for nodes whose driver boots the image's disk format.

    Skipped for a request without an image disk format (boot from
    volume); a format with no standard trait is logged and not asked for.
    """
    if not CONF.scheduler.query_placement_for_image_type_support:
        return False
    image = utils.get_field(spec_obj, "image")
    disk_format = utils.get_field(image, "disk_format") if image is not None else None
    if not disk_format:
        return False
    trait = IMAGE_TYPE_TRAIT_PREFIX + disk_format.upper()
    if trait not in os_traits.get_traits(IMAGE_TYPE_TRAIT_PREFIX):
        LOG.warning("Image disk format %s has no standard trait; not asking "
                    "Placement for it", disk_format)
        return False
    query.required_traits.add(trait)
    return True


def isolate_aggregates(context, spec_obj, query):
    """Forbid the aggregates reserved (trait:X=required) for other traits.

    An aggregate whose ``trait:*=required`` metadata names a trait the
    request does not require (flavor or image) is forbidden.
    """
    if not CONF.scheduler.enable_isolated_aggregate_filtering:
        return False
    required, _forbidden = requested_traits(spec_obj)
    forbidden = set()
    for aggregate in objects.AggregateList.get_all(context):
        traits = {name for name, value in _trait_settings(aggregate.metadata).items()
                  if value == "required"}
        if traits and not traits <= required:
            forbidden.add(aggregate.uuid)
    if not forbidden:
        return False
    query.forbidden_aggregates |= forbidden
    return True


#: Pre-filters in the order they run.
ALL_REQUEST_FILTERS = (
    map_az_to_placement_aggregate,
    require_tenant_aggregate,
    compute_status_filter,
    require_image_type_support,
    isolate_aggregates,
)


def build_query(context, spec_obj, resources):
    """Return the PlacementQuery for ``spec_obj`` after every pre-filter.

    :param resources: {resource class: amount} (utils.resources_from_flavor).
    :raises NoValidHost: a pre-filter rules every host out.
    """
    required, forbidden = requested_traits(spec_obj)
    query = PlacementQuery(resources=dict(resources), required_traits=set(required),
                           forbidden_traits=set(forbidden))
    for request_filter in ALL_REQUEST_FILTERS:
        if request_filter(context, spec_obj, query):
            LOG.debug("Pre-filter %s changed the Placement query: %s",
                      request_filter.__name__, query)
    return query
