"""The statistics helpers of tools/bench/ (medians, p90, ratios over runs)."""

import importlib.util
import math
import pathlib

import pytest

_PATH = pathlib.Path(__file__).resolve().parents[2] / "tools" / "bench" / "bench_stats.py"
_SPEC = importlib.util.spec_from_file_location("bench_stats", _PATH)
bench_stats = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench_stats)


def test_median_of_odd_and_even_counts_in_any_order():
    assert bench_stats.median([3, 1, 2]) == 2
    assert bench_stats.median([4, 1, 3, 2]) == 2.5
    assert bench_stats.median([7]) == 7


def test_p90_interpolates_between_ranks():
    values = list(range(1, 11))  # 1..10
    assert bench_stats.percentile(values, 90) == pytest.approx(9.1)
    assert bench_stats.percentile(values, 0) == 1
    assert bench_stats.percentile(values, 100) == 10


def test_percentile_refuses_empty_input_and_bad_rank():
    with pytest.raises(ValueError):
        bench_stats.median([])
    with pytest.raises(ValueError):
        bench_stats.percentile([1, 2], 101)


def test_rate_and_ratio():
    assert bench_stats.rate(20, 2.0) == 10
    assert bench_stats.rate(5, 0) == math.inf
    assert bench_stats.ratio(0.1, 0.5) == pytest.approx(0.2)
    with pytest.raises(ValueError):
        bench_stats.ratio(1, 0)


def test_summarize_runs_takes_the_median_per_metric():
    runs = [{"a": 1.0, "b": 10.0}, {"a": 3.0, "b": 30.0}, {"a": 2.0}]
    assert bench_stats.summarize_runs(runs) == {"a": 2.0, "b": 20.0}
