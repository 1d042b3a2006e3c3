"""os-server-password through the REST API (api-ref "Servers password").

What ``openstack server show``'s password helpers and ``nova
get-password`` rely on: the encrypted text a guest posted comes back as
stored, "" when there is none, and DELETE clears it; another project's
server is 404.
"""

import pytest

from nova import context as nova_context
from nova import objects
from nova.api.metadata import password
from tests.fixtures import images, services

PATH = "/v2.1/servers/{}/os-server-password"
ENCRYPTED = "Zm9v" * 200  # longer than one 255-character chunk


@pytest.fixture
def server(nova_cloud):
    nova_cloud.create_flavor(flavor_id="1", ram=128)
    created = nova_cloud.create_server("1", images.IMAGE_ID, name="vm1")
    nova_cloud.wait_for_server_status(created["id"], "ACTIVE")
    return created["id"]


def _post_password_as_the_guest(cloud, server_id, text):
    # What nova-api-metadata stores when the guest POSTs openstack/latest/password.
    with nova_context.target_cell(cloud.context(), cloud.cells.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, server_id,
                                                expected_attrs=["system_metadata"])
        instance.system_metadata.update(password.password_chunks(text))
        instance.save()


def test_show_then_clear(nova_cloud, server):
    api = nova_cloud.api
    resp = api.get(PATH.format(server))
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"password": ""}

    _post_password_as_the_guest(nova_cloud, server, ENCRYPTED)
    assert api.get(PATH.format(server)).json() == {"password": ENCRYPTED}

    resp = api.delete(PATH.format(server))
    assert resp.status_code == 204, resp.text
    assert api.get(PATH.format(server)).json() == {"password": ""}


def test_another_projects_server_is_404(nova_cloud, server):
    stranger = services.RestClient(nova_cloud.url, "eve:other-project")
    assert stranger.get(PATH.format(server)).status_code == 404
    assert stranger.delete(PATH.format(server)).status_code == 404


def test_unknown_server_is_404(nova_cloud):
    resp = nova_cloud.api.get(PATH.format("4c2b4c8e-0b8a-4f0e-9f6e-0c6b2b1d7a11"))
    assert resp.status_code == 404
