"""AggregateInstanceExtraSpecsFilter: flavor extra specs match aggregate metadata.

Each flavor extra spec scoped ``aggregate_instance_extra_specs:`` (the
scope is stripped) or not scoped at all names an aggregate metadata key;
the host must be in an aggregate with that key and one of the key's values
(comma-separated lists allowed) must satisfy the spec's requirement (plain
value or an operator, see extra_specs_ops). Extra specs of any other scope
(``hw:``, ``capabilities:``, ...) are ignored. Flavors without such extra
specs fit every host.
"""

import logging

from nova.scheduler import utils
from nova.scheduler.filters import base, extra_specs_ops
from nova.scheduler.filters import utils as filter_utils

LOG = logging.getLogger(__name__)

_SCOPE = "aggregate_instance_extra_specs"


def _flavor_extra_specs(spec_obj):
    flavor = utils.get_field(spec_obj, "flavor")
    return (utils.get_field(flavor, "extra_specs") or {}) if flavor else {}


class AggregateInstanceExtraSpecsFilter(base.BaseHostFilter):
    """Pass hosts whose aggregate metadata satisfies the flavor's extra specs."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        extra_specs = _flavor_extra_specs(spec_obj)
        if not extra_specs:
            return True
        metadata = None
        for key, requirement in extra_specs.items():
            scope, sep, name = key.partition(":")
            if sep:
                if scope != _SCOPE:
                    continue
                key = name
            if metadata is None:
                metadata = filter_utils.aggregate_metadata(host_state)
            values = metadata.get(key)
            if not values:
                LOG.debug("%s: no aggregate metadata %s for extra spec %s", host_state,
                          key, requirement)
                return False
            if not any(extra_specs_ops.match(value, requirement) for value in values):
                LOG.debug("%s: aggregate metadata %s=%s does not satisfy %s", host_state,
                          key, sorted(values), requirement)
                return False
        return True
