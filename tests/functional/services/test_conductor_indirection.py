"""Remotable object calls made with the conductor as indirection API run in
nova-conductor and reach its database (what nova-compute relies on)."""

import time

import oslo_messaging as messaging
import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.compute import manager as compute_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova.objects import base as objects_base
from nova.objects import service as service_obj
from tests.fixtures.services import wait_for

from .conftest import start_service
from .helpers import service_row


def _new_service(ctxt, host="compute1"):
    svc = objects.Service(ctxt, host=host, binary="nova-compute", topic="compute",
                          report_count=0, disabled=False, forced_down=False)
    svc.create()
    return svc


def test_remotable_create_and_save_write_the_conductors_database(
        conductor_service, indirection):
    ctxt = nova_context.get_admin_context()
    svc = _new_service(ctxt)
    # The id and uuid came back from the conductor's insert.
    assert svc.id and svc.uuid
    assert svc.obj_what_changed() == set()

    svc.report_count = 7
    svc.save()
    row = service_row("compute1", "nova-compute")
    assert row["id"] == svc.id
    assert row["report_count"] == 7
    assert row["last_seen_up"] is not None
    assert row["version"] == service_obj.SERVICE_VERSION
    # The save's result (last_seen_up stamped by the database layer) is
    # copied back onto the caller's object.
    assert svc.last_seen_up is not None

    found = objects.Service.get_by_host_and_binary(ctxt, "compute1", "nova-compute")
    assert isinstance(found, objects.Service)
    assert found.id == svc.id and found.report_count == 7
    assert found._context is not None
    assert objects.Service.get_by_host_and_binary(ctxt, "nowhere", "nova-compute") is None


def test_calls_go_over_rpc_and_time_out_without_a_conductor(
        conductor_service, indirection, conf_fixture):
    ctxt = nova_context.get_admin_context()
    _new_service(ctxt)
    conductor_service.stop()
    conf_fixture.config(rpc_response_timeout=1)
    start = time.monotonic()
    with pytest.raises(messaging.MessagingTimeout):
        objects.Service.get_by_host_and_binary(ctxt, "compute1", "nova-compute")
    assert time.monotonic() - start < 5


def test_expected_errors_come_back_as_nova_exceptions(conductor_service, indirection):
    ctxt = nova_context.get_admin_context()
    with pytest.raises(exception.ServiceNotFound):
        objects.Service.get_by_id(ctxt, 424242)


def test_only_remotable_methods_are_run(conductor_service, fake_messaging):
    ctxt = nova_context.get_admin_context()
    api = conductor_rpcapi.ConductorAPI()
    versions = objects_base.ovo_base.obj_tree_get_versions("Service")
    with pytest.raises(exception.ObjectActionError):
        api.object_class_action_versions(
            ctxt, "Service", "get_minimum_version_multi", versions,
            (["nova-compute"],), {})
    with pytest.raises(exception.ObjectActionError):
        api.object_class_action_versions(
            ctxt, "Service", "__init__", versions, (), {})


def test_backport_returns_the_requested_version(conductor_service, fake_messaging):
    ctxt = nova_context.get_admin_context()
    svc = objects.Service(ctxt, host="h", binary="nova-compute", report_count=0)
    # The primitive the conductor returns is turned back into an object by
    # the client's serializer.
    back = conductor_rpcapi.ConductorAPI().object_backport_versions(
        ctxt, svc, {"Service": "1.0"})
    assert isinstance(back, objects.Service)
    assert back.VERSION == "1.0" and back.host == "h"


def test_compute_heartbeat_goes_through_the_conductor_and_survives_its_absence(
        conductor_service, indirection, conf_fixture):
    conf_fixture.config(rpc_response_timeout=1)
    compute = start_service(
        "nova-compute",
        compute_manager.ComputeManager(compute_driver="fake.FakeDriver", host="cmp"),
        host="cmp", report_interval=0.2)
    try:
        wait_for(lambda: (service_row("cmp", "nova-compute") or {}).get(
            "report_count", 0) >= 2)
        # The conductor stops answering (its queue consumer goes away).
        conductor_service.rpcserver.stop()
        conductor_service.rpcserver.wait()
        before = service_row("cmp", "nova-compute")["report_count"]
        time.sleep(2.5)
        stalled = service_row("cmp", "nova-compute")["report_count"]
        # Nothing reached the database meanwhile (one heartbeat may have
        # been in flight when the conductor stopped).
        assert stalled <= before + 1
        conductor_service.rpcserver.start()
        # The same heartbeat thread carries on once the conductor is back.
        wait_for(lambda: service_row("cmp", "nova-compute")["report_count"]
                 >= stalled + 2)
    finally:
        compute.stop()
    assert compute.wait(0)
