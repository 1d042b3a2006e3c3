"""InstanceAction(Event), Migration, ConsoleAuthToken and BlockDeviceMapping round trips."""

import sys
import time

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects


@pytest.fixture
def instance(admin_ctx):
    flavor = objects.Flavor(admin_ctx, name="m1", flavorid="1", memory_mb=512, vcpus=1,
                            root_gb=1, ephemeral_gb=0, swap=0, is_public=True, disabled=False)
    flavor.create()
    instance = objects.Instance(admin_ctx, flavor=flavor, project_id="project1",
                                user_id="user1", host="h1", node="n1")
    instance.create()
    return instance


def _request_ctx():
    return nova_context.RequestContext(user_id="user1", project_id="project1", is_admin=True)


def test_action_and_events(instance):
    ctx = _request_ctx()
    action = objects.InstanceAction.action_start(ctx, instance.uuid, "reboot")
    assert (action.request_id, action.user_id, action.action) == (
        ctx.request_id, "user1", "reboot")
    objects.InstanceActionEvent.event_start(ctx, instance.uuid, "compute_reboot_instance",
                                            host="h1")
    try:
        raise exception.InstanceNotFound(instance_id="x")
    except exception.InstanceNotFound as e:
        event = objects.InstanceActionEvent.event_finish_with_failure(
            ctx, instance.uuid, "compute_reboot_instance", exc_val=e,
            exc_tb=sys.exc_info()[2], want_result=True)
    assert event.result == "Error" and "Traceback" in event.traceback
    objects.InstanceActionEvent.event_start(ctx, instance.uuid, "compute_other")
    ok = objects.InstanceActionEvent.event_finish(ctx, instance.uuid, "compute_other")
    assert ok.result == "Success" and ok.finish_time is not None

    got = objects.InstanceAction.get_by_request_id(ctx, instance.uuid, ctx.request_id)
    assert got.message == "Error"
    events = objects.InstanceActionEventList.get_by_action(ctx, got.id)
    assert [e.event for e in events] == ["compute_other", "compute_reboot_instance"]
    objects.InstanceAction.action_finish(ctx, instance.uuid)
    assert objects.InstanceAction.get_by_request_id(
        ctx, instance.uuid, ctx.request_id).finish_time is not None

    other = _request_ctx()
    objects.InstanceAction.action_start(other, instance.uuid, "stop", want_result=False)
    actions = objects.InstanceActionList.get_by_instance_uuid(ctx, instance.uuid)
    assert [a.action for a in actions] == ["stop", "reboot"]
    page = objects.InstanceActionList.get_by_instance_uuid(
        ctx, instance.uuid, marker=other.request_id)
    assert [a.action for a in page] == ["reboot"]
    with pytest.raises(exception.InstanceActionNotFound):
        objects.InstanceActionEvent.event_start(_request_ctx(), instance.uuid, "e")


def test_migration_round_trip_and_lists(admin_ctx, instance):
    migration = objects.Migration(admin_ctx, instance_uuid=instance.uuid, source_compute="h1",
                                  dest_compute="h2", source_node="n1", dest_node="n2",
                                  status="pre-migrating", migration_type="resize",
                                  old_instance_type_id=1, new_instance_type_id=2)
    migration.create()
    assert uuidutils.is_uuid_like(migration.uuid) and migration.is_resize
    done = objects.Migration(admin_ctx, instance_uuid=instance.uuid, source_compute="h1",
                             dest_compute="h3", status="confirmed")
    done.create()
    assert done.migration_type == "migration"

    migration.status = "finished"
    migration.save()
    assert objects.Migration.get_by_id(admin_ctx, migration.id).status == "finished"
    assert objects.Migration.get_by_uuid(admin_ctx, migration.uuid).id == migration.id
    assert objects.Migration.get_by_instance_and_status(
        admin_ctx, instance.uuid, "finished").id == migration.id
    with pytest.raises(exception.MigrationNotFoundByStatus):
        objects.Migration.get_by_instance_and_status(admin_ctx, instance.uuid, "error")

    def ids(result):
        return sorted(m.id for m in result)

    assert ids(objects.MigrationList.get_by_filters(admin_ctx, {"host": "h1"})) == ids(
        [migration, done])
    assert ids(objects.MigrationList.get_by_filters(admin_ctx, {"status": "confirmed"})) == [
        done.id]
    assert ids(objects.MigrationList.get_in_progress_by_host_and_node(
        admin_ctx, "h2", "n2")) == [migration.id]
    assert ids(objects.MigrationList.get_in_progress_by_instance(
        admin_ctx, instance.uuid)) == [migration.id]
    assert ids(objects.MigrationList.get_unconfirmed_by_dest_compute(
        admin_ctx, -60, "h2")) == [migration.id]
    assert ids(objects.MigrationList.get_unconfirmed_by_dest_compute(
        admin_ctx, 3600, "h2")) == []
    page = objects.MigrationList.get_by_filters(admin_ctx, {}, sort_keys=["id"],
                                                sort_dirs=["asc"], limit=1)
    assert ids(page) == [migration.id]
    assert ids(objects.MigrationList.get_by_filters(
        admin_ctx, {}, sort_keys=["id"], sort_dirs=["asc"], marker=migration.uuid)) == [done.id]


def test_console_token_authorize_validate_expire(admin_ctx, instance):
    token_obj = objects.ConsoleAuthToken(admin_ctx, console_type="novnc", host="192.0.2.10",
                                         port=5900, instance_uuid=instance.uuid,
                                         access_url_base="http://proxy:6080/vnc_auto.html")
    token = token_obj.authorize(600)
    assert token_obj.access_url == (
        f"http://proxy:6080/vnc_auto.html?path=%3Ftoken%3D{token}")
    valid = objects.ConsoleAuthToken.validate(admin_ctx, token)
    assert (valid.host, valid.port, valid.instance_uuid) == ("192.0.2.10", 5900, instance.uuid)
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(admin_ctx, "not-a-token")

    expired = objects.ConsoleAuthToken(admin_ctx, console_type="novnc", host="h", port=1,
                                       instance_uuid=instance.uuid)
    old_token = expired.authorize(-1)
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(admin_ctx, old_token)
    assert objects.ConsoleAuthToken.clean_expired_console_auths(admin_ctx) == 1
    objects.ConsoleAuthToken.clean_console_auths_for_instance(admin_ctx, instance.uuid)
    with pytest.raises(exception.InvalidToken):
        objects.ConsoleAuthToken.validate(admin_ctx, token)
    assert int(time.time()) < valid.expires


def test_block_device_mappings(admin_ctx, instance):
    root = objects.BlockDeviceMapping(admin_ctx, instance_uuid=instance.uuid,
                                      source_type="image", destination_type="local",
                                      boot_index=0, image_id="image1",
                                      delete_on_termination=True)
    root.create()
    vol = objects.BlockDeviceMapping(admin_ctx, instance_uuid=instance.uuid,
                                     source_type="volume", destination_type="volume",
                                     volume_id="vol1", device_name="/dev/vdb")
    vol.create()
    vol.connection_info = '{"driver_volume_type": "iscsi"}'
    vol.save()
    bdms = objects.BlockDeviceMappingList.get_by_instance_uuid(admin_ctx, instance.uuid)
    assert bdms.root_bdm.uuid == root.uuid
    assert objects.BlockDeviceMapping.get_by_volume_and_instance(
        admin_ctx, "vol1", instance.uuid).connection_info.startswith("{")
    vol.destroy()
    with pytest.raises(exception.VolumeBDMNotFound):
        objects.BlockDeviceMapping.get_by_volume_and_instance(admin_ctx, "vol1", instance.uuid)
    # Destroying the instance soft-deletes its mappings too.
    instance.destroy()
    assert len(objects.BlockDeviceMappingList.get_by_instance_uuid(
        admin_ctx, instance.uuid)) == 0
