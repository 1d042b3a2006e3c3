"""Boot a real guest through the real ``openstack`` CLI, end to end.

The deployment is a private copy of the quickstart (tools/quickstart.sh with
``--no-server``): nova-conductor, nova-scheduler, nova-compute and nova-api as
separate processes on RabbitMQ (own vhost) and MariaDB or PostgreSQL (own
databases), Placement and Glance daemons, libvirt with QEMU (TCG), the test
guest uploaded as kernel + ramdisk + disk images. Everything carries a random
suffix and free ports, so it runs beside the quickstart itself and beside
other test runs; the fixture removes it all again (processes, databases,
vhost, libvirt domains, state directory).

The story: ``openstack server create`` -> ACTIVE -> ``openstack console log
show`` shows the guest's marker -> ``openstack server delete`` removes the
libvirt domain, the instance directory and the Placement allocation.
"""

import secrets

import pytest

from .quickstart import (
    ACTIVE_TIMEOUT,
    DELETE_TIMEOUT,
    FLAVOR,
    IMAGE,
    deploy,
    domain_exists,
    nic_args,
    wait_for_console_marker,
    wait_for_status,
    wait_until_deleted,
)

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit]


@pytest.fixture(scope="module", params=[
    pytest.param("mysql", marks=pytest.mark.mysql),
    pytest.param("postgresql", marks=pytest.mark.postgresql),
])
def deployment(request, libvirt_host):
    """A running private quickstart on the parametrized database backend."""
    yield from deploy(request.param, "bootcli")


def _provider_usages(deployment):
    """Return {provider uuid: usages dict} for every resource provider."""
    providers = deployment.placement("/resource_providers")["resource_providers"]
    return {rp["uuid"]: deployment.placement(f"/resource_providers/{rp['uuid']}/usages")["usages"]
            for rp in providers}


def test_cli_lists_services_hypervisors_and_flavors(deployment):
    services = deployment.openstack_json("compute", "service", "list")
    ours = {(s["Binary"], s["Host"]): s for s in services}
    for binary in ("nova-conductor", "nova-scheduler", "nova-compute"):
        service = ours.get((binary, deployment.host))
        assert service is not None, f"{binary} on {deployment.host} not in {services}"
        assert service["State"] == "up", service
        assert service["Status"] == "enabled", service

    hypervisors = deployment.openstack_json("hypervisor", "list")
    assert len(hypervisors) == 1, hypervisors
    assert hypervisors[0]["Hypervisor Type"] == "QEMU"
    assert hypervisors[0]["State"] == "up"

    flavors = {f["Name"]: f for f in deployment.openstack_json("flavor", "list")}
    assert FLAVOR in flavors, flavors
    assert flavors[FLAVOR]["RAM"] == 128
    assert flavors[FLAVOR]["VCPUs"] == 1
    assert flavors[FLAVOR]["Disk"] == 1


def test_server_boots_shows_marker_and_delete_cleans_up(deployment):
    name = f"bootcli-{secrets.token_hex(3)}"
    created = deployment.openstack_json(
        "server", "create", "--flavor", FLAVOR, "--image", IMAGE,
        *nic_args(deployment), name)
    server_id = created["id"]
    try:
        server = wait_for_status(deployment, server_id, "ACTIVE", ACTIVE_TIMEOUT)
        assert server["name"] == name
        assert server["OS-EXT-SRV-ATTR:host"] == deployment.host

        listed = {s["ID"]: s for s in deployment.openstack_json("server", "list")}
        assert listed[server_id]["Status"] == "ACTIVE"
        assert listed[server_id]["Name"] == name

        console = wait_for_console_marker(deployment, server_id)
        assert "NOVA-GUEST-CMDLINE: console=ttyS0" in console

        # What the boot left behind, checked again after the delete.
        assert domain_exists(server_id)
        instance_dir = deployment.state / "instances" / server_id
        assert instance_dir.is_dir()
        allocations = deployment.placement(f"/allocations/{server_id}")["allocations"]
        assert len(allocations) == 1, allocations
        (resources,) = (a["resources"] for a in allocations.values())
        assert resources == {"VCPU": 1, "MEMORY_MB": 128, "DISK_GB": 1}
    except BaseException:
        deployment.openstack("server", "delete", server_id, check=False)
        raise

    deployment.openstack("server", "delete", "--wait", server_id, timeout=DELETE_TIMEOUT + 30)
    wait_until_deleted(deployment, server_id)

    assert server_id not in {s["ID"] for s in deployment.openstack_json("server", "list")}
    assert not domain_exists(server_id)
    assert not instance_dir.exists()
    assert deployment.placement(f"/allocations/{server_id}")["allocations"] == {}
    usages = _provider_usages(deployment)
    assert usages, "no resource provider in Placement"
    for provider, used in usages.items():
        assert all(value == 0 for value in used.values()), (provider, used)

