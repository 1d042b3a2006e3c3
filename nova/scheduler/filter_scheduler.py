"""Choosing hosts: Placement candidates -> filters -> weighers -> claim.

Placement answers "who has room" atomically and at scale, narrowed up front
by the pre-filters (request_filter: zones, tenant isolation, disabled
computes, image types, isolated aggregates); the filters then
apply what Placement cannot know (service liveness, zones, image needs,
server groups), the weighers rank what is left, and the claim writes the
allocation for the best host that still accepts it. Each instance also gets
alternates (hosts in the same cell with their allocation requests) that the
conductor tries when a build fails, without asking the scheduler again.
"""

import logging
import random

from nova import conf as nova_conf
from nova import exception, objects
from nova.scheduler import filters, host_manager, request_filter, utils, weights

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


class FilterScheduler:
    """select_destinations for nova-scheduler.

    :param report_client: a SchedulerReportClient (Placement).
    :param host_zones_loader: callable(context) -> {host: availability zone}
        from aggregates.
    """

    def __init__(self, report_client, host_zones_loader, manager=None):
        self.placement = report_client
        self.host_zones_loader = host_zones_loader
        self.host_manager = manager or host_manager.HostManager()

    def _filters(self):
        # Read per request: enabled_filters is mutable on SIGHUP.
        return filters.load_filters(CONF.filter_scheduler.enabled_filters)

    def _weighers(self):
        return weights.load_weighers(CONF.filter_scheduler.weight_classes)

    @staticmethod
    def _requested_hosts(host_states, spec_obj):
        ignore = set(utils.get_field(spec_obj, "ignore_hosts") or [])
        force = set(utils.get_field(spec_obj, "force_hosts") or [])
        force_nodes = set(utils.get_field(spec_obj, "force_nodes") or [])
        kept = [h for h in host_states if h.host not in ignore]
        if force:
            kept = [h for h in kept if h.host in force]
        if force_nodes:
            kept = [h for h in kept if h.nodename in force_nodes]
        # An admin's target host (unshelve 2.91): only it, filters still apply.
        destination = utils.get_field(spec_obj, "requested_destination")
        if destination is not None and utils.get_field(destination, "host"):
            kept = [h for h in kept if h.host == destination.host and (
                not destination.obj_attr_is_set("node") or not destination.node
                or h.nodename == destination.node)]
        return kept

    @staticmethod
    def _in_requested_zone(host_states, spec_obj):
        """Keep hosts in the requested zone when zones are enforced up front.

        Placement's member_of (request_filter.map_az_to_placement_aggregate)
        cannot express the default zone (hosts in no zone aggregate), and a
        host joins its provider
        aggregate a moment after its aggregate; checking the host states
        too keeps both cases right.
        """
        zone = utils.get_field(spec_obj, "availability_zone")
        if not zone or not CONF.scheduler.query_placement_for_availability_zone:
            return host_states
        return [h for h in host_states if h.availability_zone == zone]

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=True):
        """Pick a host for each instance and claim its resources in Placement.

        :param spec_obj: RequestSpec (flavor, image, availability_zone,
            project_id, user_id, ignore_hosts, force_hosts, instance_group).
        :param instance_uuids: instance UUIDs, one claim each (the Placement
            consumers).
        :returns: a list (one per instance) of lists of objects.Selection: the
            claimed host first, then up to [scheduler] max_attempts - 1
            alternates in the same cell.
        :raises: NoValidHost when no host passes or no claim succeeds; claims
            already made for earlier instances of this request are removed.
        """
        resources = utils.resources_from_flavor(utils.get_field(spec_obj, "flavor"))
        query = request_filter.build_query(context, spec_obj, resources)
        alloc_reqs, summaries, version = self.placement.get_allocation_candidates(
            context, resources, limit=CONF.scheduler.max_placement_results,
            **query.candidates_kwargs())
        if not alloc_reqs:
            raise exception.NoValidHost(
                reason="There are not enough hosts available.")
        reqs_by_rp = {}
        for request in alloc_reqs:
            # A compute node is a single-provider tree: its request names it alone.
            for rp_uuid in request["allocations"]:
                reqs_by_rp.setdefault(rp_uuid, []).append(request)
        host_states = self.host_manager.get_host_states(
            context, {rp: summaries[rp] for rp in reqs_by_rp}, self.host_zones_loader(context))
        host_states = self._requested_hosts(host_states, spec_obj)
        host_states = self._in_requested_zone(host_states, spec_obj)

        selections = []
        claimed = []
        try:
            for uuid in instance_uuids:
                chosen, alternates = self._schedule_one(
                    context, spec_obj, uuid, host_states, reqs_by_rp, resources)
                claimed.append(uuid)
                selection = [objects.Selection.from_host_state(
                    chosen, reqs_by_rp[chosen.uuid][0], version)]
                if return_alternates:
                    selection += [
                        objects.Selection.from_host_state(
                            alt, reqs_by_rp[alt.uuid][0], version)
                        for alt in alternates
                    ]
                selections.append(selection)
        except exception.NoValidHost:
            for uuid in claimed:
                self.placement.delete_allocation_for_instance(context, uuid)
            raise
        return selections

    def _schedule_one(self, context, spec_obj, instance_uuid, host_states,
                      reqs_by_rp, resources):
        passing = list(host_states)
        for host_filter in self._filters():
            passing = host_filter.filter_all(passing, spec_obj)
            if not passing:
                LOG.info("Filter %s returned 0 hosts for instance %s",
                         type(host_filter).__name__, instance_uuid)
                raise exception.NoValidHost(
                    reason="There are not enough hosts available.")
        weighed = [w.host_state for w in weights.weigh_hosts(
            self._weighers(), passing, spec_obj, context)]
        # host_subset_size > 1 spreads concurrent schedulers over the best few.
        subset = max(1, CONF.filter_scheduler.host_subset_size)
        if subset > 1:
            head = weighed[:subset]
            random.shuffle(head)
            weighed = head + weighed[subset:]

        project_id = utils.get_field(spec_obj, "project_id")
        user_id = utils.get_field(spec_obj, "user_id")
        for index, host in enumerate(weighed):
            if self.placement.claim_resources(
                    context, instance_uuid, reqs_by_rp[host.uuid][0], project_id, user_id):
                self._consume(host, resources, spec_obj)
                others = [h for h in weighed[index + 1:] if h.cell_uuid == host.cell_uuid]
                return host, others[:max(0, CONF.scheduler.max_attempts - 1)]
            LOG.debug("Claim on %s failed for %s; trying the next host", host, instance_uuid)
        raise exception.NoValidHost(reason="Unable to claim resources on any host.")

    @staticmethod
    def _consume(host, resources, spec_obj):
        """Charge the claim to the host state so later instances see it."""
        host.free_vcpus -= resources.get(utils.VCPU, 0)
        host.free_ram_mb -= resources.get(utils.MEMORY_MB, 0)
        host.free_disk_gb -= resources.get(utils.DISK_GB, 0)
        host.consume_instance()
        group = utils.get_field(spec_obj, "instance_group")
        hosts = utils.get_field(group, "hosts") if group else None
        if hosts is not None:
            hosts.append(host.host)
