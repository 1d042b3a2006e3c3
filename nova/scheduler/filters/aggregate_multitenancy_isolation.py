"""AggregateMultiTenancyIsolation: aggregates reserved for some projects.

A host in an aggregate with metadata ``filter_tenant_id`` (or any key
starting with it, e.g. ``filter_tenant_id2``, for lists too long for one
value; comma-separated project ids) takes only servers of those projects.
Hosts in no such aggregate take every project (they are not reserved for
anyone, and the listed projects may build elsewhere too).
"""

from nova.scheduler import utils
from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

_KEY = "filter_tenant_id"


class AggregateMultiTenancyIsolation(base.BaseHostFilter):
    """Pass hosts whose aggregates name the request's project, or name none."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        allowed = set()
        for key, values in filter_utils.aggregate_metadata(host_state).items():
            if key.startswith(_KEY):
                allowed |= values
        if not allowed:
            return True
        return utils.get_field(spec_obj, "project_id") in allowed
