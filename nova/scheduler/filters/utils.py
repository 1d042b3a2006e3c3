"""Helpers filters share: aggregate metadata of a host, integer limits.

A host may be in several aggregates; their metadata values are merged per
key into a set, each value also split on commas (``"a, b"`` counts as
``a`` and ``b``), the way upstream's aggregate filters read them.
"""

import logging

LOG = logging.getLogger(__name__)


def aggregate_metadata(host_state, key=None):
    """Return {metadata key: set of str values} over the host's aggregates.

    :param key: only this key when given.
    """
    merged = {}
    for aggregate in getattr(host_state, "aggregates", None) or []:
        metadata = aggregate.metadata if not isinstance(aggregate, dict) \
            else aggregate.get("metadata")
        for name, value in (metadata or {}).items():
            if key is not None and name != key:
                continue
            values = merged.setdefault(name, set())
            values.update(part.strip() for part in str(value).split(",") if part.strip())
    return merged


def aggregate_values(host_state, key):
    """Return the set of raw (unsplit) values of ``key`` in the host's aggregates."""
    values = set()
    for aggregate in getattr(host_state, "aggregates", None) or []:
        metadata = aggregate.metadata if not isinstance(aggregate, dict) \
            else aggregate.get("metadata")
        if metadata and key in metadata:
            values.add(metadata[key])
    return values


def aggregate_limit(host_state, key, default):
    """Return the smallest integer value of ``key`` in the host's aggregates.

    Values that are not integers are logged and skipped; ``default`` (the
    configured limit) applies when no aggregate gives a usable value.
    """
    limits = []
    for value in aggregate_values(host_state, key):
        try:
            limits.append(int(value))
        except (TypeError, ValueError):
            LOG.warning("Aggregate metadata %s=%r of host %s is not an integer; "
                        "ignored", key, value, host_state.host)
    return min(limits) if limits else default


def scheduler_hint(spec_obj, name, default=None):
    """Return the scheduler hint ``name`` of a RequestSpec or a spec dict.

    A one-item list comes back as its item (RequestSpec.get_scheduler_hint's
    rule); absent hints give ``default``.
    """
    if hasattr(spec_obj, "get_scheduler_hint"):
        return spec_obj.get_scheduler_hint(name, default)
    hints = (spec_obj.get("scheduler_hints") if isinstance(spec_obj, dict) else None) or {}
    value = hints.get(name, default)
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def hint_list(spec_obj, name):
    """Return the hint ``name`` as a list of str ([] when absent or empty)."""
    value = scheduler_hint(spec_obj, name)
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
