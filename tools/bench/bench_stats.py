"""Statistics helpers of the benchmarks under tools/bench/.

Small, dependency-free functions over lists of floats (seconds, MiB, ...),
kept apart from the benchmark drivers so they can be unit tested
(tests/unit/test_bench_stats.py) without any running service.
"""

import math


def percentile(values, pct):
    """Return the ``pct`` percentile of ``values`` (float).

    Linear interpolation between the two closest ranks, the method numpy
    and Python's ``statistics.quantiles(method="inclusive")`` use: the 0th
    percentile is the minimum, the 100th the maximum, the 50th the median.

    :param values: a non-empty iterable of numbers, in any order.
    :param pct: a number in [0, 100].
    :raises ValueError: when ``values`` is empty or ``pct`` is out of range.
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile {pct} is not within [0, 100]")
    rank = (len(ordered) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values):
    """Return the median of ``values`` (float); ValueError when empty."""
    return percentile(values, 50)


def rate(count, seconds):
    """Return ``count`` per second over ``seconds`` (float); inf for 0 s."""
    if seconds <= 0:
        return math.inf
    return count / seconds


def ratio(ours, reference):
    """Return ``ours / reference`` (float): below 1 means we are faster/smaller.

    :raises ValueError: when ``reference`` is not positive.
    """
    if reference <= 0:
        raise ValueError(f"reference {reference} must be positive")
    return ours / reference


def summarize_runs(runs):
    """Median of each metric over several runs.

    :param runs: a list of dicts {metric name: number}; a metric missing
        from some runs is summarised over the runs that have it.
    :returns: {metric name: median over the runs}, in first-seen order.
    """
    names = []
    for run in runs:
        for name in run:
            if name not in names:
                names.append(name)
    return {name: median([run[name] for run in runs if name in run]) for name in names}
