"""The object behaviours most sensitive to SQL dialects, on every backend.

SQLite runs in the default suite; the MariaDB and PostgreSQL variants carry
the ``mysql``/``postgresql`` markers (each test makes and drops its own
uniquely named databases).
"""

import concurrent.futures
import threading

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import task_states, vm_states


@pytest.fixture
def ctx(db_backend, databases):
    return nova_context.get_admin_context()


def _flavor(ctx, flavorid, is_public=True):
    flavor = objects.Flavor(ctx, flavorid=flavorid, name=f"f{flavorid}", memory_mb=256,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0, is_public=is_public,
                            disabled=False)
    flavor.create()
    return flavor


def test_instance_cas_soft_delete_and_paging(ctx):
    flavor = _flavor(ctx, "1")
    made = []
    for name in ("b", "a", "c"):
        inst = objects.Instance(ctx, flavor=flavor, project_id="p", user_id="u",
                                display_name=name, vm_state=vm_states.BUILDING,
                                task_state=task_states.SCHEDULING, metadata={"n": name})
        inst.create()
        made.append(inst)
    racer = objects.Instance.get_by_uuid(ctx, made[0].uuid)
    made[0].task_state = task_states.SPAWNING
    made[0].save(expected_task_state=task_states.SCHEDULING)
    racer.task_state = task_states.DELETING
    with pytest.raises(exception.UnexpectedTaskStateError):
        racer.save(expected_task_state=[task_states.SCHEDULING])

    page = objects.InstanceList.get_by_filters(
        ctx, {"name": "a"}, sort_keys=["display_name"], sort_dirs=["asc"])
    assert [i.display_name for i in page] == ["a"]
    first = objects.InstanceList.get_by_filters(
        ctx, {}, sort_keys=["display_name"], sort_dirs=["desc"], limit=1)
    rest = objects.InstanceList.get_by_filters(
        ctx, {}, sort_keys=["display_name"], sort_dirs=["desc"], marker=first[0].uuid,
        expected_attrs=["metadata", "flavor"])
    assert [i.display_name for i in first] + [i.display_name for i in rest] == ["c", "b", "a"]
    assert rest[0].metadata == {"n": "b"} and rest[0].flavor.flavorid == "1"

    made[1].destroy()
    assert len(objects.InstanceList.get_by_filters(ctx, {})) == 2
    deleted_ctx = nova_context.get_admin_context(read_deleted="yes")
    assert objects.Instance.get_by_uuid(deleted_ctx, made[1].uuid).deleted


def test_flavor_visibility_and_keypair_conflict(ctx):
    _flavor(ctx, "pub")
    private = _flavor(ctx, "priv", is_public=False)
    private.add_access("p1")
    user = nova_context.RequestContext(user_id="u1", project_id="p1")
    stranger = nova_context.RequestContext(user_id="u2", project_id="p2")
    assert [f.flavorid for f in objects.FlavorList.get_all(user)] == ["priv", "pub"]
    assert [f.flavorid for f in objects.FlavorList.get_all(stranger)] == ["pub"]
    with pytest.raises(exception.FlavorIdExists):
        _flavor(ctx, "pub")
    objects.KeyPair(ctx, name="k", user_id="u1", public_key="ssh-rsa A").create()
    with pytest.raises(exception.KeypairExists):
        objects.KeyPair(ctx, name="k", user_id="u1", public_key="ssh-rsa B").create()


def test_service_minimum_version_and_heartbeat(ctx):
    svc = objects.Service(ctx, host="h", binary="nova-compute", topic="compute")
    svc.create()
    svc.report_count += 1
    svc.save()
    assert objects.Service.get_by_compute_host(ctx, "h").last_seen_up is not None
    assert objects.Service.get_minimum_version(ctx, "nova-compute") == svc.version
    with pytest.raises(exception.ServiceBinaryExists):
        objects.Service(ctx, host="h", binary="nova-compute", topic="other").create()


def test_concurrent_task_state_changes_have_one_winner(ctx):
    """Threads racing to start an action on one server: exactly one may win."""
    flavor = _flavor(ctx, "race")
    inst = objects.Instance(ctx, flavor=flavor, project_id="p", vm_state=vm_states.ACTIVE,
                            task_state=None)
    inst.create()
    racers = 4
    barrier = threading.Barrier(racers)

    def race(task_state):
        mine = objects.Instance.get_by_uuid(nova_context.get_admin_context(), inst.uuid)
        mine.task_state = task_state
        barrier.wait()
        try:
            mine.save(expected_task_state=[None])
            return task_state
        except exception.UnexpectedTaskStateError:
            return None

    states = [task_states.REBOOTING, task_states.POWERING_OFF, task_states.DELETING,
              task_states.REBUILDING]
    with concurrent.futures.ThreadPoolExecutor(racers) as pool:
        results = list(pool.map(race, states))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert objects.Instance.get_by_uuid(ctx, inst.uuid).task_state == winners[0]


def test_api_and_cell_records_round_trip(ctx):
    """Aggregates, groups, specs, build requests, actions, migrations, tokens."""
    flavor = _flavor(ctx, "rt")
    agg = objects.Aggregate(ctx, name="agg", metadata={"availability_zone": "az1"})
    agg.create()
    agg.add_host("h1")
    agg.update_metadata({"ssd": "1"})
    assert objects.AggregateList.get_by_host(ctx, "h1")[0].metadata == {
        "availability_zone": "az1", "ssd": "1"}

    group = objects.InstanceGroup(ctx, name="g", project_id="p", policy="anti-affinity",
                                  rules={"max_server_per_host": "1"})
    group.create()
    build = objects.BuildRequest(ctx, instance=objects.Instance(
        uuid=uuidutils.generate_uuid(), project_id="p", display_name="pending",
        vm_state=vm_states.BUILDING, flavor=flavor, metadata={}, system_metadata={}))
    build.create()
    spec = objects.RequestSpec.from_components(
        ctx, build.instance_uuid, {"min_ram": 1}, flavor, instance_group=group,
        project_id="p", user_id="u")
    spec.create()
    assert objects.RequestSpec.get_by_instance_uuid(
        ctx, build.instance_uuid).instance_group.rules == {"max_server_per_host": "1"}
    assert [b.instance.display_name for b in objects.BuildRequestList.get_by_filters(
        ctx, {"name": "^pend"})] == ["pending"]

    inst = build.get_new_instance(ctx)
    inst.host, inst.node = "h1", "n1"
    inst.create()
    build.destroy()
    objects.InstanceGroup.add_members(ctx, group.uuid, [inst.uuid])
    assert objects.InstanceGroup.get_by_uuid(ctx, group.uuid).get_hosts() == ["h1"]

    request_ctx = nova_context.RequestContext(user_id="u", project_id="p", is_admin=True)
    objects.InstanceAction.action_start(request_ctx, inst.uuid, "create")
    objects.InstanceActionEvent.event_start(request_ctx, inst.uuid, "build")
    objects.InstanceActionEvent.event_finish_with_failure(
        request_ctx, inst.uuid, "build", exc_val=ValueError("bad"))
    action = objects.InstanceActionList.get_by_instance_uuid(ctx, inst.uuid)[0]
    assert action.message == "Error"

    migration = objects.Migration(ctx, instance_uuid=inst.uuid, source_compute="h1",
                                  dest_compute="h2", source_node="n1", dest_node="n2",
                                  status="migrating", migration_type="live-migration")
    migration.create()
    assert [m.id for m in objects.MigrationList.get_in_progress_by_host_and_node(
        ctx, "h2", "n2")] == [migration.id]

    token = objects.ConsoleAuthToken(ctx, console_type="novnc", host="h1", port=5900,
                                     instance_uuid=inst.uuid).authorize(30)
    assert objects.ConsoleAuthToken.validate(ctx, token).instance_uuid == inst.uuid
    inst.destroy()
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(ctx, token)
