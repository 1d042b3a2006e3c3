"""nova.service.Service in one process: its services row, RPC server,
graceful stop, periodic tasks and the base API ping."""

import threading
import time

import oslo_messaging as messaging
import pytest

from nova import baserpc, manager, rpc
from nova import context as nova_context
from nova.conductor import manager as conductor_manager
from nova.objects import service as service_obj
from tests.fixtures.services import wait_for

from .conftest import start_service
from .helpers import service_row


class _SlowManager(manager.Manager):
    """A manager with one slow RPC method and one periodic task."""

    target = messaging.Target(version="1.0")

    def __init__(self, host):
        super().__init__(host=host, service_name="slow")
        self.entered = threading.Event()
        self.periodic_runs = 0

    def slow(self, context, seconds):
        self.entered.set()
        time.sleep(seconds)
        return f"slept {seconds}"

    @manager.periodic(spacing=1, run_immediately=True)
    def _count(self, context):
        self.periodic_runs += 1


def _client(topic, host=None, timeout=None):
    target = messaging.Target(topic=topic, server=host, version="1.0")
    return rpc.get_client(target, timeout=timeout)


def test_start_records_the_service_and_restart_reuses_the_row(databases, fake_messaging):
    server = start_service("nova-conductor",
                           conductor_manager.ConductorManager(host="h1"), host="h1")
    row = service_row("h1", "nova-conductor")
    assert row["topic"] == "conductor"
    assert row["report_count"] == 0
    assert row["version"] == service_obj.SERVICE_VERSION
    assert not row["disabled"] and not row["forced_down"]
    server.stop()
    # Stopping does not delete the row.
    assert service_row("h1", "nova-conductor")["id"] == row["id"]

    again = start_service("nova-conductor",
                          conductor_manager.ConductorManager(host="h1"), host="h1")
    try:
        assert again.service_ref.id == row["id"]
    finally:
        again.stop()


def test_heartbeat_raises_report_count(databases, fake_messaging):
    server = start_service("nova-conductor",
                           conductor_manager.ConductorManager(host="hb"), host="hb",
                           report_interval=0.1)
    try:
        wait_for(lambda: service_row("hb", "nova-conductor")["report_count"] >= 3)
        assert service_row("hb", "nova-conductor")["last_seen_up"] is not None
    finally:
        server.stop()


def test_stop_finishes_messages_in_flight_then_refuses_new_ones(
        databases, fake_messaging, conf_fixture):
    slow = _SlowManager("s1")
    server = start_service("nova-slow", slow, host="s1", topic="slow")
    results = []
    caller = threading.Thread(
        target=lambda: results.append(
            _client("slow").call(nova_context.get_admin_context(), "slow", seconds=1.0)))
    caller.start()
    assert slow.entered.wait(5)
    started = time.monotonic()
    server.stop()
    # stop() returned only after the call in flight was answered.
    assert time.monotonic() - started >= 0.5
    caller.join(5)
    assert results == ["slept 1.0"]
    with pytest.raises(messaging.MessagingTimeout):
        _client("slow", timeout=1).call(nova_context.get_admin_context(), "slow",
                                        seconds=0)


def test_periodic_tasks_run_while_the_service_runs(databases, fake_messaging):
    slow = _SlowManager("p1")
    server = start_service(
        "nova-slow", slow, host="p1", topic="slow", periodic_enable=True,
        periodic_fuzzy_delay=0, periodic_interval_max=0.2)
    try:
        wait_for(lambda: slow.periodic_runs >= 2, timeout=5)
    finally:
        server.stop()
    runs = slow.periodic_runs
    time.sleep(1.2)
    assert slow.periodic_runs == runs


def test_every_service_answers_ping(databases, fake_messaging):
    server = start_service("nova-conductor",
                           conductor_manager.ConductorManager(host="ping1"),
                           host="ping1")
    try:
        answer = baserpc.BaseAPI("conductor", server="ping1").ping(
            nova_context.get_admin_context(), "hello", timeout=5)
        assert answer == {"service": "conductor", "arg": "hello"}
    finally:
        server.stop()


def test_periodic_spacing_from_configuration():
    slow = _SlowManager("cfg")
    slow.set_periodic_spacing("_count", 7)
    assert slow._periodic_spacing["_count"] == 7
    assert _SlowManager._periodic_spacing["_count"] == 1
    slow.set_periodic_spacing("_count", -1)
    assert "_count" not in dict(slow._periodic_tasks)
    assert "_count" in dict(_SlowManager._periodic_tasks)
    with pytest.raises(KeyError):
        slow.set_periodic_spacing("_missing", 1)
