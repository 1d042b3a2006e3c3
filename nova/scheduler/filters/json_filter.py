"""JsonFilter: hosts chosen by a query the user writes in the ``query`` hint.

The hint is a JSON list ``[operator, argument, ...]`` (a string, or an
object the API serialised to one). Arguments are literals, nested queries,
or ``$name`` / ``$name.key`` variables naming host state attributes
(``$free_ram_mb``, ``$free_disk_mb``, ``$vcpus_total``, ``$num_instances``,
``$hypervisor_type``, ...; a dotted part reads a key of a dict attribute).
Variables the host does not have are dropped from the arguments.

Operators: ``=``, ``<``, ``>``, ``<=``, ``>=`` compare the first argument
with every other one (all must hold; fewer than two arguments is false),
``in`` is true when the first argument equals one of the others, ``not``
negates each argument, ``and`` / ``or`` combine them. Example:
``["and", [">=", "$free_ram_mb", 1024], [">=", "$free_disk_mb", 204800]]``.

A query that is not valid JSON or names an unknown operator lets no host
pass (the request then fails with "No valid host").
"""

import json
import logging
import operator

from nova.scheduler.filters import base
from nova.scheduler.filters import utils as filter_utils

LOG = logging.getLogger(__name__)


class InvalidQuery(ValueError):
    """The query hint cannot be evaluated."""


def _compare(op):
    def run(args):
        if len(args) < 2:
            return False
        first = args[0]
        try:
            return all(op(first, other) for other in args[1:])
        except TypeError:
            return False
    return run


_OPERATORS = {
    "=": _compare(operator.eq),
    "<": _compare(operator.lt),
    ">": _compare(operator.gt),
    "<=": _compare(operator.le),
    ">=": _compare(operator.ge),
    "in": lambda args: len(args) >= 2 and args[0] in args[1:],
    "not": lambda args: [not arg for arg in args],
    "or": any,
    "and": all,
}


def _variable(name, host_state):
    path = name[1:].split(".")
    value = getattr(host_state, path[0], None)
    for key in path[1:]:
        if value is None:
            return None
        value = value.get(key) if isinstance(value, dict) else getattr(value, key, None)
    return value


def evaluate(query, host_state):
    """Evaluate a parsed query (a list) against one host state.

    :returns: the operator's result (bool, or a list for ``not``).
    :raises InvalidQuery: an unknown operator or a query that is not a list.
    """
    if not query:
        return True
    if not isinstance(query, list) or not isinstance(query[0], str):
        raise InvalidQuery(f"a query is a list starting with an operator, not {query!r}")
    try:
        run = _OPERATORS[query[0]]
    except KeyError:
        raise InvalidQuery(f"unknown operator {query[0]!r}") from None
    args = []
    for arg in query[1:]:
        if isinstance(arg, list):
            arg = evaluate(arg, host_state)
        elif isinstance(arg, str) and arg.startswith("$"):
            arg = _variable(arg, host_state)
        if arg is not None:
            args.append(arg)
    return run(args)


class JsonFilter(base.BaseHostFilter):
    """Pass hosts for which the ``query`` hint is true."""

    run_filter_once_per_request = True

    def filter_all(self, host_states, spec_obj):
        raw = filter_utils.scheduler_hint(spec_obj, "query")
        if not raw:
            return list(host_states)
        try:
            query = json.loads(raw) if isinstance(raw, str) else raw
            kept = []
            for host_state in host_states:
                result = evaluate(query, host_state)
                if isinstance(result, list):
                    result = any(result)
                if result:
                    kept.append(host_state)
            return kept
        except (ValueError, InvalidQuery) as exc:
            LOG.warning("Scheduler hint query %r cannot be evaluated (%s); no host "
                        "passes", raw, exc)
            return []

    def host_passes(self, host_state, spec_obj):
        return bool(self.filter_all([host_state], spec_obj))
