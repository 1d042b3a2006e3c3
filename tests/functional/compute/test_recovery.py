"""What nova-compute does with servers a restart or the hypervisor surprised.

A compute restarted in the middle of an operation finishes it, reverts it
or fails it as its row of the server action table says, so no server keeps
a task_state that nothing will clear; the periodic power sync follows
guests that changed behind nova's back.
"""

import pytest

from nova import context as nova_context
from nova import objects
from nova.compute import power_state, task_states, vm_states
from tests.fixtures import images


@pytest.fixture
def server(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    # ACTIVE shows before the build's operation ends on the host; the power
    # sync skips an instance whose operation still runs.
    svc = nova_cloud.plane.computes["compute1"].manager.svc
    nova_cloud.wait_for(lambda: not svc.is_running(created["id"]),
                        message="the build operation to end")
    return created["id"]


def _instance(cloud, server_id):
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        return objects.Instance.get_by_uuid(cctxt, server_id, expected_attrs=["fault"])


def _interrupt(cloud, server_id, **fields):
    """Leave the instance as an operation cut short by a crash would."""
    instance = _instance(cloud, server_id)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


def _restart(cloud, host="compute1"):
    cloud.stop_compute(host)
    cloud.start_compute(host)


def test_a_stop_interrupted_by_a_restart_is_finished(nova_cloud, server):
    _interrupt(nova_cloud, server, task_state=task_states.POWERING_OFF)
    _restart(nova_cloud)
    stopped = nova_cloud.wait_for_server_status(server, "SHUTOFF")
    assert stopped["OS-EXT-STS:task_state"] is None
    assert stopped["OS-EXT-STS:power_state"] == power_state.SHUTDOWN


def test_a_hard_reboot_interrupted_by_a_restart_is_finished(nova_cloud, server):
    _interrupt(nova_cloud, server, task_state=task_states.REBOOTING_HARD)
    _restart(nova_cloud)
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert _instance(nova_cloud, server).task_state is None


def test_an_interrupted_pause_takes_the_hypervisors_word(nova_cloud, server):
    # The guest never got paused: the server is ACTIVE again, task cleared.
    _interrupt(nova_cloud, server, task_state=task_states.PAUSING)
    _restart(nova_cloud)
    instance = _instance(nova_cloud, server)
    assert (instance.vm_state, instance.task_state) == (vm_states.ACTIVE, None)


def test_a_build_interrupted_by_a_restart_is_built_again(nova_cloud, server):
    _interrupt(nova_cloud, server, vm_state=vm_states.BUILDING,
               task_state=task_states.SPAWNING, launched_at=None)
    _restart(nova_cloud)
    built = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert built["OS-EXT-STS:task_state"] is None
    driver = nova_cloud.plane.computes["compute1"].manager.driver
    assert driver.get_info(_instance(nova_cloud, server)).state == power_state.RUNNING


def test_an_operation_whose_guest_vanished_fails_visibly(nova_cloud, server):
    driver = nova_cloud.plane.computes["compute1"].manager.driver
    driver.destroy(None, _instance(nova_cloud, server))
    resp = nova_cloud.api.post(f"/v2.1/servers/{server}/action", {"os-stop": None})
    assert resp.status_code == 202
    nova_cloud.wait_for(lambda: _instance(nova_cloud, server).fault is not None,
                        message="a fault")
    instance = _instance(nova_cloud, server)
    assert instance.task_state is None
    assert "could not be found" in instance.fault.message


def test_a_guest_that_powered_itself_off_becomes_shutoff(nova_cloud, server):
    manager = nova_cloud.plane.computes["compute1"].manager
    manager.driver.power_off(_instance(nova_cloud, server))
    manager._sync_power_states(nova_context.get_admin_context())
    stopped = nova_cloud.get_server(server)
    assert stopped["status"] == "SHUTOFF"
    assert stopped["OS-EXT-STS:power_state"] == power_state.SHUTDOWN


def test_a_shutoff_server_whose_guest_runs_is_powered_off(nova_cloud, server):
    nova_cloud.api.post(f"/v2.1/servers/{server}/action", {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    manager = nova_cloud.plane.computes["compute1"].manager
    # The stop's operation may still be sending its end notification: the
    # sync leaves instances with an operation in flight alone.
    nova_cloud.wait_for(lambda: not manager.svc.is_running(server),
                        message="the stop finished")
    manager.driver.power_on(None, _instance(nova_cloud, server))
    manager._sync_power_states(nova_context.get_admin_context())
    assert manager.driver.get_info(_instance(nova_cloud, server)).state == \
        power_state.SHUTDOWN
    assert nova_cloud.get_server(server)["status"] == "SHUTOFF"
