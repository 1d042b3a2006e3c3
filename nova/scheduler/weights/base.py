"""The weigher base class and the ranking of hosts."""

import dataclasses

from nova import conf as nova_conf

CONF = nova_conf.CONF


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

    def weigh(self, host_state, spec_obj):
        """Return the raw score of ``host_state`` (larger means more of the resource)."""
        raise NotImplementedError()


def _normalize(values):
    low, high = min(values), max(values)
    if high == low:
        return [0.0 for _ in values]
    return [(value - low) / (high - low) for value in values]


def weigh_hosts(weighers, host_states, spec_obj):
    """Return WeighedHost list, best first.

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
        scores = _normalize([weigher.weigh(w.host_state, spec_obj) for w in weighed])
        for item, score in zip(weighed, scores, strict=True):
            item.weight += multiplier * score
    return sorted(weighed, key=lambda w: w.weight, reverse=True)
