"""ComputeCapabilitiesFilter: flavor extra specs that name host capabilities.

Extra specs scoped ``capabilities:`` (e.g. ``capabilities:hypervisor_type``)
must equal the host's attribute of that name; a value may start with an
operator as upstream documents (``>=``, ``<=``, ``==``, ``s==``, ``<in>``).
Other scopes (hw:, aggregate_instance_extra_specs:, ...) belong to other
filters and are ignored here.
"""

from nova.scheduler import utils
from nova.scheduler.filters import base

_SCOPE = "capabilities:"


def _matches(actual, requirement):
    words = str(requirement).split()
    if len(words) >= 2 and words[0] in (">=", "<=", "==", "s==", "s!=", "<in>"):
        op, wanted = words[0], " ".join(words[1:])
        if op == "<in>":
            return wanted in str(actual)
        if op in ("s==", "s!="):
            return (str(actual) == wanted) == (op == "s==")
        try:
            actual_f, wanted_f = float(actual), float(wanted)
        except (TypeError, ValueError):
            return False
        return {">=": actual_f >= wanted_f, "<=": actual_f <= wanted_f,
                "==": actual_f == wanted_f}[op]
    return str(actual) == str(requirement)


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
            if actual is None or not _matches(actual, requirement):
                return False
        return True
