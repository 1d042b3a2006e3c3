"""The fake driver and driver loading: the contract the compute manager relies on."""

import types

import pytest

from nova import conf as nova_conf
from nova import exception
from nova.compute import power_state
from nova.virt import driver, fake, node

CONF = nova_conf.CONF


@pytest.fixture
def state_path(tmp_path):
    CONF.set_override("state_path", str(tmp_path))
    CONF.set_override("host", "fake-host")
    yield tmp_path
    CONF.clear_override("state_path")
    CONF.clear_override("host")


def _instance(uuid="6f7e5c3a-9d0b-4c4e-8a63-2a4b1f0e9d11"):
    return types.SimpleNamespace(uuid=uuid)


@pytest.mark.parametrize("name", ["fake.FakeDriver", "fake"])
def test_load_compute_driver_by_upstream_name(name):
    loaded = driver.load_compute_driver(None, name)
    assert isinstance(loaded, fake.FakeDriver)


@pytest.mark.parametrize("name", ["", "nonexistent.Driver", "hardware.InstanceInfo"])
def test_load_compute_driver_rejects_bad_names(name):
    with pytest.raises(exception.InvalidInput):
        driver.load_compute_driver(None, name)


def test_node_uuid_survives_restart(state_path):
    first = fake.FakeDriver()
    first.init_host("fake-host")
    second = fake.FakeDriver()
    second.init_host("fake-host")
    assert first.get_node_uuid("fake-host") == second.get_node_uuid("fake-host")
    assert (state_path / node.COMPUTE_ID_FILE).read_text().strip() == \
        first.get_node_uuid("fake-host")


def test_node_count_serves_many_nodes_with_stable_uuids(state_path):
    CONF.set_override("node_count", 3, group="fake_driver")
    try:
        first = fake.FakeDriver()
        first.init_host("fake-host")
        names = first.get_available_nodes()
        uuids = [first.get_node_uuid(name) for name in names]
        second = fake.FakeDriver()
        second.init_host("fake-host")
        again = [second.get_node_uuid(name) for name in second.get_available_nodes()]
    finally:
        CONF.clear_override("node_count", group="fake_driver")
    assert names == ["fake-host-1", "fake-host-2", "fake-host-3"]
    assert len(set(uuids)) == 3
    # Derived from the host's stored identity: a restart keeps every provider.
    assert again == uuids
    assert first.get_available_resource("fake-host-2").hypervisor_hostname == "fake-host-2"


def test_spawn_get_info_destroy(state_path):
    drv = fake.FakeDriver()
    drv.init_host("fake-host")
    inst = _instance()
    drv.spawn(None, inst, {}, [], None, {})
    assert drv.get_info(inst).state == power_state.RUNNING
    assert inst.uuid.encode() in drv.get_console_output(None, inst)
    assert drv.list_instance_uuids() == [inst.uuid]
    drv.power_off(inst)
    assert drv.get_info(inst).state == power_state.SHUTDOWN
    drv.destroy(None, inst)
    drv.destroy(None, inst)  # a second delete must still succeed
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(inst)


def test_resources_report_the_node(state_path):
    drv = fake.SmallFakeDriver()
    drv.init_host("fake-host")
    assert drv.get_available_nodes() == ["fake-host"]
    res = drv.get_available_resource("fake-host")
    assert (res.vcpus, res.memory_mb, res.local_gb) == (2, 2048, 20)


def test_failing_spawn_raises(state_path):
    drv = fake.FailingSpawnFakeDriver()
    with pytest.raises(exception.NovaException):
        drv.spawn(None, _instance(), {}, [], None, {})
    assert drv.list_instance_uuids() == []


# -- the live-migration model ---------------------------------------------------

class _Progress:
    def __init__(self, on_first=None):
        self.calls = []
        self.on_first = on_first

    def progress(self, **counters):
        self.calls.append(counters)
        if self.on_first and len(self.calls) == 1:
            self.on_first()


def _migrating_guest(cls=fake.FakeDriver):
    drv = cls()
    drv.live_migration_step = 0
    instance = types.SimpleNamespace(uuid="0b4c3a1e-2f7d-4a58-9c61-5d0e8f2b7a34",
                                     memory_mb=64, root_gb=1)
    drv.spawn(None, instance, {"id": "img"}, [], None, {})
    return drv, instance


def test_live_migration_reports_progress_to_the_end():
    drv, instance = _migrating_guest()
    progress, data = _Progress(), {}
    drv.live_migration(None, instance, "dest", data, progress)
    assert len(progress.calls) == drv.live_migration_steps
    assert progress.calls[-1]["memory_processed"] == 64 * 1024 * 1024
    assert progress.calls[-1]["memory_remaining"] == 0
    assert data["power_state"] == power_state.RUNNING
    other = fake.FakeDriver()
    other.post_live_migration_at_destination(None, instance, data)
    assert other.get_info(instance).state == power_state.RUNNING


def test_live_migration_abort_and_force_complete():
    drv, instance = _migrating_guest()
    drv.live_migration_steps = 10
    with pytest.raises(exception.InvalidMigrationState):
        drv.live_migration_abort(instance)  # nothing running
    progress = _Progress(on_first=lambda: drv.live_migration_abort(instance))
    with pytest.raises(exception.LiveMigrationAborted):
        drv.live_migration(None, instance, "dest", {}, progress)
    assert drv.get_info(instance).state == power_state.RUNNING
    progress = _Progress(on_first=lambda: drv.live_migration_force_complete(instance))
    drv.live_migration(None, instance, "dest", {}, progress)
    assert len(progress.calls) == 2
    assert progress.calls[-1]["memory_remaining"] == 0


def test_failing_live_migration_fails_halfway():
    drv, instance = _migrating_guest(fake.FailingLiveMigrationFakeDriver)
    progress = _Progress()
    with pytest.raises(exception.LiveMigrationFailed):
        drv.live_migration(None, instance, "dest", {}, progress)
    assert 0 < len(progress.calls) < drv.live_migration_steps
    assert drv.get_info(instance).state == power_state.RUNNING
