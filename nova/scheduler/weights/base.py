"""The weigher base class and the ranking of hosts."""

import dataclasses
import logging

from nova import conf as nova_conf

LOG = logging.getLogger(__name__)
CONF = nova_conf.CONF


def parse_weight_setting(entries, option):
    """Parse ``name=ratio`` entries ([metrics] weight_setting and the like).

    :param entries: list of strings, e.g. ["cpu.percent=-1.0", "os_distro=10"].
    :param option: the option's name, for the warning.
    :returns: [(name, float ratio)] in the given order; an entry that is not
        ``name=number`` is left out with a warning.
    """
    parsed = []
    for entry in entries or []:
        name, sep, ratio = entry.partition("=")
        name = name.strip()
        try:
            value = float(ratio)
        except ValueError:
            value = None
        if not sep or not name or value is None:
            LOG.warning("Ignoring %r in %s: expected name=number", entry, option)
            continue
        parsed.append((name, value))
    return parsed


@dataclasses.dataclass
class WeighedHost:
    """A host state with its total weight (higher is better)."""

    host_state: object
    weight: float = 0.0


class BaseHostWeigher:
    """Scores hosts on one resource; subclasses set ``multiplier_option``."""

    #: Name of the [filter_scheduler] option holding this weigher's multiplier.
    multiplier_option = None

    def weight_multiplier(self):
        """Return the multiplier from [filter_scheduler] (read each time: mutable)."""
        return getattr(CONF.filter_scheduler, self.multiplier_option)

    def prepare(self, context, host_states, spec_obj):
        """Load what ``weigh`` needs for all hosts at once (default: nothing).

        Called once per ranking, before ``weigh``, and only when the
        multiplier is not 0, so a weigher switched off costs no query.
        Weighers are built afresh for each ranking: what this stores on
        ``self`` never outlives one request.

        :param context: the request's RequestContext, or None in callers
            that have none (weighers then see only the host states).
        """

    def weigh(self, host_state, spec_obj):
        """Return the raw score of ``host_state`` (larger means more of the resource)."""
        raise NotImplementedError()


def _normalize(values):
    low, high = min(values), max(values)
    if high == low:
        return [0.0 for _ in values]
    return [(value - low) / (high - low) for value in values]


def weigh_hosts(weighers, host_states, spec_obj, context=None):
    """Return WeighedHost list, best first.

    :param context: RequestContext for weighers that read the databases
        (instances on the hosts); see BaseHostWeigher.prepare.

    Ties keep the incoming order, so equal hosts come out in the order
    Placement listed them.
    """
    weighed = [WeighedHost(host) for host in host_states]
    if not weighed:
        return weighed
    for weigher in weighers:
        multiplier = weigher.weight_multiplier()
        if not multiplier:
            continue
        weigher.prepare(context, [w.host_state for w in weighed], spec_obj)
        scores = _normalize([weigher.weigh(w.host_state, spec_obj) for w in weighed])
        for item, score in zip(weighed, scores, strict=True):
            item.weight += multiplier * score
    return sorted(weighed, key=lambda w: w.weight, reverse=True)
