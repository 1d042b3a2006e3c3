"""Matching a host or aggregate value against a flavor extra spec requirement.

A requirement is a plain string (equal as strings) or starts with an
operator word, as upstream documents for ComputeCapabilitiesFilter and
AggregateInstanceExtraSpecsFilter:

* ``= N``: the value, as a number, is at least N;
* ``== N``, ``!= N``, ``>= N``, ``<= N``: numeric comparisons;
* ``s== x``, ``s!= x``, ``s>= x``, ``s> x``, ``s<= x``, ``s< x``: string
  comparisons;
* ``<in> x``: x is a substring of the value;
* ``<all-in> x y ...``: every word is in the value (a collection);
* ``<or> x <or> y ...``: the value equals one of the alternatives.
"""

import operator

_NUMERIC = {
    "=": operator.ge, "==": operator.eq, "!=": operator.ne,
    ">=": operator.ge, "<=": operator.le,
}
_STRING = {
    "s==": operator.eq, "s!=": operator.ne, "s>=": operator.ge, "s>": operator.gt,
    "s<=": operator.le, "s<": operator.lt,
}


def _as_collection(value):
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return [str(v) for v in value]
    return str(value).split()


def match(value, requirement):
    """Return True when ``value`` satisfies ``requirement`` (both any type).

    A numeric comparison with a value that is not a number is False.
    """
    words = str(requirement).split()
    if not words:
        return str(value) == str(requirement)
    op = words[0]
    if op == "<or>":
        options = [w for w in words[1:] if w != "<or>"]
        return str(value) in options
    if op == "<in>":
        return " ".join(words[1:]) in str(value)
    if op == "<all-in>":
        have = set(_as_collection(value))
        return bool(words[1:]) and all(w in have for w in words[1:])
    if op in _NUMERIC and len(words) == 2:
        try:
            return _NUMERIC[op](float(value), float(words[1]))
        except (TypeError, ValueError):
            return False
    if op in _STRING and len(words) >= 2:
        return _STRING[op](str(value), " ".join(words[1:]))
    return str(value) == str(requirement)
