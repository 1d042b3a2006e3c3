"""nova-conductor, nova-scheduler and nova-compute as separate processes on
RabbitMQ and MariaDB: they find each other, report up, survive a broker
outage, reload on SIGHUP and stop cleanly on SIGTERM; nova-compute reaches
the database only through the conductor.

The tests of this module share one deployment and run in file order.
"""

import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from .deployment import BIN, BrokerProxy, Deployment, rabbitmqctl

pytestmark = [pytest.mark.mysql, pytest.mark.rabbit]

BINARIES = ("nova-conductor", "nova-scheduler", "nova-compute")
HOSTS = {"nova-conductor": "controller", "nova-scheduler": "controller",
         "nova-compute": "compute1"}
MYSQL_PORT = 3306


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The three daemons started as the README says, once all report up."""
    proxy = BrokerProxy()
    proxy.start()
    dep = Deployment(tmp_path_factory.mktemp("services"), broker_port=proxy.port)
    dep.proxy = proxy
    try:
        dep.create()
        daemons = {"nova-conductor": dep.start("nova-conductor")}
        # The compute waits for a conductor anyway; starting the conductor
        # first only saves that wait.
        dep.wait_for(lambda: ("controller", "nova-conductor") in dep.services(),
                     timeout=30, message="nova-conductor's services row")
        daemons["nova-scheduler"] = dep.start("nova-scheduler")
        daemons["nova-compute"] = dep.start("nova-compute", "nova-compute.conf")
        dep.wait_for(lambda: all((HOSTS[b], b) in dep.services() for b in BINARIES),
                     timeout=40, message="all three services rows")
        dep.by_binary = daemons
        yield dep
    finally:
        dep.destroy()
        proxy.stop()


def _counts(dep):
    services = dep.services()
    return {b: services[(HOSTS[b], b)]["report_count"] for b in BINARIES}


def _all_rising(dep, since, by=2):
    now = _counts(dep)
    return all(now[b] >= since[b] + by for b in BINARIES)


def _all_up(dep):
    """servicegroup's rule, evaluated on the rows with the database's clock."""
    rows = dep.query("cell1", "SELECT `binary`, forced_down, "
                              "TIMESTAMPDIFF(SECOND, last_seen_up, UTC_TIMESTAMP()) AS age "
                              "FROM services WHERE deleted = 0")
    assert {row["binary"] for row in rows} == set(BINARIES)
    return all(not row["forced_down"] and row["age"] is not None
               and row["age"] <= dep.service_down_time for row in rows)


def test_every_service_reports_up(deployment):
    before = _counts(deployment)
    deployment.wait_for(lambda: _all_rising(deployment, before), timeout=15,
                        message="report_count rising for every service")
    assert _all_up(deployment)
    for binary in BINARIES:
        row = deployment.services()[(HOSTS[binary], binary)]
        assert row["topic"] == binary.removeprefix("nova-")
        assert row["version"] >= 1
        assert deployment.by_binary[binary].alive()


def test_compute_reaches_the_database_only_through_the_conductor(deployment):
    compute = deployment.by_binary["nova-compute"]
    conductor = deployment.by_binary["nova-conductor"]
    assert "[database]" not in compute.conf_path.read_text()
    # The compute's heartbeat is a remotable Service.save(): the rising
    # report_count in the cell database is the conductor running it.
    before = deployment.services()[("compute1", "nova-compute")]
    deployment.wait_for(
        lambda: deployment.services()[("compute1", "nova-compute")]["report_count"]
        >= before["report_count"] + 2, timeout=10, message="compute heartbeats")
    after = deployment.services()[("compute1", "nova-compute")]
    assert after["last_seen_up"] > before["last_seen_up"]
    # ... and the compute process never opened a connection to MariaDB,
    # while the conductor (the control) holds one.
    assert all(port != MYSQL_PORT for _, port in compute.tcp_peers())
    assert any(port == MYSQL_PORT for _, port in conductor.tcp_peers())
    assert "object calls go through nova-conductor" in compute.log()


def test_discover_hosts_maps_the_new_compute(deployment):
    assert deployment.query("api", "SELECT * FROM host_mappings") == []
    result = deployment.nova_manage(
        "--config-file", str(deployment.workdir / "nova.conf"),
        "cell_v2", "discover_hosts", "--by-service", "--verbose")
    assert "compute1" in result.stdout
    rows = deployment.query(
        "api", "SELECT h.host, c.name FROM host_mappings h "
               "JOIN cell_mappings c ON c.id = h.cell_id")
    assert rows == [{"host": "compute1", "name": "cell1"}]


def test_compute_refuses_to_start_with_database_credentials(deployment):
    conf = deployment.compute_conf("compute-with-db")
    conf["database"] = {"connection": "mysql+pymysql://root@127.0.0.1/nope"}
    path = deployment.write_conf("compute-with-db.conf", conf)
    result = subprocess.run(
        [str(BIN / "nova-compute"), "--config-file", str(path)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "[database] connection" in result.stderr
    assert ("compute-with-db", "nova-compute") not in deployment.services()


# A nova RPC client in a process of its own, as another service would be:
# ping the conductor once and print the outcome and how long it took.
_PING_CONDUCTOR = """
import json, sys, time
import nova  # first: it makes eventlet unimportable before any oslo library loads
import oslo_messaging
from nova import baserpc, config, context, rpc
from nova.conf import CONF
config.parse_args([sys.argv[0], "--config-file", sys.argv[1]])
rpc.init(CONF)
started = time.monotonic()
try:
    outcome = baserpc.BaseAPI("conductor").ping(context.get_admin_context(), "during outage")
except oslo_messaging.MessagingTimeout:
    outcome = "timeout"
print(json.dumps({"outcome": outcome, "elapsed": time.monotonic() - started}))
"""


def _ping_conductor(dep):
    conf = dep.write_conf("ping-client.conf", dep._common("ping-client"))
    result = subprocess.run(
        [sys.executable, "-c", _PING_CONDUCTOR, str(conf)], capture_output=True,
        text=True, timeout=90, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _assert_everyone_carries_on(dep, before):
    dep.wait_for(lambda: _all_rising(dep, before), timeout=40,
                 message="heartbeats of every service after the outage")
    assert _all_up(dep)
    for binary in BINARIES:
        daemon = dep.by_binary[binary]
        assert daemon.alive(), binary
        # Heartbeats go to the database; a daemon's AMQP connection comes
        # back on its own schedule (it retries at growing intervals).
        dep.wait_for(lambda d=daemon: "Reconnected to AMQP server" in d.log(),
                     timeout=40, message=f"{binary} reconnected to AMQP")


def test_services_reconnect_after_rabbitmq_closes_their_connections(deployment):
    deployment.wait_for(lambda: _all_up(deployment), timeout=15, message="all up")
    before = _counts(deployment)
    rabbitmqctl("close_all_connections", "-p", deployment.vhost,
                "nova integration test")
    _assert_everyone_carries_on(deployment, before)
    answer = _ping_conductor(deployment)
    assert answer["outcome"] == {"service": "conductor", "arg": "during outage"}


def test_a_call_during_a_broker_outage_is_answered_or_times_out(deployment):
    before = _counts(deployment)
    # From the daemons' side this is a broker restart: connections drop,
    # reconnects are refused for a while, then succeed.
    deployment.proxy.stop()
    restart = threading.Timer(6.0, deployment.proxy.start)
    restart.start()
    try:
        answer = _ping_conductor(deployment)
    finally:
        restart.join()
    # Answered after the reconnect, or MessagingTimeout: never hung.
    assert answer["outcome"] in ({"service": "conductor", "arg": "during outage"},
                                 "timeout")
    assert answer["elapsed"] < 40
    _assert_everyone_carries_on(deployment, before)


def test_sighup_applies_mutable_options(deployment):
    scheduler = deployment.by_binary["nova-scheduler"]
    assert " DEBUG " not in scheduler.log()
    conf = deployment.controller_conf()
    conf["DEFAULT"]["debug"] = True
    deployment.write_conf("nova.conf", conf)
    scheduler.signal(signal.SIGHUP)
    deployment.wait_for(lambda: " DEBUG " in scheduler.log(), timeout=15,
                        message="debug logging after SIGHUP")
    assert "SIGHUP: re-reading configuration files" in scheduler.log()
    assert scheduler.alive()


def test_sigterm_stops_every_service_cleanly(deployment):
    for binary in ("nova-compute", "nova-scheduler", "nova-conductor"):
        daemon = deployment.by_binary[binary]
        started = time.monotonic()
        assert daemon.terminate(timeout=30) == 0, daemon.log()[-3000:]
        assert time.monotonic() - started < 25
        assert f"Stopping {binary}" in daemon.log()
    # The rows stay; the services just stop reporting.
    assert all((HOSTS[b], b) in deployment.services() for b in BINARIES)


def test_compute_waiting_for_a_conductor_stops_on_sigterm(deployment):
    # The conductor was stopped by the previous test: nova-compute waits.
    compute = deployment.start("nova-compute", "nova-compute.conf",
                               log_name="nova-compute-waiting.log")
    deployment.wait_for(lambda: "object calls go through nova-conductor" in compute.log(),
                        timeout=30, message="nova-compute waiting for a conductor")
    started = time.monotonic()
    assert compute.terminate(timeout=20) == 0
    assert time.monotonic() - started < 15
    assert "Stopped while waiting for nova-conductor" in compute.log()
