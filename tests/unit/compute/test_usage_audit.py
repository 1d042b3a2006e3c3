"""nova.compute.usage_audit.last_completed_audit_period: the audit's periods."""

import datetime

import pytest

from nova import exception
from nova.compute.usage_audit import last_completed_audit_period

NOW = datetime.datetime(2026, 3, 10, 14, 25, 30)


def dt(*args):
    return datetime.datetime(*args)


@pytest.mark.parametrize("unit, expected", [
    ("hour", (dt(2026, 3, 10, 13), dt(2026, 3, 10, 14))),
    ("hour@30", (dt(2026, 3, 10, 12, 30), dt(2026, 3, 10, 13, 30))),
    ("day", (dt(2026, 3, 9), dt(2026, 3, 10))),
    ("day@15", (dt(2026, 3, 8, 15), dt(2026, 3, 9, 15))),
    ("month", (dt(2026, 2, 1), dt(2026, 3, 1))),
    ("month@15", (dt(2026, 1, 15), dt(2026, 2, 15))),
    ("month@5", (dt(2026, 2, 5), dt(2026, 3, 5))),
    ("year", (dt(2025, 1, 1), dt(2026, 1, 1))),
    ("year@6", (dt(2024, 6, 1), dt(2025, 6, 1))),
])
def test_periods(unit, expected):
    assert last_completed_audit_period(unit, NOW) == expected


def test_a_period_ending_now_is_complete():
    assert last_completed_audit_period("day", dt(2026, 3, 10)) == (dt(2026, 3, 9),
                                                                   dt(2026, 3, 10))


def test_a_day_of_month_past_the_months_end_is_its_last_day():
    assert last_completed_audit_period("month@31", dt(2026, 3, 10)) == (
        dt(2026, 1, 31), dt(2026, 2, 28))


def test_unknown_unit():
    with pytest.raises(exception.InvalidInput):
        last_completed_audit_period("week", NOW)
