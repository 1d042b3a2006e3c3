"""ComputeCapabilitiesFilter: flavor extra specs that name host capabilities.

Extra specs scoped ``capabilities:`` (e.g. ``capabilities:hypervisor_type``)
must equal the host's attribute of that name; a value may start with an
operator as upstream documents (see extra_specs_ops).
Other scopes (hw:, aggregate_instance_extra_specs:, ...) belong to other
filters and are ignored here.
"""

from nova.scheduler import utils
from nova.scheduler.filters import base, extra_specs_ops

_SCOPE = "capabilities:"


class ComputeCapabilitiesFilter(base.BaseHostFilter):
    """Pass hosts whose attributes satisfy the flavor's capabilities: extra specs."""

    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        flavor = utils.get_field(spec_obj, "flavor")
        extra_specs = utils.get_field(flavor, "extra_specs") or {} if flavor else {}
        for key, requirement in extra_specs.items():
            if not key.startswith(_SCOPE):
                continue
            attribute = key[len(_SCOPE):]
            actual = getattr(host_state, attribute, None)
            if actual is None or not extra_specs_ops.match(actual, requirement):
                return False
        return True
