"""Outages of the database and the message broker, as nova-api's users see them.

What doc/source/outages.rst promises: during an outage every API call
answers within 2 s, 503 ``serviceUnavailable`` with Retry-After and nothing
changed (a create is accepted instead, and built once the broker is back),
and service resumes within 3 s of the dependency coming back, with no
restart. The outages are made with a loopback TCP proxy in front of the
shared RabbitMQ or MariaDB, stopped and started again; the servers
themselves are never touched.
"""

import time

import oslo_messaging as messaging
import pytest

from nova import context as nova_context
from nova import objects, rpc
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import compute_task_rpcapi
from nova.conf import CONF
from tests.fixtures import images
from tests.fixtures.tcp_proxy import TCPProxy

STALE = 1  # [conductor] stale_build_timeout of these tests, seconds


def _timed(func, *args, **kwargs):
    """Return (result or raised exception, seconds it took)."""
    start = time.monotonic()
    try:
        result = func(*args, **kwargs)
    except Exception as exc:
        result = exc
    return result, time.monotonic() - start


def _assert_unavailable(resp):
    assert resp.status_code == 503, resp.text
    assert int(resp.headers["Retry-After"]) > 0
    fault = resp.json()["serviceUnavailable"]
    assert fault["code"] == 503


# -- broker -------------------------------------------------------------------


@pytest.fixture
def broker_proxy():
    proxy = TCPProxy(("127.0.0.1", 5672))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def rabbit_messaging(conf_fixture, broker_proxy):
    """nova.rpc on the real RabbitMQ, reached through ``broker_proxy``."""
    CONF([], project="nova", default_config_files=[])
    objects.register_all()
    rpc.init(CONF, transport_url=f"rabbit://guest:guest@127.0.0.1:{broker_proxy.port}/")
    yield
    rpc.cleanup()


@pytest.mark.rabbit
def test_api_sends_fail_within_their_timeout_and_work_again_once_the_broker_is_back(
        rabbit_messaging, broker_proxy):
    # The same clients nova-api builds: the conductor's task API and the
    # compute API, with API_SEND_TIMEOUT. Nobody consumes these topics.
    ctxt = nova_context.get_admin_context()
    target = messaging.Target(topic=f"outage-test-{time.time_ns()}")
    client = rpc.get_client(target, timeout=1, send_timeout=rpc.API_SEND_TIMEOUT)
    assert _timed(client.cast, ctxt, "ping")[0] is None

    broker_proxy.stop()
    for send in (client.cast, client.call):
        result, took = _timed(send, ctxt, "ping")
        assert isinstance(result, messaging.MessageDeliveryFailure), result
        assert took < 2

    broker_proxy.start()
    # The pooled connection was cut: the first send reconnects on its own.
    result, took = _timed(client.cast, ctxt, "ping")
    assert result is None and took < 3
    result, took = _timed(client.call, ctxt, "ping")
    assert isinstance(result, messaging.MessagingTimeout)  # sent; nobody answers


@pytest.mark.rabbit
def test_a_first_send_of_a_process_started_during_the_outage_fails_fast(
        rabbit_messaging, broker_proxy):
    broker_proxy.stop()
    client = rpc.get_client(messaging.Target(topic=f"outage-test-{time.time_ns()}"),
                            send_timeout=rpc.API_SEND_TIMEOUT)
    result, took = _timed(client.cast, nova_context.get_admin_context(), "ping")
    assert isinstance(result, messaging.MessageDeliveryFailure) and took < 2


# The cloud below runs its daemons in-process on oslo.messaging's fake
# driver; the API's sends fail the way the rabbit driver fails them above.

@pytest.fixture
def cloud(nova_cloud, conf_fixture):
    conf_fixture.config(stale_build_timeout=STALE, group="conductor")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    return nova_cloud


def _broker_down(monkeypatch, cls, method):
    def not_sent(self, *args, **kwargs):
        raise messaging.MessageDeliveryFailure("Unable to connect to AMQP server")
    monkeypatch.setattr(cls, method, not_sent)


def test_a_create_during_a_broker_outage_is_accepted_and_built_once_it_is_back(
        cloud, monkeypatch):
    _broker_down(monkeypatch, compute_task_rpcapi.ComputeTaskAPI,
                 "schedule_and_build_instances")
    resp, took = _timed(cloud.api.post, "/v2.1/servers", {"server": {
        "name": "outage", "imageRef": images.IMAGE_ID, "flavorRef": "1"}})
    assert resp.status_code == 202, resp.text
    assert took < 2
    server_id = resp.json()["server"]["id"]
    assert cloud.get_server(server_id)["status"] == "BUILD"

    monkeypatch.undo()  # the broker is back
    time.sleep(STALE + 0.1)
    done = cloud.plane.conductor.manager.compute_task_mgr._recover_stale_builds(
        nova_context.get_admin_context())
    assert done == {server_id: "scheduled"}
    cloud.wait_for_server_status(server_id, "ACTIVE")


def test_a_create_during_a_broker_outage_without_take_over_is_refused(
        cloud, conf_fixture, monkeypatch):
    conf_fixture.config(stale_build_timeout=0, group="conductor")
    _broker_down(monkeypatch, compute_task_rpcapi.ComputeTaskAPI,
                 "schedule_and_build_instances")
    resp = cloud.api.post("/v2.1/servers", {"server": {
        "name": "outage", "imageRef": images.IMAGE_ID, "flavorRef": "1"}})
    _assert_unavailable(resp)
    assert cloud.api.get("/v2.1/servers").json()["servers"] == []
    assert objects.BuildRequestList.get_all(cloud.context()).objects == []


def test_an_action_during_a_broker_outage_answers_503_and_changes_nothing(
        cloud, monkeypatch):
    server = cloud.create_server("1", images.IMAGE_ID)
    server = cloud.wait_for_server_status(server["id"], "ACTIVE")
    path = f"/v2.1/servers/{server['id']}"
    actions_before = cloud.api.get(f"{path}/os-instance-actions").json()

    _broker_down(monkeypatch, compute_rpcapi.ComputeAPI, "send_action")
    for body in ({"os-stop": None}, {"reboot": {"type": "HARD"}},
                 {"rebuild": {"imageRef": images.IMAGE_ID, "name": "renamed"}}):
        resp, took = _timed(cloud.api.post, f"{path}/action", body)
        _assert_unavailable(resp)
        assert took < 2
    _assert_unavailable(cloud.api.delete(path))
    shown = cloud.get_server(server["id"])
    assert (shown["status"], shown["OS-EXT-STS:task_state"], shown["name"]) == (
        "ACTIVE", None, server["name"])
    assert cloud.api.get(f"{path}/os-instance-actions").json() == actions_before

    monkeypatch.undo()  # the broker is back
    assert cloud.api.post(f"{path}/action", {"os-stop": None}).status_code == 202
    cloud.wait_for_server_status(server["id"], "SHUTOFF")


# -- database -----------------------------------------------------------------


@pytest.fixture
def proxied_databases(databases, conf_fixture):
    """[api_database] and [database] on MariaDB through a stoppable proxy."""
    proxy = TCPProxy(("127.0.0.1", 3306))
    proxy.start()
    for group, url in (("api_database", databases.api_url), ("database", databases.main_url)):
        conf_fixture.config(connection=url.replace(
            "@127.0.0.1:3306/", f"@127.0.0.1:{proxy.port}/"), group=group)
    yield proxy
    proxy.stop()


@pytest.mark.mysql
@pytest.mark.parametrize("db_backend", ["mysql"])
def test_every_call_during_a_database_outage_answers_503_then_service_resumes(
        db_backend, proxied_databases, cloud):
    server = cloud.create_server("1", images.IMAGE_ID)
    cloud.wait_for_server_status(server["id"], "ACTIVE")
    path = f"/v2.1/servers/{server['id']}"
    calls = [
        ("get", "/v2.1/servers", None), ("get", path, None),
        ("get", "/v2.1/flavors/detail", None),
        ("post", "/v2.1/servers", {"server": {"name": "x", "imageRef": images.IMAGE_ID,
                                         "flavorRef": "1"}}),
        ("post", f"{path}/action", {"os-stop": None}), ("delete", path, None),
    ]

    proxied_databases.stop()
    for method, url, body in calls:
        args = (url, body) if body is not None else (url,)
        resp, took = _timed(getattr(cloud.api, method), *args)
        _assert_unavailable(resp)
        assert took < 2, (method, url, took)

    proxied_databases.start()
    start = time.monotonic()
    resp = cloud.api.get(path)
    assert resp.status_code == 200, resp.text
    assert time.monotonic() - start < 3
    assert resp.json()["server"]["status"] == "ACTIVE"  # the stop never happened
    assert len(cloud.api.get("/v2.1/servers").json()["servers"]) == 1
