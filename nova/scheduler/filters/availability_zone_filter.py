"""AvailabilityZoneFilter: the host must be in the zone the user asked for."""

from nova.scheduler import utils
from nova.scheduler.filters import base


class AvailabilityZoneFilter(base.BaseHostFilter):
    """Pass hosts in the requested availability zone (all hosts when none asked).

    A host's zone comes from the availability_zone metadata of its
    aggregates, else [DEFAULT] default_availability_zone.
    """

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        requested = utils.get_field(spec_obj, "availability_zone")
        if not requested:
            return True
        return requested == host_state.availability_zone
