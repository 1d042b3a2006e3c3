"""An instance in a second cell (not [database]) for the metadata service to find.

``metadata_cloud`` maps cell1 to [database] and cell2 to a database of its
own, then creates one instance with a key pair, user data and metadata in
cell2 with its InstanceMapping, so a look-up that ignored the mapping would
miss it.
"""

import base64
import types

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects

SECRET = "functional-proxy-secret"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMetadataTest meta@test"
USER_DATA = b"#cloud-config\nruncmd:\n - echo hello\n"


def make_cell(ctx, name, url):
    cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name=name,
                               transport_url="fake://", database_connection=url)
    cell.create()
    return cell


def make_instance(ctx, cell, project_id="project1", **values):
    """Create an instance and its mapping in ``cell``; return the Instance."""
    with nova_context.target_cell(ctx, cell) as cctxt:
        flavor = objects.Flavor(cctxt, flavorid="m1", name="m1.tiny", memory_mb=512, vcpus=1,
                                root_gb=1, ephemeral_gb=0, swap=0, is_public=True,
                                disabled=False)
        keypair = objects.KeyPair(name="mykey", user_id="user1", type="ssh",
                                  public_key=KEY, fingerprint="aa:bb")
        fields = dict(
            flavor=flavor, project_id=project_id, user_id="user1", display_name="web-1",
            hostname="web-1", launch_index=0, availability_zone="az1", host="compute1",
            image_ref="155d900f-4e14-4e4c-a73d-069cbf4541e6", reservation_id="r-0000abcd",
            key_name="mykey", key_data=KEY, vm_state="active",
            user_data=base64.b64encode(USER_DATA).decode("ascii"),
            metadata={"role": "webserver"},
            keypairs=objects.KeyPairList(objects=[keypair]))
        fields.update(values)
        instance = objects.Instance(cctxt, **fields)
        instance.create()
    objects.InstanceMapping(ctx, instance_uuid=instance.uuid, cell_mapping=cell,
                            project_id=project_id, user_id="user1").create()
    return instance


@pytest.fixture
def metadata_cloud(databases, cell_database_factory, conf_fixture):
    """Namespace: ``ctx``, ``cell1``, ``cell2``, ``instance`` (in cell2), ``urls``."""
    objects.register_all()
    conf_fixture.config(service_metadata_proxy=True, metadata_proxy_shared_secret=SECRET,
                        group="neutron")
    ctx = nova_context.get_admin_context()
    cell2_url = cell_database_factory("nova_md_cell2")
    cell1 = make_cell(ctx, "cell1", databases.main_url)
    cell2 = make_cell(ctx, "cell2", cell2_url)
    instance = make_instance(ctx, cell2)
    return types.SimpleNamespace(ctx=ctx, cell1=cell1, cell2=cell2, instance=instance,
                                 conf=conf_fixture, api_url=databases.api_url,
                                 main_url=databases.main_url, cell2_url=cell2_url)
