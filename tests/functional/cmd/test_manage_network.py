"""nova-manage network create / list / delete, on every backend."""

import ipaddress

from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.network import api as network_api


def test_create_list_delete(cli, deployment):
    code, out = cli.manage("network", "create", "--label", "private",
                           "--fixed_range_v4", "10.0.0.0/24", "--dns1", "192.0.2.53")
    assert code == 0, out
    net_uuid = out.strip().splitlines()[-1]
    assert uuidutils.is_uuid_like(net_uuid)
    code, out = cli.manage("network", "list")
    assert code == 0
    assert "10.0.0.0/24" in out and "private" in out and net_uuid in out
    assert "br100" in out and "192.0.2.53" in out and "10.0.0.2" in out

    # The same label again, a bad range, missing arguments: refused, exit 1.
    assert cli.manage("network", "create", "--label", "private",
                      "--fixed_range_v4", "10.1.0.0/24")[0] == 1
    assert cli.manage("network", "create", "--label", "bad",
                      "--fixed_range_v4", "10.1.0.0/33")[0] == 1
    assert cli.manage("network", "create", "--label", "nocidr")[0] == 1

    # A network a server uses cannot go.
    ctx = nova_context.get_admin_context()
    instance = _instance(ctx)
    network_api.API().allocate_for_instance(ctx, instance)
    code, out = cli.manage("network", "delete", "--uuid", net_uuid)
    assert code == 1 and "in use" in out
    network_api.API().deallocate_for_instance(ctx, instance)

    assert cli.manage("network", "delete", "--fixed_range", "10.0.0.0/24") == (0, "")
    assert net_uuid not in cli.manage("network", "list")[1]
    assert cli.manage("network", "delete", "--uuid", net_uuid)[0] == 1


def _instance(ctx):
    objects.register_all()
    flavor = objects.Flavor(ctx, flavorid="nm", name="nm", memory_mb=64, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0, is_public=True, disabled=False)
    flavor.create()
    instance = objects.Instance(ctx, flavor=flavor, project_id="p", vm_state="building")
    instance.create()
    return instance


def test_created_range_is_what_servers_get(cli, deployment):
    code, out = cli.manage("network", "create", "--label", "n", "--fixed_range_v4",
                           "10.5.0.0/29", "--allowed_start", "10.5.0.4")
    assert code == 0, out
    ctx = nova_context.get_admin_context()
    objects.register_all()
    network = objects.Network.get_by_uuid(ctx, out.strip().splitlines()[-1])
    free = [f.address for f in objects.FixedIPList.get_by_network_id(ctx, network.id)
            if not f.reserved]
    assert free == ["10.5.0.4", "10.5.0.5", "10.5.0.6"]
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("10.5.0.0/29") for a in free)


def test_floating_create_list_delete(cli, deployment):
    code, out = cli.manage("floating", "create", "--ip_range", "203.0.113.0/29",
                           "--pool", "public")
    assert (code, out.strip()) == (0, "Created 6 floating IPs in pool public")
    assert cli.manage("floating", "create", "--ip_range", "203.0.113.0/30")[0] == 1
    code, out = cli.manage("floating", "list")
    assert code == 0 and out.count("public") == 6 and "203.0.113.1\t" in out
    ctx = nova_context.get_admin_context()
    held = objects.FloatingIP.allocate_address(ctx, "p1", "public")
    code, out = cli.manage("floating", "delete", "203.0.113.0/29")
    assert code == 1 and held.address in out
    held.deallocate()
    assert cli.manage("floating", "delete", "203.0.113.0/29") == (0, "")
    assert cli.manage("floating", "list") == (0, "No floating IP addresses have been defined.\n")
