"""Host aggregates: the rules os-aggregates enforces, and their Placement mirror.

Aggregates live in the API database (objects.Aggregate). Each one is also a
provider aggregate in Placement with the same uuid: adding a host to an
aggregate adds its compute nodes' resource providers to it, removing the
host takes them out, so Placement can answer ``member_of`` queries.

An aggregate with the ``availability_zone`` metadata key defines that zone
for its hosts (nova.compute.availability_zones). The rules kept here are
upstream's: a host is in at most one zone (adding it to a second zone
aggregate, or renaming a zone one of its hosts shares with another
aggregate, is refused); a zone is never renamed or emptied while one of its
hosts has servers; a zone name is never empty nor the internal services'
zone; a non-empty aggregate is not deleted.
"""

import logging

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.objects.aggregate import AZ_METADATA_KEY

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


def _refuse(action, aggregate, reason):
    raise exception.InvalidAggregateAction(
        action=action, aggregate_id=aggregate.id, reason=reason)


def _host_cell(context, host):
    """Return the CellMapping of compute host ``host``.

    :raises ComputeHostNotFound: the host is not mapped to a cell or runs no
        nova-compute service there (names compare exactly).
    """
    try:
        mapping = objects.HostMapping.get_by_host(context, host)
    except exception.HostMappingNotFound as exc:
        raise exception.ComputeHostNotFound(host=host) from exc
    with nova_context.target_cell(context, mapping.cell_mapping) as cctxt:
        service = objects.Service.get_by_compute_host(cctxt, host)
    # A case-insensitive database collation may match another spelling.
    if service.host != host:
        raise exception.ComputeHostNotFound(host=host)
    return mapping.cell_mapping


class AggregateAPI:
    """Aggregate operations behind os-aggregates.

    :param reportclient: SchedulerReportClient (Placement), for the mirror.
    """

    def __init__(self, reportclient):
        self.reportclient = reportclient

    # -- reads ------------------------------------------------------------

    @staticmethod
    def get(context, aggregate_id):
        """Return aggregate ``aggregate_id`` (int); raises AggregateNotFound."""
        return objects.Aggregate.get_by_id(context, aggregate_id)

    @staticmethod
    def get_all(context):
        """Return every aggregate (AggregateList, by id)."""
        return objects.AggregateList.get_all(context)

    # -- zone rules ---------------------------------------------------------

    @staticmethod
    def _hosts_have_servers(context, hosts):
        for host in hosts:
            try:
                cell = _host_cell(context, host)
            except exception.ComputeHostNotFound:
                continue
            with nova_context.target_cell(context, cell) as cctxt:
                if objects.InstanceList.get_by_host(cctxt, host, expected_attrs=[]):
                    return True
        return False

    def _check_zone(self, context, action, aggregate, metadata, hosts,
                    check_servers=False):
        """Refuse a zone change that breaks the zone rules (module doc).

        :param metadata: the aggregate's metadata as it would be; nothing
            is checked when it has no availability_zone key.
        :param hosts: the hosts that would be in the aggregate's zone.
        :param check_servers: refuse changing the zone name while one of
            ``hosts`` runs servers (update and set_metadata).
        :raises InvalidAggregateAction: the reason in its message.
        """
        if AZ_METADATA_KEY not in metadata:
            return
        zone = metadata[AZ_METADATA_KEY]
        if not zone:
            _refuse(action, aggregate,
                    f"Aggregate {aggregate.name} does not support empty named "
                    "availability zone")
        if zone == CONF.internal_service_availability_zone:
            _refuse(action, aggregate,
                    f"The availability zone {zone} is reserved for internal services")
        if hosts:
            others = objects.AggregateList.get_by_metadata_key(
                context, AZ_METADATA_KEY, hosts=list(hosts))
            conflicting = sorted({other.availability_zone for other in others
                                  if other.id != aggregate.id
                                  and other.availability_zone != zone})
            if conflicting:
                _refuse(action, aggregate,
                        "One or more hosts already in availability zone(s) "
                        f"{conflicting}")
        if check_servers and hosts and aggregate.availability_zone != zone \
                and self._hosts_have_servers(context, hosts):
            _refuse(action, aggregate, "One or more hosts contain instances in this zone")

    # -- writes -----------------------------------------------------------

    def create(self, context, name, availability_zone=None):
        """Create an aggregate, in zone ``availability_zone`` when given.

        :raises AggregateNameExists: (409) the name is taken.
        :raises InvalidAggregateAction: (400) the zone is the internal one.
        """
        aggregate = objects.Aggregate(context, name=name, metadata={})
        if availability_zone:
            aggregate.metadata = {AZ_METADATA_KEY: availability_zone}
            if availability_zone == CONF.internal_service_availability_zone:
                raise exception.InvalidAggregateAction(
                    action="create", aggregate_id=name,
                    reason=f"The availability zone {availability_zone} is reserved "
                           "for internal services")
        aggregate.create()
        return aggregate

    def update(self, context, aggregate_id, values):
        """Rename the aggregate and/or change its zone.

        :param values: {"name"?: str, "availability_zone"?: str or None}.
        :raises AggregateNotFound: (404).
        :raises AggregateNameExists: (409) the new name is taken.
        :raises InvalidAggregateAction: (400) a zone rule (module doc).
        """
        aggregate = self.get(context, aggregate_id)
        values = dict(values)
        self._check_zone(context, "update", aggregate, values, aggregate.hosts,
                         check_servers=True)
        if "name" in values:
            aggregate.name = values.pop("name")
            aggregate.save()
        if values:
            aggregate.update_metadata(values)
        return aggregate

    def update_metadata(self, context, aggregate_id, metadata):
        """Set (or, with a None value, delete) metadata keys of the aggregate.

        Deleting a key the aggregate does not have is not an error.

        :raises AggregateNotFound: (404).
        :raises InvalidAggregateAction: (400) a zone rule (module doc).
        """
        aggregate = self.get(context, aggregate_id)
        self._check_zone(context, "update metadata of", aggregate, metadata,
                         aggregate.hosts, check_servers=True)
        current = aggregate.metadata or {}
        updates = {key: value for key, value in metadata.items()
                   if value is not None or key in current}
        if updates:
            aggregate.update_metadata(updates)
        return aggregate

    def delete(self, context, aggregate_id):
        """Delete an aggregate that has no host.

        :raises AggregateNotFound: (404).
        :raises InvalidAggregateAction: (400) it still has hosts.
        """
        aggregate = self.get(context, aggregate_id)
        if aggregate.hosts:
            _refuse("delete", aggregate, "Host aggregate is not empty")
        aggregate.destroy()

    def add_host(self, context, aggregate_id, host):
        """Add compute host ``host`` to the aggregate and mirror it in Placement.

        The host's compute nodes' providers join the provider aggregate of
        the same uuid. A Placement failure is logged and does not undo the
        change (upstream's rule: the user cannot fix Placement).

        :raises ComputeHostNotFound: (404) no such compute host.
        :raises AggregateNotFound: (404).
        :raises AggregateHostExists: (409) it is a member already.
        :raises InvalidAggregateAction: (409 at the API) the host is in
            another zone.
        """
        cell = _host_cell(context, host)
        aggregate = self.get(context, aggregate_id)
        self._check_zone(context, "add host to", aggregate, aggregate.metadata or {}, [host])
        aggregate.add_host(host)
        for rp_uuid in self._providers(context, cell, host):
            try:
                self.reportclient.add_provider_to_aggregate(context, rp_uuid, aggregate.uuid)
            except (exception.PlacementAPIConnectFailure,
                    exception.ResourceProviderRetrievalFailed,
                    exception.ResourceProviderUpdateFailed,
                    exception.ResourceProviderUpdateConflict) as exc:
                LOG.warning("Could not add resource provider %s of host %s to aggregate "
                            "%s in Placement: %s", rp_uuid, host, aggregate.uuid, exc)
        return aggregate

    def remove_host(self, context, aggregate_id, host):
        """Remove compute host ``host`` from the aggregate, Placement first.

        Placement is updated before the API database so that a failure
        there can be retried with the same call. A provider Placement does
        not know (or cannot be reached for) is logged and skipped.

        :raises ComputeHostNotFound: (404) no such compute host.
        :raises AggregateNotFound: (404).
        :raises AggregateHostNotFound: (404) it is not a member.
        :raises ResourceProviderUpdateConflict: (409) Placement kept
            changing under us.
        """
        cell = _host_cell(context, host)
        aggregate = self.get(context, aggregate_id)
        if host not in (aggregate.hosts or []):
            raise exception.AggregateHostNotFound(aggregate_id=aggregate.id, host=host)
        for rp_uuid in self._providers(context, cell, host):
            try:
                self.reportclient.remove_provider_from_aggregate(
                    context, rp_uuid, aggregate.uuid)
            except (exception.PlacementAPIConnectFailure,
                    exception.ResourceProviderRetrievalFailed) as exc:
                LOG.warning("Could not remove resource provider %s of host %s from "
                            "aggregate %s in Placement: %s",
                            rp_uuid, host, aggregate.uuid, exc)
        aggregate.delete_host(host)
        return aggregate

    @staticmethod
    def _providers(context, cell, host):
        """Resource provider uuids of ``host``'s compute nodes (a node's uuid)."""
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                return [node.uuid for node in objects.ComputeNodeList.get_by_host(cctxt, host)]
            except exception.ComputeHostNotFound:
                return []
