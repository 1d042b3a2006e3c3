"""The whole control plane in one process, driven over HTTP (tests/fixtures/services.py).

What a user of a fresh cloud sees first: the API answers with its version
documents, every service is registered and reporting, compute hosts are
mapped to their cell, and the images of the (fake) Image service are
readable through nova's own Glance client.
"""

import hashlib
import io

import pytest

from nova import context as nova_context
from nova import exception, objects, servicegroup
from nova.conf import CONF
from nova.image import glance
from nova.virt import node
from tests.fixtures import images


def _service(host, binary):
    return objects.Service.get_by_host_and_binary(
        nova_context.get_admin_context(), host, binary)


def test_api_root_lists_the_versions_over_http(nova_cloud):
    resp = nova_cloud.api.get("/", version=None)
    assert resp.status_code == 200
    [version] = resp.json()["versions"]
    assert version["id"] == "v2.1"
    assert version["status"] == "CURRENT"
    assert version["links"][0]["href"] == f"{nova_cloud.url}/v2.1/"


def test_version_document_answers_a_microversion_request(nova_cloud):
    resp = nova_cloud.api.get("/v2.1/", version="2.1")
    assert resp.status_code == 200
    assert resp.json()["version"]["id"] == "v2.1"
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"
    assert resp.headers["x-compute-request-id"].startswith("req-")


def test_unknown_path_is_404_through_the_real_pipeline(nova_cloud):
    resp = nova_cloud.api.get("/v2.1/no-such-resource")
    assert resp.status_code == 404


def test_every_service_registers_and_reports_up(nova_cloud):
    services = {(s.host, s.binary): s for s in _all_services()}
    assert set(services) >= {("conductor", "nova-conductor"),
                             ("scheduler", "nova-scheduler"),
                             ("compute1", "nova-compute")}
    group = servicegroup.API()
    for key in [("conductor", "nova-conductor"), ("scheduler", "nova-scheduler"),
                ("compute1", "nova-compute")]:
        assert group.service_is_up(services[key]), key


def _api_services(cloud):
    resp = cloud.admin_api.get("/v2.1/os-services")
    assert resp.status_code == 200, resp.text
    return {(s["host"], s["binary"]): s for s in resp.json()["services"]}


def test_os_services_lists_every_service_up(nova_cloud):
    services = _api_services(nova_cloud)
    assert {key: (s["state"], s["status"]) for key, s in services.items()} == {
        ("conductor", "nova-conductor"): ("up", "enabled"),
        ("scheduler", "nova-scheduler"): ("up", "enabled"),
        ("compute1", "nova-compute"): ("up", "enabled"),
    }


def test_os_services_reports_a_stopped_compute_down(nova_cloud, conf_fixture):
    # Five missed heartbeats of one second make a service down here.
    conf_fixture.config(service_down_time=5)
    nova_cloud.start_compute("compute2")
    assert _api_services(nova_cloud)[("compute2", "nova-compute")]["state"] == "up"
    nova_cloud.stop_compute("compute2")
    nova_cloud.wait_for(
        lambda: _api_services(nova_cloud)[("compute2", "nova-compute")]["state"] == "down",
        timeout=20, interval=0.2, message="compute2 reported down")
    assert _api_services(nova_cloud)[("compute1", "nova-compute")]["state"] == "up"


def test_os_services_is_for_admins_only(nova_cloud):
    assert nova_cloud.api.get("/v2.1/os-services").status_code == 403


def _all_services():
    return objects.ServiceList.get_all(nova_context.get_admin_context())


def test_heartbeats_raise_report_count(nova_cloud):
    first = _service("compute1", "nova-compute").report_count
    nova_cloud.wait_for(
        lambda: _service("compute1", "nova-compute").report_count >= first + 2,
        timeout=10, message="two more compute heartbeats")
    assert _service("conductor", "nova-conductor").report_count >= 1


def test_a_stopped_compute_stops_reporting(nova_cloud):
    nova_cloud.start_compute("compute2")
    nova_cloud.wait_for(lambda: _service("compute2", "nova-compute").report_count >= 1,
                        timeout=10, message="a compute2 heartbeat")
    nova_cloud.stop_compute("compute2")
    stopped_at = _service("compute2", "nova-compute").report_count
    # Two heartbeat intervals of the other services pass meanwhile.
    first = _service("compute1", "nova-compute").report_count
    nova_cloud.wait_for(
        lambda: _service("compute1", "nova-compute").report_count >= first + 2,
        timeout=10, message="compute1 heartbeats")
    assert _service("compute2", "nova-compute").report_count == stopped_at
    assert "compute2" not in nova_cloud.plane.computes


def test_compute_hosts_are_mapped_to_cell1(nova_cloud):
    nova_cloud.start_compute("compute2", driver="fake.SmallFakeDriver")
    ctxt = nova_context.get_admin_context()
    for host in ("compute1", "compute2"):
        mapping = objects.HostMapping.get_by_host(ctxt, host)
        assert mapping.cell_mapping.uuid == nova_cloud.cells.cell1.uuid


def test_each_fake_compute_host_has_its_own_node_identity(nova_cloud, tmp_path):
    nova_cloud.start_compute("compute2")
    # Each host's directory was used only while it started.
    assert CONF.state_path == str(tmp_path / "state")
    first = node.read_or_create_node_uuid(str(tmp_path / "state" / "compute1"))
    second = node.read_or_create_node_uuid(str(tmp_path / "state" / "compute2"))
    assert first != second
    assert (nova_cloud.plane.computes["compute1"].manager.driver.get_node_uuid("compute1")
            == first)
    assert (nova_cloud.plane.computes["compute2"].manager.driver.get_node_uuid("compute2")
            == second)


def test_starting_a_compute_twice_is_refused(nova_cloud):
    with pytest.raises(RuntimeError, match="already running"):
        nova_cloud.start_compute("compute1")


def test_cells_are_cell0_and_cell1_on_the_shared_transport(nova_cloud):
    ctxt = nova_context.get_admin_context()
    cells = {c.name: c for c in objects.CellMappingList.get_all(ctxt)}
    assert set(cells) == {"cell0", "cell1"}
    assert cells["cell0"].transport_url == "none:///"
    assert cells["cell1"].transport_url == "fake:/"


# -- the fake Image service, read by nova's real Glance client -------------------

def test_glance_client_shows_a_seeded_image(nova_cloud):
    client = glance.GlanceImageService()
    image = client.show(nova_cloud.context(), images.IMAGE_ID)
    assert image["name"] == "tiny-raw"
    assert image["status"] == "active"
    assert image["disk_format"] == "raw"
    assert image["properties"] == {"hw_disk_bus": "virtio"}
    assert image["size"] == 4096


def test_glance_client_reports_a_missing_image(nova_cloud):
    client = glance.GlanceImageService()
    with pytest.raises(exception.ImageNotFound):
        client.show(nova_cloud.context(), "00000000-0000-0000-0000-00000000dead")


def test_glance_client_pages_through_the_image_list(nova_cloud):
    for index in range(5):
        nova_cloud.images.add_image(name=f"extra-{index}", data=b"x" * index,
                                    disk_format="raw", container_format="bare")
    client = glance.GlanceImageService()
    listed = client.detail(nova_cloud.context(), page_size=2)
    assert len(listed) == 5 + len(images.SEED_IMAGES)
    assert listed[0]["name"] == "extra-4"  # newest first, as Glance sorts
    assert [i["name"] for i in client.detail(nova_cloud.context(), name="big-qcow2")] == [
        "big-qcow2"]
    assert len(client.detail(nova_cloud.context(), limit=3, page_size=2)) == 3


def test_glance_client_downloads_and_verifies_image_data(nova_cloud, tmp_path):
    client = glance.GlanceImageService()
    target = tmp_path / "disk"
    meta = client.download(nova_cloud.context(), images.IMAGE_ID, str(target))
    assert target.read_bytes() == b"\0" * 4096
    assert meta["os_hash_value"] == hashlib.sha512(b"\0" * 4096).hexdigest()


def test_glance_client_refuses_to_download_a_queued_image(nova_cloud, tmp_path):
    client = glance.GlanceImageService()
    with pytest.raises(exception.ImageNotActive):
        client.download(nova_cloud.context(), images.QUEUED_IMAGE_ID,
                        str(tmp_path / "disk"))
    assert not (tmp_path / "disk").exists()


def test_glance_client_creates_and_uploads_an_image(nova_cloud):
    client = glance.GlanceImageService()
    created = client.create(nova_cloud.context(),
                            {"name": "snap", "disk_format": "raw",
                             "container_format": "bare",
                             "properties": {"image_type": "snapshot"}},
                            data=io.BytesIO(b"snapshot bytes"))
    assert created["status"] == "active"
    assert nova_cloud.images.show(None, created["id"])["properties"] == {
        "image_type": "snapshot"}


# -- a server's life: boot through the REST API, delete, nothing left behind -----

def _instance(uuid):
    ctxt = nova_context.get_admin_context()
    ctxt.read_deleted = "yes"
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
        return mapping.cell_mapping, objects.Instance.get_by_uuid(cctxt, uuid)


def test_boot_to_active_then_delete_leaves_nothing_behind(nova_cloud):
    flavor = nova_cloud.create_flavor(ram=512, vcpus=1, disk=1)
    created = nova_cloud.create_server(flavor["id"], name="web-1")
    assert created["adminPass"]

    server = nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    assert server["name"] == "web-1"
    assert server["OS-EXT-SRV-ATTR:host"] == "compute1"
    assert server["OS-EXT-STS:vm_state"] == "active"
    assert server["OS-EXT-STS:task_state"] is None
    assert server["OS-EXT-STS:power_state"] == 1
    assert server["tenant_id"] == "demo-project"

    # The user sees the guest's console; Placement holds the flavor's
    # resources against compute1's node.
    console = nova_cloud.api.post(f"/v2.1/servers/{created['id']}/action",
                                  {"os-getConsoleOutput": {}})
    assert console.status_code == 200, console.text
    assert f"fake guest {created['id']} booted" in console.json()["output"]
    provider = nova_cloud.provider_uuid("compute1")
    assert nova_cloud.allocations(created["id"]) == {
        provider: {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    driver = nova_cloud.plane.computes["compute1"].manager.driver
    assert created["id"] in driver.list_instance_uuids()
    cell, _ = _instance(created["id"])
    assert cell.uuid == nova_cloud.cells.cell1.uuid

    nova_cloud.delete_server(created["id"])
    assert nova_cloud.allocations(created["id"]) == {}
    assert nova_cloud.usages(provider) == {"VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}
    assert created["id"] not in driver.list_instance_uuids()
    _, instance = _instance(created["id"])
    assert instance.deleted
    assert instance.vm_state == "deleted"
    listed = nova_cloud.api.get("/v2.1/servers")
    assert listed.status_code == 200
    assert listed.json()["servers"] == []


def test_several_servers_in_one_request_all_become_active(nova_cloud):
    flavor = nova_cloud.create_flavor(ram=256, vcpus=1, disk=1)
    nova_cloud.create_server(flavor["id"], name="batch", min_count=3, max_count=3)
    listed = nova_cloud.api.get("/v2.1/servers").json()["servers"]
    assert sorted(s["name"] for s in listed) == ["batch-1", "batch-2", "batch-3"]
    for item in listed:
        nova_cloud.wait_for_server_status(item["id"], "ACTIVE")
    provider = nova_cloud.provider_uuid("compute1")
    assert nova_cloud.usages(provider) == {"VCPU": 3, "MEMORY_MB": 768, "DISK_GB": 3}
    for item in listed:
        nova_cloud.delete_server(item["id"])
    assert nova_cloud.usages(provider) == {"VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}


def test_several_servers_are_named_by_the_configured_template(nova_cloud, conf_fixture):
    conf_fixture.config(multi_instance_display_name_template="%(name)s.%(count)d.%(uuid)s")
    flavor = nova_cloud.create_flavor(ram=256, vcpus=1, disk=1)
    nova_cloud.create_server(flavor["id"], name="web", min_count=2, max_count=2)
    listed = nova_cloud.api.get("/v2.1/servers").json()["servers"]
    names = {s["id"]: s["name"] for s in listed}
    counts = sorted(name.split(".")[1] for name in names.values())
    assert counts == ["1", "2"]
    for server_id, name in names.items():
        assert name == f"web.{name.split('.')[1]}.{server_id}"
    for item in listed:
        nova_cloud.wait_for_server_status(item["id"], "ACTIVE")
        nova_cloud.delete_server(item["id"])


def test_no_host_big_enough_buries_the_server_in_cell0(bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("small", driver="fake.SmallFakeDriver")
    flavor = cloud.create_flavor(ram=4096, vcpus=1, disk=1)
    created = cloud.create_server(flavor["id"])

    server = cloud.wait_for_server_status(created["id"], "ERROR")
    assert "No valid host" in server["fault"]["message"]
    cell, _ = _instance(created["id"])
    assert cell.uuid == cloud.cells.cell0.uuid
    assert cloud.allocations(created["id"]) == {}

    cloud.delete_server(created["id"])
    assert cloud.usages(cloud.provider_uuid("small")) == {
        "VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}


def test_spawn_failure_without_alternates_ends_in_error_and_delete_frees_it(
        bare_nova_cloud):
    cloud = bare_nova_cloud
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    flavor = cloud.create_flavor()
    created = cloud.create_server(flavor["id"])

    server = cloud.wait_for_server_status(created["id"], "ERROR")
    assert server["fault"]["message"]
    driver = cloud.plane.computes["broken"].manager.driver
    assert created["id"] not in driver.list_instance_uuids()

    cloud.delete_server(created["id"])
    assert cloud.allocations(created["id"]) == {}
    assert cloud.usages(cloud.provider_uuid("broken")) == {
        "VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}


def test_a_failing_host_is_never_where_the_server_ends_up(bare_nova_cloud):
    # Whichever host the scheduler tries first, the build ends ACTIVE on
    # the working one: a spawn failure on "broken" reschedules to "good".
    cloud = bare_nova_cloud
    cloud.start_compute("broken", driver="fake.FailingSpawnFakeDriver")
    cloud.start_compute("good")
    flavor = cloud.create_flavor()
    created = cloud.create_server(flavor["id"])

    server = cloud.wait_for_server_status(created["id"], "ACTIVE")
    assert server["OS-EXT-SRV-ATTR:host"] == "good"
    assert cloud.allocations(created["id"]) == {
        cloud.provider_uuid("good"): {"VCPU": 1, "MEMORY_MB": 512, "DISK_GB": 1}}
    assert cloud.usages(cloud.provider_uuid("broken")) == {
        "VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}
