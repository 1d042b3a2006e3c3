"""The image actions through the REST API on the in-process cloud (fake driver).

rebuild, createImage, createBackup, shelve, shelveOffload and unshelve as
a user of upstream's API sees them: the answers (bodies, Location, the
microversion variants), the states the server goes through, the images
in Glance (the in-process fake, over HTTP), the Placement allocation of a
shelved server, the action history and notifications, and the refusals
(409 state and lock, 403 policy, 400 bad input) and failures.

Some variants (createImage's body from 2.45, unshelve's zone 2.77 and
host 2.91) are above the microversion the API announces today; the
``beyond_max`` fixture serves them so they are tested before they are
announced.
"""

import time

import pytest

from nova import context as nova_context
from nova import objects
from nova.api.openstack import api_version_request
from nova.compute import power_state, task_states, vm_states
from tests.fixtures import images

ACTION = "/v2.1/servers/{}/action"

#: A direct-kernel-boot image: its kernel and ramdisk are images too.
KERNEL_ID = "5a1d7a70-8d2d-4c41-9d3c-0b6e1f0a0a11"
RAMDISK_ID = "5a1d7a70-8d2d-4c41-9d3c-0b6e1f0a0a12"
DKB_IMAGE_ID = "5a1d7a70-8d2d-4c41-9d3c-0b6e1f0a0a13"


@pytest.fixture
def beyond_max(monkeypatch):
    """Serve microversions up to 2.96 (list it before the cloud fixtures)."""
    monkeypatch.setattr(api_version_request, "MAX_API_VERSION", "2.96")


@pytest.fixture
def server(nova_cloud):
    """An ACTIVE server of the ordinary user; returns its id."""
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def act(cloud, server_id, body, api=None, version=None):
    kwargs = {"version": version} if version else {}
    return (api or cloud.api).post(ACTION.format(server_id), body, **kwargs)


def accepted(cloud, server_id, body, api=None, version=None):
    resp = act(cloud, server_id, body, api, version)
    assert resp.status_code == 202, resp.text
    return resp


def conflict(resp):
    assert resp.status_code == 409, resp.text
    return resp.json()["conflictingRequest"]["message"]


def bad_request(resp):
    assert resp.status_code == 400, resp.text
    return resp.json()["badRequest"]["message"]


def _cell1(cloud):
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        return cctxt


def instance_of(cloud, server_id):
    return objects.Instance.get_by_uuid(_cell1(cloud), server_id,
                                        expected_attrs=["system_metadata", "fault"])


def guest(cloud, server_id, host="compute1"):
    return cloud.plane.computes[host].manager.driver._guests.get(server_id)


def console(cloud, server_id):
    return act(cloud, server_id, {"os-getConsoleOutput": {}}).json()["output"]


def history(cloud, server_id):
    actions = cloud.admin_api.get(
        f"/v2.1/servers/{server_id}/os-instance-actions").json()["instanceActions"]
    return [(a["action"], a["message"]) for a in actions]


def events(cloud, server_id, action):
    actions = cloud.admin_api.get(
        f"/v2.1/servers/{server_id}/os-instance-actions").json()["instanceActions"]
    request_id = next(a["request_id"] for a in actions if a["action"] == action)
    shown = cloud.admin_api.get(
        f"/v2.1/servers/{server_id}/os-instance-actions/{request_id}").json()
    return sorted((e["event"], e["result"]) for e in shown["instanceAction"]["events"])


def wait_for_task_cleared(cloud, server_id):
    return cloud.wait_for(
        lambda: (lambda s: s if s["OS-EXT-STS:task_state"] is None else None)(
            cloud.get_server(server_id)),
        timeout=30, message=f"server {server_id} without a task")


def add_dkb_image(cloud):
    cloud.images.add_image(KERNEL_ID, data=b"kernel", name="k", disk_format="aki",
                           container_format="aki")
    cloud.images.add_image(RAMDISK_ID, data=b"ramdisk", name="r", disk_format="ari",
                           container_format="ari")
    cloud.images.add_image(DKB_IMAGE_ID, data=b"\0" * 1024, name="dkb", disk_format="raw",
                           container_format="bare",
                           properties={"kernel_id": KERNEL_ID, "ramdisk_id": RAMDISK_ID,
                                       "os_command_line": "root=/dev/vda console=ttyS0"})


# -- rebuild ------------------------------------------------------------------


def test_rebuild_to_the_same_image_keeps_the_server(nova_cloud, server):
    resp = accepted(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID}})
    body = resp.json()["server"]
    assert body["id"] == server
    assert body["status"] == "REBUILD"
    assert body["image"]["id"] == images.IMAGE_ID
    assert len(body["adminPass"]) == 12
    # Before 2.75 upstream answers fewer fields than GET.
    assert not [key for key in body if key.startswith(("OS-EXT-", "OS-SRV-USG"))]
    assert "key_name" not in body and "config_drive" not in body
    assert {"name", "metadata", "flavor", "links", "OS-DCF:diskConfig", "progress",
            "accessIPv4", "hostId", "created", "updated"} <= set(body)
    rebuilt = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert rebuilt["OS-EXT-STS:task_state"] is None
    assert guest(nova_cloud, server) == power_state.RUNNING
    # A fresh guest: its console starts again from the boot.
    assert console(nova_cloud, server) == \
        f"fake guest {server} booted from image {images.IMAGE_ID}\n"
    assert history(nova_cloud, server)[:2] == [("rebuild", None), ("create", None)]
    assert events(nova_cloud, server, "rebuild") == [("compute_rebuild_instance", "Success")]


def test_rebuild_to_another_image_with_new_fields(nova_cloud, server):
    add_dkb_image(nova_cloud)
    resp = accepted(nova_cloud, server, {"rebuild": {
        "imageRef": f"http://glance.example.com/images/{DKB_IMAGE_ID}",
        "name": "rebuilt", "metadata": {"role": "db"}, "adminPass": "s3cret",
        "description": "after", "preserve_ephemeral": True}}, version="2.19")
    body = resp.json()["server"]
    assert (body["name"], body["metadata"], body["adminPass"], body["description"]) == (
        "rebuilt", {"role": "db"}, "s3cret", "after")
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    shown = nova_cloud.admin_api.get(f"/v2.1/servers/{server}", version="2.3").json()[
        "server"]
    assert shown["image"]["id"] == DKB_IMAGE_ID
    assert (shown["OS-EXT-SRV-ATTR:kernel_id"], shown["OS-EXT-SRV-ATTR:ramdisk_id"]) == (
        KERNEL_ID, RAMDISK_ID)
    sysmeta = instance_of(nova_cloud, server).system_metadata
    assert sysmeta["image_os_command_line"] == "root=/dev/vda console=ttyS0"
    assert "image_hw_disk_bus" not in sysmeta  # the old image's property went
    assert f"booted from image {DKB_IMAGE_ID}" in console(nova_cloud, server)


def test_rebuild_refusals_change_nothing(nova_cloud, server, conf_fixture):
    assert "Cannot find image for rebuild" in bad_request(act(
        nova_cloud, server, {"rebuild": {"imageRef": "no-such-image"}}))
    bad_request(act(nova_cloud, server, {"rebuild": {"imageRef": images.QUEUED_IMAGE_ID}}))
    # The big image needs 1024 MiB of RAM; the flavor has 128.
    bad_request(act(nova_cloud, server, {"rebuild": {"imageRef": images.LARGE_IMAGE_ID}}))
    bad_request(act(nova_cloud, server, {"rebuild": {}}))
    # A description only from 2.19.
    bad_request(act(nova_cloud, server, {"rebuild": {
        "imageRef": images.IMAGE_ID, "description": "x"}}))
    resp = act(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID,
                                                "metadata": {str(i): "v" for i in range(200)}}})
    assert resp.status_code == 403, resp.text
    shown = nova_cloud.get_server(server)
    assert (shown["status"], shown["image"]["id"], shown["metadata"]) == (
        "ACTIVE", images.IMAGE_ID, {})
    # Without [api] enable_instance_password the password is not answered.
    conf_fixture.config(enable_instance_password=False, group="api")
    body = accepted(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID}}).json()
    assert "adminPass" not in body["server"]


def test_rebuild_fields_of_later_microversions(beyond_max, nova_cloud, server):
    resp = nova_cloud.api.post("/v2.1/os-keypairs", {"keypair": {"name": "k1"}})
    assert resp.status_code == 200, resp.text

    def rebuild(version, **fields):
        body = accepted(nova_cloud, server, {"rebuild": dict(
            imageRef=images.IMAGE_ID, **fields)}, version=version).json()["server"]
        wait_for_task_cleared(nova_cloud, server)
        return body

    body = rebuild("2.54", key_name="k1")
    assert body["key_name"] == "k1" and "user_data" not in body
    assert rebuild("2.54", key_name=None)["key_name"] is None
    bad_request(act(nova_cloud, server, {"rebuild": {
        "imageRef": images.IMAGE_ID, "personality": []}}, version="2.57"))
    assert rebuild("2.57", user_data="aGVsbG8=")["user_data"] == "aGVsbG8="
    bad_request(act(nova_cloud, server, {"rebuild": {
        "imageRef": images.IMAGE_ID, "user_data": "not base64!"}}, version="2.57"))
    body = rebuild("2.90", hostname="renamed-host")
    assert body["OS-EXT-STS:vm_state"] == "active"  # from 2.75, the body of GET
    shown = nova_cloud.admin_api.get(f"/v2.1/servers/{server}", version="2.3").json()
    assert shown["server"]["OS-EXT-SRV-ATTR:hostname"] == "renamed-host"


def test_rebuild_of_a_stopped_server_leaves_it_stopped(nova_cloud, server):
    accepted(nova_cloud, server, {"os-stop": None})
    nova_cloud.wait_for_server_status(server, "SHUTOFF")
    accepted(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID}})
    nova_cloud.wait_for(lambda: history(nova_cloud, server)[0] == ("rebuild", None)
                        and nova_cloud.get_server(server)["OS-EXT-STS:task_state"] is None,
                        message="rebuild done")
    stopped = nova_cloud.get_server(server)
    assert stopped["status"] == "SHUTOFF"
    assert guest(nova_cloud, server) == power_state.SHUTDOWN


# -- createImage and createBackup --------------------------------------------------


def test_create_image_uploads_a_snapshot_that_boots(nova_cloud, server):
    resp = accepted(nova_cloud, server, {"createImage": {
        "name": "snap", "metadata": {"purpose": "test"}}})
    assert resp.content == b""
    location = resp.headers["Location"]
    assert location.startswith(nova_cloud.url + "/v2.1/images/")
    image_id = location.rsplit("/", 1)[-1]
    nova_cloud.wait_for(
        lambda: nova_cloud.images.show(None, image_id)["status"] == "active",
        message="the snapshot's upload")
    image = nova_cloud.images.show(None, image_id)
    assert (image["name"], image["disk_format"], image["container_format"],
            image["visibility"], image["owner"]) == (
        "snap", "raw", "bare", "private", "demo-project")
    assert image["properties"] == {
        "image_type": "snapshot", "instance_uuid": server, "user_id": "demo",
        "base_image_ref": images.IMAGE_ID, "purpose": "test",
        "hw_disk_bus": "virtio"}  # inherited from the server's image
    done = wait_for_task_cleared(nova_cloud, server)
    assert done["status"] == "ACTIVE"
    assert events(nova_cloud, server, "createImage") == [
        ("compute_snapshot_instance", "Success")]

    booted = nova_cloud.create_server("1", image_id, name="from-snap")
    nova_cloud.wait_for_server_status(booted["id"], "ACTIVE")
    assert f"booted from image {image_id}" in console(nova_cloud, booted["id"])


def test_snapshot_of_a_direct_kernel_boot_server_keeps_its_kernel(nova_cloud):
    add_dkb_image(nova_cloud)
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", DKB_IMAGE_ID, name="dkb")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    # A paused server can be snapshotted too.
    accepted(nova_cloud, created["id"], {"pause": None})
    nova_cloud.wait_for_server_status(created["id"], "PAUSED")
    resp = accepted(nova_cloud, created["id"], {"createImage": {"name": "dkb-snap"}},
                    version="2.1")
    image_id = resp.headers["Location"].rsplit("/", 1)[-1]
    nova_cloud.wait_for(
        lambda: nova_cloud.images.show(None, image_id)["status"] == "active",
        message="the snapshot's upload")
    props = nova_cloud.images.show(None, image_id)["properties"]
    assert (props["kernel_id"], props["ramdisk_id"], props["os_command_line"]) == (
        KERNEL_ID, RAMDISK_ID, "root=/dev/vda console=ttyS0")
    assert wait_for_task_cleared(nova_cloud, created["id"])["status"] == "PAUSED"


def test_create_image_answers_the_image_id_from_2_45(beyond_max, nova_cloud, server):
    resp = accepted(nova_cloud, server, {"createImage": {"name": "snap"}}, version="2.45")
    assert "Location" not in resp.headers
    image_id = resp.json()["image_id"]
    assert nova_cloud.images.show(None, image_id)["name"] == "snap"
    wait_for_task_cleared(nova_cloud, server)
    resp = accepted(nova_cloud, server, {"createBackup": {
        "name": "b", "backup_type": "daily", "rotation": 0}}, version="2.45")
    assert set(resp.json()) == {"image_id"}


def test_create_backup_rotates_older_backups(nova_cloud, server):
    made = []
    for index in range(3):
        resp = accepted(nova_cloud, server, {"createBackup": {
            "name": f"daily-{index}", "backup_type": "daily", "rotation": 2}})
        made.append(resp.headers["Location"].rsplit("/", 1)[-1])
        wait_for_task_cleared(nova_cloud, server)
    # Another type rotates on its own.
    accepted(nova_cloud, server, {"createBackup": {
        "name": "weekly", "backup_type": "weekly", "rotation": 1}})
    wait_for_task_cleared(nova_cloud, server)
    backups = nova_cloud.images.detail(None, instance_uuid=server, image_type="backup")
    assert sorted(image["name"] for image in backups) == ["daily-1", "daily-2", "weekly"]
    assert {image["properties"]["backup_type"] for image in backups} == {"daily", "weekly"}
    # Rotation 0 keeps none, and there is no Location to give.
    resp = accepted(nova_cloud, server, {"createBackup": {
        "name": "gone", "backup_type": "daily", "rotation": 0}})
    assert "Location" not in resp.headers
    wait_for_task_cleared(nova_cloud, server)
    backups = nova_cloud.images.detail(None, instance_uuid=server, image_type="backup")
    assert [image["name"] for image in backups] == ["weekly"]
    bad_request(act(nova_cloud, server, {"createBackup": {
        "name": "x", "backup_type": "daily", "rotation": -1}}))
    bad_request(act(nova_cloud, server, {"createBackup": {"name": "x"}}))
    assert events(nova_cloud, server, "createBackup") == [
        ("compute_backup_instance", "Success")]


def test_snapshot_notifications(nova_cloud, server, versioned_notifications):
    resp = accepted(nova_cloud, server, {"createImage": {"name": "snap"}})
    image_id = resp.headers["Location"].rsplit("/", 1)[-1]
    nova_cloud.wait_for(lambda: "instance.snapshot.end" in versioned_notifications.events(),
                        message="instance.snapshot.end")
    [end] = versioned_notifications.of("instance.snapshot.end")
    assert end["payload"]["nova_object.name"] == "InstanceActionSnapshotPayload"
    assert end["payload"]["nova_object.data"]["snapshot_image_id"] == image_id
    wait_for_task_cleared(nova_cloud, server)
    accepted(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID}})
    nova_cloud.wait_for(lambda: "instance.rebuild.end" in versioned_notifications.events(),
                        message="instance.rebuild.end")
    [start] = versioned_notifications.of("instance.rebuild.start")
    assert start["payload"]["nova_object.name"] == "InstanceActionRebuildPayload"
    assert start["payload"]["nova_object.data"]["task_state"] == "rebuilding"


# -- shelve, offload, unshelve -----------------------------------------------------


def test_shelve_offloads_at_once_and_unshelve_boots_it_again(
        nova_cloud, server, versioned_notifications):
    provider = nova_cloud.provider_uuid("compute1")
    assert nova_cloud.allocations(server)
    accepted(nova_cloud, server, {"shelve": None})
    offloaded = nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    assert offloaded["OS-EXT-SRV-ATTR:host"] is None
    assert offloaded["OS-EXT-SRV-ATTR:hypervisor_hostname"] is None
    assert offloaded["OS-EXT-STS:power_state"] == power_state.NOSTATE
    assert nova_cloud.allocations(server) == {}
    assert nova_cloud.usages(provider)["VCPU"] == 0
    assert guest(nova_cloud, server) is None
    sysmeta = instance_of(nova_cloud, server).system_metadata
    image_id = sysmeta["shelved_image_id"]
    assert sysmeta["shelved_host"] == "compute1"
    snapshot = nova_cloud.images.show(None, image_id)
    assert (snapshot["name"], snapshot["status"]) == ("vm1-shelved", "active")
    assert snapshot["properties"]["image_type"] == "snapshot"
    assert [e for e in versioned_notifications.events() if "shelve" in e] == [
        "instance.shelve.start", "instance.shelve.end",
        "instance.shelve_offload.start", "instance.shelve_offload.end"]

    accepted(nova_cloud, server, {"unshelve": None})
    active = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert active["OS-EXT-SRV-ATTR:host"] == "compute1"
    assert active["image"]["id"] == images.IMAGE_ID
    assert nova_cloud.allocations(server)[provider] == {"VCPU": 1, "MEMORY_MB": 128,
                                                       "DISK_GB": 1}
    assert f"booted from image {image_id}" in console(nova_cloud, server)
    # The snapshot has served: it is gone, and so are the shelve's notes.
    nova_cloud.wait_for(lambda: not nova_cloud.images.detail(None, id=image_id),
                        message="the shelved snapshot's deletion")
    assert "shelved_image_id" not in instance_of(nova_cloud, server).system_metadata
    assert [a for a, _ in history(nova_cloud, server)] == ["unshelve", "shelve", "create"]
    assert events(nova_cloud, server, "unshelve") == [
        ("compute_unshelve_instance", "Success"), ("conductor_unshelve_instance", "Success")]
    assert events(nova_cloud, server, "shelve") == [
        ("compute_shelve_instance", "Success"),
        ("compute_shelve_offload_instance", "Success")]
    nova_cloud.wait_for(lambda: "instance.unshelve.end" in versioned_notifications.events(),
                        message="instance.unshelve.end")


def test_shelve_without_offload_keeps_the_host(nova_cloud, server, conf_fixture):
    conf_fixture.config(shelved_offload_time=-1)
    accepted(nova_cloud, server, {"shelve": None})
    shelved = nova_cloud.wait_for_server_status(server, "SHELVED")
    assert shelved["OS-EXT-SRV-ATTR:host"] == "compute1"
    assert shelved["OS-EXT-STS:power_state"] == power_state.SHUTDOWN
    assert guest(nova_cloud, server) == power_state.SHUTDOWN
    assert nova_cloud.allocations(server)
    image_id = instance_of(nova_cloud, server).system_metadata["shelved_image_id"]

    # Unshelving a SHELVED server powers it on where it is.
    accepted(nova_cloud, server, {"unshelve": None})
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert guest(nova_cloud, server) == power_state.RUNNING
    nova_cloud.wait_for(lambda: not nova_cloud.images.detail(None, id=image_id),
                        message="the shelved snapshot's deletion")

    # shelveOffload is for administrators, of SHELVED servers.
    assert "vm_state active" in conflict(
        act(nova_cloud, server, {"shelveOffload": None}, api=nova_cloud.admin_api))
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED")
    assert act(nova_cloud, server, {"shelveOffload": None}).status_code == 403
    accepted(nova_cloud, server, {"shelveOffload": None}, api=nova_cloud.admin_api)
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    assert nova_cloud.allocations(server) == {}
    assert events(nova_cloud, server, "shelveOffload") == [
        ("compute_shelve_offload_instance", "Success")]


def test_the_periodic_task_offloads_servers_shelved_long_enough(
        nova_cloud, server, conf_fixture):
    conf_fixture.config(shelved_offload_time=1)
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED")
    manager = nova_cloud.plane.computes["compute1"].manager
    time.sleep(1.5)
    manager._poll_shelved_instances(nova_cloud.context())
    offloaded = nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    assert offloaded["OS-EXT-SRV-ATTR:host"] is None
    assert nova_cloud.allocations(server) == {}
    assert history(nova_cloud, server)[0] == ("shelveOffload", None)


def test_state_lock_and_policy_refusals(nova_cloud, server):
    message = conflict(act(nova_cloud, server, {"unshelve": None}))
    assert message == f"Cannot 'unshelve' instance {server} while it is in vm_state active"
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    for body in ({"shelve": None}, {"createImage": {"name": "s"}},
                 {"rebuild": {"imageRef": images.IMAGE_ID}},
                 {"createBackup": {"name": "b", "backup_type": "d", "rotation": 1}}):
        assert "vm_state shelved_offloaded" in conflict(act(nova_cloud, server, body))
    # A refused snapshot leaves no image behind.
    assert nova_cloud.images.detail(None, name="s") == []

    accepted(nova_cloud, server, {"lock": None})
    assert "is locked" in conflict(act(nova_cloud, server, {"unshelve": None}))
    accepted(nova_cloud, server, {"unshelve": None}, api=nova_cloud.admin_api)
    nova_cloud.wait_for_server_status(server, "ACTIVE")
    for body in ({"shelve": None}, {"createImage": {"name": "s"}},
                 {"rebuild": {"imageRef": images.IMAGE_ID}}):
        assert "is locked" in conflict(act(nova_cloud, server, body))
    accepted(nova_cloud, server, {"unlock": None})
    # Another project's server does not exist for the user.
    other = nova_cloud.create_server("1", images.IMAGE_ID, api=nova_cloud.admin_api)
    assert act(nova_cloud, other["id"], {"shelve": None}).status_code == 404


def test_unshelve_zone_and_host_microversions(beyond_max, nova_cloud, server):
    nova_cloud.start_compute("compute2")
    body = {"unshelve": {"availability_zone": "nova"}}
    # A zone only for offloaded servers (2.77).
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    bad_request(act(nova_cloud, server, {"unshelve": {"availability_zone": "nowhere"}},
                    version="2.77"))
    # A host (2.91) is for administrators.
    to_host = {"unshelve": {"host": "compute2"}}
    assert act(nova_cloud, server, to_host, version="2.91").status_code == 403
    bad_request(act(nova_cloud, server, {"unshelve": {"host": "no-such-host"}},
                    api=nova_cloud.admin_api, version="2.91"))
    bad_request(act(nova_cloud, server, to_host, version="2.90"))
    accepted(nova_cloud, server, to_host, api=nova_cloud.admin_api, version="2.91")
    active = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert active["OS-EXT-SRV-ATTR:host"] == "compute2"
    assert "vm_state active" in conflict(act(nova_cloud, server, body, version="2.77"))
    assert guest(nova_cloud, server, "compute2") == power_state.RUNNING

    # 2.77's zone, for an offloaded server.
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    accepted(nova_cloud, server, body, version="2.77")
    active = nova_cloud.wait_for_server_status(server, "ACTIVE")
    assert active["OS-EXT-AZ:availability_zone"] == "nova"
    assert objects.RequestSpec.get_by_instance_uuid(
        nova_cloud.context(), server).availability_zone == "nova"


@pytest.fixture
def compute_rpc_capped_at_6_3(conf_fixture):
    """Every nova-compute serves 6.3 at most, as before the image actions (list it first)."""
    conf_fixture.config(compute="6.3", group="upgrade_levels")


def test_an_older_compute_refuses_the_image_actions_and_nothing_changes(
        compute_rpc_capped_at_6_3, nova_cloud, server):
    for body in ({"createImage": {"name": "too-early"}},
                 {"rebuild": {"imageRef": images.IMAGE_ID}}, {"shelve": None}):
        assert "compute RPC is capped at 6.3" in conflict(act(nova_cloud, server, body))
    shown = nova_cloud.get_server(server)
    assert (shown["status"], shown["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    assert nova_cloud.images.detail(None, instance_uuid=server) == []
    assert [a for a, _ in history(nova_cloud, server)] == ["create"]


def test_deleting_a_shelved_server_deletes_its_snapshot(nova_cloud, server):
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    image_id = instance_of(nova_cloud, server).system_metadata["shelved_image_id"]
    nova_cloud.delete_server(server)
    assert nova_cloud.images.detail(None, id=image_id) == []


# -- failures ------------------------------------------------------------------


def test_failed_rebuild_is_error_failed_snapshot_reverts_and_deletes_its_image(
        nova_cloud, versioned_notifications):
    nova_cloud.start_compute("broken", driver="fake.FailingImagesFakeDriver")
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, api=nova_cloud.admin_api,
                                       availability_zone="nova:broken")
    server = created["id"]
    nova_cloud.wait_for_server_status(server, "ACTIVE")

    resp = accepted(nova_cloud, server, {"createImage": {"name": "doomed"}},
                    api=nova_cloud.admin_api)
    image_id = resp.headers["Location"].rsplit("/", 1)[-1]
    nova_cloud.wait_for(lambda: instance_of(nova_cloud, server).fault is not None,
                        message="the snapshot's fault")
    reverted = wait_for_task_cleared(nova_cloud, server)
    assert reverted["status"] == "ACTIVE"
    assert "fake snapshot failure" in instance_of(nova_cloud, server).fault.message
    nova_cloud.wait_for(lambda: not nova_cloud.images.detail(None, id=image_id),
                        message="the failed snapshot's image deletion")
    assert "instance.snapshot.error" in versioned_notifications.events()

    accepted(nova_cloud, server, {"shelve": None}, api=nova_cloud.admin_api)
    nova_cloud.wait_for(lambda: history(nova_cloud, server)[0] == ("shelve", "Error"),
                        message="the shelve's failure")
    shelve_failed = wait_for_task_cleared(nova_cloud, server)
    # The guest was powered off before the snapshot failed: the server says so.
    assert shelve_failed["status"] == "SHUTOFF"

    accepted(nova_cloud, server, {"rebuild": {"imageRef": images.IMAGE_ID}},
             api=nova_cloud.admin_api)
    failed = nova_cloud.wait_for_server_status(server, "ERROR")
    assert "fake rebuild failure" in failed["fault"]["message"]
    assert history(nova_cloud, server)[0] == ("rebuild", "Error")
    assert "instance.rebuild.error" in versioned_notifications.events()


def test_a_failed_unshelve_leaves_the_server_offloaded_and_unallocated(nova_cloud, server):
    accepted(nova_cloud, server, {"shelve": None})
    nova_cloud.wait_for_server_status(server, "SHELVED_OFFLOADED")
    image_id = instance_of(nova_cloud, server).system_metadata["shelved_image_id"]
    # Only a host whose spawns fail is left to unshelve to.
    resp = nova_cloud.admin_api.put("/v2.1/os-services/disable", {
        "host": "compute1", "binary": "nova-compute"})
    assert resp.status_code == 200, resp.text
    unshelve_here_fails(nova_cloud, server, "No valid host")
    nova_cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    unshelve_here_fails(nova_cloud, server, "fake spawn failure")
    assert events(nova_cloud, server, "unshelve") == [
        ("compute_unshelve_instance", "Error"), ("conductor_unshelve_instance", "Success")]
    # The snapshot is kept for the next attempt.
    assert nova_cloud.images.show(None, image_id)["status"] == "active"


def unshelve_here_fails(cloud, server_id, message):
    instance = instance_of(cloud, server_id)
    before = instance.fault.id if instance.fault else None
    accepted(cloud, server_id, {"unshelve": None})
    cloud.wait_for(lambda: (lambda f: f is not None and f.id != before)(
        instance_of(cloud, server_id).fault), message="the unshelve's fault")
    shown = wait_for_task_cleared(cloud, server_id)
    assert shown["status"] == "SHELVED_OFFLOADED"
    assert shown["OS-EXT-SRV-ATTR:host"] is None
    assert cloud.allocations(server_id) == {}
    assert message in instance_of(cloud, server_id).fault.message


# -- restart -------------------------------------------------------------------


def test_a_restart_fails_a_rebuild_reverts_a_snapshot_and_finishes_an_offload(
        nova_cloud, server, conf_fixture):
    conf_fixture.config(shelved_offload_time=-1)
    nova_cloud.create_flavor(flavor_id="2", ram=64, name="small")
    second = nova_cloud.create_server("2", images.IMAGE_ID, name="vm2")["id"]
    third = nova_cloud.create_server("2", images.IMAGE_ID, name="vm3")["id"]
    for server_id in (second, third):
        nova_cloud.wait_for_server_status(server_id, "ACTIVE")
    accepted(nova_cloud, third, {"shelve": None})
    nova_cloud.wait_for_server_status(third, "SHELVED")

    nova_cloud.stop_compute("compute1")
    for server_id, task_state in ((server, task_states.REBUILD_SPAWNING),
                                  (second, task_states.IMAGE_UPLOADING),
                                  (third, task_states.SHELVING_OFFLOADING)):
        instance = instance_of(nova_cloud, server_id)
        instance.task_state = task_state
        instance.save()
    nova_cloud.start_compute("compute1")

    failed = nova_cloud.wait_for_server_status(server, "ERROR")
    assert "restarted during rebuild" in failed["fault"]["message"]
    assert wait_for_task_cleared(nova_cloud, second)["status"] == "ACTIVE"
    nova_cloud.wait_for_server_status(third, "SHELVED_OFFLOADED")
    assert nova_cloud.allocations(third) == {}
    assert instance_of(nova_cloud, third).vm_state == vm_states.SHELVED_OFFLOADED
