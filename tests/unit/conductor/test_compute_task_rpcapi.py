"""The compute-task client's version cap shares [upgrade_levels] conductor."""

import pytest

from nova import exception, rpc
from nova.conductor import compute_task_rpcapi


@pytest.fixture
def fake_transport(conf_fixture):
    rpc.init(conf_fixture.conf, transport_url="fake:/")
    yield
    rpc.cleanup()


@pytest.mark.parametrize("configured, expected", [
    (None, None),
    ("1.0", "1.0"),
    ("3.0", None),  # an object-API version must not refuse every build
])
def test_cap_applies_only_to_its_own_major_version(fake_transport, conf_fixture,
                                                   configured, expected):
    conf_fixture.config(conductor=configured, group="upgrade_levels")
    assert compute_task_rpcapi.ComputeTaskAPI().client.version_cap == expected


def test_unshelve_needs_1_1_and_is_refused_before_anything_is_sent(fake_transport,
                                                                  conf_fixture):
    conf_fixture.config(conductor="1.0", group="upgrade_levels")
    api = compute_task_rpcapi.ComputeTaskAPI()
    with pytest.raises(exception.ConductorTooOld):
        api.check_can_send("unshelve_instance")
    with pytest.raises(exception.ConductorTooOld):
        api.unshelve_instance(None, instance=None)
    api.check_can_send("build_instances")
