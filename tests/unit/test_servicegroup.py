"""nova.servicegroup: the up/down rule and the heartbeat thread."""

import datetime
import threading

import pytest

from nova import servicegroup

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0)


def _ago(seconds):
    return NOW - datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize("service, up", [
    ({"last_seen_up": _ago(10)}, True),
    ({"last_seen_up": _ago(60)}, True),
    ({"last_seen_up": _ago(61)}, False),
    ({"last_seen_up": None, "updated_at": _ago(5)}, True),
    ({"updated_at": None, "created_at": _ago(5)}, True),
    ({"created_at": _ago(500)}, False),
    ({}, False),
    ({"last_seen_up": _ago(1), "forced_down": True}, False),
    # A writer whose clock runs a little ahead is not down.
    ({"last_seen_up": NOW + datetime.timedelta(seconds=3)}, True),
    ({"last_seen_up": "2026-01-01T11:59:30Z"}, True),
    ({"last_seen_up": _ago(10).replace(tzinfo=datetime.UTC)}, True),
])
def test_is_up(service, up):
    assert servicegroup.is_up(service, now=NOW, down_time=60) is up


class _Ref:
    """Stands in for objects.Service: counts saves, can fail on demand."""

    binary = "nova-test"
    host = "h"

    def __init__(self, fail_times=0):
        self.report_count = 0
        self.saved = []
        self.fail_times = fail_times
        self.saved_event = threading.Event()

    def save(self):
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("queue unreachable")
        self.saved.append(self.report_count)
        if len(self.saved) >= 3:
            self.saved_event.set()


def test_report_state_keeps_the_count_right_across_a_failure():
    ref = _Ref(fail_times=1)
    assert servicegroup.report_state(ref) is False
    assert ref.report_count == 0
    assert servicegroup.report_state(ref) is True
    assert ref.saved == [1]


def test_heartbeat_keeps_going_after_failures_and_stops():
    ref = _Ref(fail_times=2)
    heartbeat = servicegroup.API().join(ref, interval=0.02)
    assert ref.saved_event.wait(5)
    heartbeat.stop(timeout=5)
    assert ref.saved[:3] == [1, 2, 3]
    count = len(ref.saved)
    threading.Event().wait(0.1)
    assert len(ref.saved) == count


def test_no_heartbeat_when_report_interval_is_zero():
    assert servicegroup.API().join(_Ref(), interval=0) is None
