"""[upgrade_levels] caps: a capped client still talks to a newer server, and
a cap below what a method needs stops the message before it is sent."""

import oslo_messaging as messaging
import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi
from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova.objects import base as objects_base
from nova.objects import service as service_obj

from .conftest import start_service


class _UpgradedConductorManager(conductor_manager.ConductorManager):
    """A conductor one minor version ahead, as during a rolling upgrade."""

    target = messaging.Target(version="3.4")


@pytest.fixture
def upgraded_conductor(databases, fake_messaging):
    server = start_service("nova-conductor",
                           _UpgradedConductorManager(host="new-conductor"),
                           host="new-conductor")
    yield server
    server.stop()


def _versions():
    return objects_base.ovo_base.obj_tree_get_versions("Service")


def test_capped_client_is_answered_by_a_newer_server(upgraded_conductor, conf_fixture):
    conf_fixture.config(conductor="3.0", group="upgrade_levels")
    api = conductor_rpcapi.ConductorAPI()
    assert api.client.version_cap == "3.0"
    ctxt = nova_context.get_admin_context()
    # The conductor's own record exists; reading it at the capped version works.
    found = api.object_class_action_versions(
        ctxt, "Service", "get_by_host_and_binary", _versions(),
        ("new-conductor", "nova-conductor"), {})
    assert isinstance(found, objects.Service)
    assert found.host == "new-conductor"
    assert found.version == service_obj.SERVICE_VERSION


def test_cap_below_the_method_version_is_refused_before_sending(
        fake_messaging, conf_fixture):
    conf_fixture.config(conductor="2.9", group="upgrade_levels",)
    conf_fixture.config(rpc_response_timeout=30)
    api = conductor_rpcapi.ConductorAPI()
    ctxt = nova_context.get_admin_context()
    # No conductor runs: had the message been sent, this would wait 30 s.
    with pytest.raises(messaging.RPCVersionCapError):
        api.object_class_action_versions(
            ctxt, "Service", "get_by_host_and_binary", _versions(), ("h", "b"), {})


def test_release_name_and_bad_values(fake_messaging, conf_fixture, monkeypatch):
    monkeypatch.setitem(conductor_rpcapi.ConductorAPI.VERSION_ALIASES, "first", "3.0")
    conf_fixture.config(conductor="first", group="upgrade_levels")
    assert conductor_rpcapi.ConductorAPI().client.version_cap == "3.0"
    conf_fixture.config(conductor="not-a-release", group="upgrade_levels")
    with pytest.raises(exception.InvalidInput, match="upgrade_levels"):
        conductor_rpcapi.ConductorAPI()


def test_compute_auto_cap_follows_the_oldest_compute(databases, fake_messaging,
                                                     conf_fixture):
    conf_fixture.config(compute="auto", group="upgrade_levels")
    ctxt = nova_context.get_admin_context()
    # No nova-compute yet: no cap.
    assert compute_rpcapi.ComputeAPI().router.default_client.version_cap is None
    objects.Service(ctxt, host="c1", binary="nova-compute", topic="compute",
                    report_count=0, disabled=False, forced_down=False).create()
    assert compute_rpcapi.ComputeAPI().router.default_client.version_cap == "6.4"
    # An older compute (service version 1) holds everyone back to 6.0.
    old = objects.Service(ctxt, host="c0", binary="nova-compute", topic="compute",
                          report_count=0, disabled=False, forced_down=False)
    old.create()
    old.version = 1
    old.save()
    assert compute_rpcapi.ComputeAPI().router.default_client.version_cap == "6.0"


def test_compute_prepare_refuses_versions_above_the_cap(fake_messaging, conf_fixture):
    conf_fixture.config(compute="6.0", group="upgrade_levels")
    api = compute_rpcapi.ComputeAPI()
    ctxt = nova_context.get_admin_context()
    assert api.prepare(ctxt, "host1", "6.0").target.server == "host1"
    with pytest.raises(messaging.RPCVersionCapError):
        api.prepare(ctxt, "host1", "6.1")
