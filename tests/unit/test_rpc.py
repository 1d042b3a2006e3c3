"""nova.rpc: context serialisation, version caps, transports and routing."""

import types

import oslo_messaging as messaging
import pytest
from kombu import exceptions as kombu_exceptions
from oslo_messaging.notify import _impl_test as messaging_test_driver

from nova import context as nova_context
from nova import exception, objects, rpc
from nova.compute import rpcapi as compute_rpcapi
from nova.conf import CONF
from nova.objects import base as objects_base


@pytest.fixture
def fake_rpc():
    rpc.init(CONF, transport_url="fake:/")
    yield
    rpc.cleanup()


def test_context_round_trip():
    ctxt = nova_context.RequestContext(
        user_id="u1", project_id="p1", roles=["member", "reader"],
        read_deleted="yes", remote_address="10.0.0.1")
    serializer = rpc.RequestContextSerializer()
    wire = serializer.serialize_context(ctxt)
    assert isinstance(wire, dict)
    back = serializer.deserialize_context(wire)
    assert isinstance(back, nova_context.RequestContext)
    assert (back.user_id, back.project_id) == ("u1", "p1")
    assert back.roles == ["member", "reader"]
    assert back.read_deleted == "yes"
    assert back.is_admin is False
    assert back.request_id == ctxt.request_id
    assert back.remote_address == "10.0.0.1"


def test_objects_cross_as_primitives_and_come_back():
    objects.register_all()
    ctxt = nova_context.get_admin_context()
    serializer = rpc.RequestContextSerializer(objects_base.NovaObjectSerializer())
    svc = objects.Service(host="h1", binary="nova-compute", report_count=3)
    wire = serializer.serialize_entity(ctxt, {"service": svc, "n": [1, 2]})
    assert wire["service"]["nova_object.name"] == "Service"
    back = serializer.deserialize_entity(ctxt, wire)
    assert isinstance(back["service"], objects.Service)
    assert back["service"].host == "h1" and back["service"].report_count == 3
    assert back["service"]._context is ctxt
    assert back["n"] == [1, 2]
    # Without a base serializer entities pass through untouched.
    assert rpc.RequestContextSerializer().serialize_entity(ctxt, {"a": 1}) == {"a": 1}


@pytest.mark.parametrize("configured, expected", [
    (None, None), ("", None), ("3.0", "3.0"), ("6.2", "6.2"), ("6.2.1", "6.2.1"),
    ("first", "3.0"),
])
def test_version_cap(configured, expected):
    assert rpc.version_cap(configured, {"first": "3.0"}) == expected


@pytest.mark.parametrize("configured", ["auto", "3", "three", "3.x", "3.0.0.0"])
def test_version_cap_rejects_what_is_not_a_version(configured):
    with pytest.raises(exception.InvalidInput, match="upgrade_levels"):
        rpc.version_cap(configured, {}, "conductor")


def test_transport_needs_init():
    rpc.cleanup()
    assert not rpc.initialized()
    with pytest.raises(RuntimeError, match="init"):
        rpc.get_transport()
    rpc.cleanup()  # harmless when nothing was built


def test_servers_use_the_threading_executor(fake_rpc):
    server = rpc.get_server(messaging.Target(topic="t", server="h"), [])
    assert server.executor_type == "threading"


def test_clients_carry_target_cap_and_timeout(fake_rpc):
    target = messaging.Target(topic="t", version="2.1")
    client = rpc.get_client(target, version_cap="2.0", timeout=5)
    assert client.target is target
    assert client.version_cap == "2.0" and client.timeout == 5
    assert isinstance(client.serializer, rpc.RequestContextSerializer)
    assert not client.can_send_version("2.1")


def test_cell_transports_are_built_once_per_url(fake_rpc):
    one = rpc.get_cell_transport("fake://cell1")
    assert rpc.get_cell_transport("fake://cell1") is one
    assert rpc.get_cell_transport("fake://cell2") is not one
    assert rpc.get_cell_transport("none:///") is None
    assert rpc.get_cell_transport(None) is None


def test_router_sends_through_the_targeted_cells_queue(fake_rpc):
    default = rpc.get_client(messaging.Target(topic="compute", version="6.0"),
                             version_cap="6.0")
    router = rpc.ClientRouter(default)
    plain = nova_context.get_admin_context()
    assert router.client(plain) is default

    cell = types.SimpleNamespace(uuid="c1", database_connection="sqlite://",
                                 transport_url="fake://cell1")
    with nova_context.target_cell(plain, cell) as cctxt:
        assert cctxt.mq_connection is rpc.get_cell_transport("fake://cell1")
        routed = router.client(cctxt)
    assert routed is not default
    assert routed.transport is cctxt.mq_connection
    assert routed.target is default.target and routed.version_cap == "6.0"
    assert router.client(cctxt) is routed
    # The caller's context is untouched.
    assert plain.mq_connection is None


def test_target_cell_without_messaging_leaves_mq_connection_empty():
    rpc.cleanup()
    cell = types.SimpleNamespace(uuid="c1", database_connection="sqlite://",
                                 transport_url="fake://cell1")
    with nova_context.target_cell(nova_context.get_admin_context(), cell) as cctxt:
        assert cctxt.mq_connection is None
        assert cctxt.cell_uuid == "c1"


@pytest.mark.parametrize("service_version, cap", [
    (0, None), (1, "6.0"), (2, "6.1"), (3, "6.2"), (5, "6.4"), (99, None),
])
def test_compute_auto_cap_table(service_version, cap):
    assert compute_rpcapi.rpc_version_for_service_version(service_version) == cap


@pytest.mark.parametrize("timeout, retries", [(60, 6), (5, 1), (1, 1), (180, 18)])
def test_send_retries_follow_the_timeout(timeout, retries):
    assert rpc.send_retries(timeout) == retries


def test_clients_get_a_finite_retry(fake_rpc, conf_fixture):
    conf_fixture.config(rpc_response_timeout=30)
    client = rpc.get_client(messaging.Target(topic="t", version="1.0"))
    assert client.retry == 3
    assert rpc.get_client(messaging.Target(topic="t"), retry=0).retry == 0


class _Unsendable:
    """A call context whose message never reaches the broker."""

    timeout = 0.3

    def call(self, ctxt, method, **kwargs):
        raise messaging.MessageDeliveryFailure("broker unreachable after 1 tries")

    def cast(self, ctxt, method, **kwargs):
        raise messaging.MessageDeliveryFailure("broker unreachable after 1 tries")


class _BrokerBackSoon:
    """Refuses connections twice (as kombu reports it), then answers."""

    timeout = 5

    def __init__(self):
        self.attempts = 0

    def call(self, ctxt, method, **kwargs):
        self.attempts += 1
        if self.attempts < 3:
            raise kombu_exceptions.OperationalError("[Errno 111] Connection refused")
        return "pong"


def test_a_call_is_answered_once_the_broker_is_back(monkeypatch):
    monkeypatch.setattr(rpc, "_SEND_RETRY_INTERVAL", 0.01)
    context = _BrokerBackSoon()
    assert rpc._BoundedCallContext(context).call({}, "ping") == "pong"
    assert context.attempts == 3


def test_a_call_that_cannot_be_sent_is_a_timeout(monkeypatch):
    monkeypatch.setattr(rpc, "_SEND_RETRY_INTERVAL", 0.05)
    bounded = rpc._BoundedCallContext(_Unsendable())
    with pytest.raises(messaging.MessagingTimeout, match="could not be sent"):
        bounded.call({}, "ping", arg=1)
    # A cast has no answer to wait for; its failure is reported as is.
    with pytest.raises(messaging.MessageDeliveryFailure):
        bounded.cast({}, "ping", arg=1)


def test_prepared_contexts_stay_bounded(fake_rpc):
    client = rpc.get_client(messaging.Target(topic="t", version="1.0"), timeout=1)
    cctxt = client.prepare(server="h1").prepare(version="1.0")
    assert isinstance(cctxt, rpc._BoundedCallContext)
    assert cctxt.target.server == "h1"
    with pytest.raises(messaging.MessagingTimeout):
        cctxt.call(nova_context.get_admin_context(), "nobody_listens")


def test_versioned_notifications_carry_the_publisher_and_payload(conf_fixture):
    rpc.init(CONF, transport_url="fake:/")
    conf_fixture.config(driver=["test"], group="oslo_messaging_notifications")
    rpc.init(CONF, transport_url="fake:/")  # the notifier reads its driver at build
    notifications = messaging_test_driver.NOTIFICATIONS
    del notifications[:]
    try:
        notifier = rpc.get_versioned_notifier("nova-compute:host1")
        notifier.info(nova_context.get_admin_context(), "service.update",
                      {"nova_object.name": "ServiceStatusPayload"})
    finally:
        rpc.cleanup()
    assert len(notifications) == 1
    ctxt, message, priority, retry = notifications[0]
    assert message["publisher_id"] == "nova-compute:host1"
    assert message["event_type"] == "service.update"
    assert priority == "INFO"
    assert ctxt["is_admin"] is True
