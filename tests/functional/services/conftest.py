"""Fixtures for the services tier in one process: fake:// messaging, SQLite.

``fake_messaging`` builds nova.rpc on the in-memory transport;
``conductor_service`` runs a real nova-conductor Service (RPC server,
services row, heartbeat) on it against the suite's ``databases``;
``indirection`` makes remotable object calls in this process go through the
conductor, as they do in nova-compute.
"""

import pytest

from nova import objects, rpc, service
from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi
from nova.conf import CONF
from nova.objects import base as objects_base


@pytest.fixture(autouse=True, scope="session")
def _register_objects():
    objects.register_all()


@pytest.fixture
def fake_messaging(conf_fixture):
    """nova.rpc initialised on fake:// for the test; torn down afterwards."""
    rpc.init(CONF, transport_url="fake:/")
    # Building one client registers rpc_response_timeout, so tests can
    # override it through conf_fixture.
    conductor_rpcapi.ConductorAPI()
    yield
    rpc.cleanup()


def start_service(binary, manager, host, report_interval=0, **kwargs):
    """Create and start a nova.service.Service; the caller stops it."""
    kwargs.setdefault("periodic_enable", False)
    server = service.Service.create(
        host=host, binary=binary, manager=manager,
        report_interval=report_interval, **kwargs)
    server.start()
    return server


@pytest.fixture
def conductor_service(databases, fake_messaging):
    """A running nova-conductor Service on host "conductor-host"."""
    server = start_service("nova-conductor",
                           conductor_manager.ConductorManager(host="conductor-host"),
                           host="conductor-host")
    yield server
    server.stop()


@pytest.fixture
def indirection(fake_messaging):
    """Route remotable object calls through nova-conductor until the test ends."""
    previous = objects_base.NovaObject.indirection_api
    objects_base.NovaObject.indirection_api = conductor_rpcapi.ConductorAPI()
    yield objects_base.NovaObject.indirection_api
    objects_base.NovaObject.indirection_api = previous
