"""AggregateTypeAffinityFilter: aggregates that take only some flavors.

A host in an aggregate with metadata ``instance_type`` (a flavor name or a
comma-separated list of names) takes only servers of those flavors; hosts
in no such aggregate take every flavor.
"""

from nova.scheduler import utils
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils


class AggregateTypeAffinityFilter(base.BaseHostFilter):
    """Pass hosts whose aggregates' instance_type names the flavor, or are unset."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        values = filter_utils.aggregate_values(host_state, "instance_type")
        if not values:
            return True
        name = utils.get_field(utils.get_field(spec_obj, "flavor"), "name")
        return any(name in [part.strip() for part in str(value).split(",")]
                   for value in values)
