"""/os-simple-tenant-usage through the real pipeline, over two cell databases."""

import datetime

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from tests.functional.api import client

T0 = datetime.datetime(2026, 1, 1, 0, 0, 0)


def _hours(n):
    return T0 + datetime.timedelta(hours=n)


@pytest.fixture
def cloud(databases, cell_database_factory, conf_fixture):
    objects.register_all()
    ctx = nova_context.get_admin_context()
    cells = []
    for index, url in enumerate((databases.main_url, cell_database_factory()), start=1):
        cell = objects.CellMapping(ctx, uuid=uuidutils.generate_uuid(), name=f"cell{index}",
                                   transport_url="fake://", database_connection=url)
        cell.create()
        cells.append(cell)
    small = objects.Flavor(ctx, flavorid="1", name="small", memory_mb=512, vcpus=1,
                           root_gb=1, ephemeral_gb=1, swap=0, is_public=True, disabled=False)
    small.create()
    big = objects.Flavor(ctx, flavorid="2", name="big", memory_mb=2048, vcpus=4, root_gb=10,
                         ephemeral_gb=0, swap=0, is_public=True, disabled=False)
    big.create()
    servers = {}

    def server(cell, name, project, flavor, launched, terminated=None, delete=False,
               created=0):
        with nova_context.target_cell(ctx, cell) as cctxt:
            inst = objects.Instance(cctxt, flavor=flavor, project_id=project, user_id="u",
                                    display_name=name, vm_state="active", image_ref="i",
                                    launched_at=launched, terminated_at=terminated,
                                    created_at=_hours(created))
            inst.create()
            if delete:
                inst.destroy()
        servers[name] = inst.uuid

    # p1: one server all through [T0+0, T0+10), one deleted after 2 hours of it.
    server(cells[0], "long", "p1", small, launched=_hours(-5), created=-5)
    server(cells[1], "short", "p1", big, launched=_hours(1), terminated=_hours(3),
           delete=True, created=1)
    # p2: launched in the window; never-launched and long-gone servers do not count.
    server(cells[0], "late", "p2", big, launched=_hours(8), created=8)
    server(cells[0], "never", "p2", big, launched=None, created=2)
    server(cells[1], "gone", "p2", big, launched=_hours(-9), terminated=_hours(-8),
           delete=True, created=-9)
    return {"app": client.load_api(conf_fixture), "servers": servers}


WINDOW = "start=2026-01-01T00:00:00&end=2026-01-01T10:00:00"


def _api(cloud, version="2.1", token="admin:admin"):
    return client.APIClient(cloud["app"], token=token, version=version)


def test_index_sums_hours_and_sizes_per_project(cloud):
    resp = _api(cloud).get(f"/v2.1/os-simple-tenant-usage?{WINDOW}")
    assert resp.status_int == 200, resp.json
    usages = {u["tenant_id"]: u for u in resp.json["tenant_usages"]}
    assert set(usages) == {"p1", "p2"}
    p1 = usages["p1"]
    assert p1["start"] == "2026-01-01T00:00:00"
    assert p1["stop"] == "2026-01-01T10:00:00"
    assert p1["total_hours"] == pytest.approx(12.0)
    assert p1["total_vcpus_usage"] == pytest.approx(10 * 1 + 2 * 4)
    assert p1["total_memory_mb_usage"] == pytest.approx(10 * 512 + 2 * 2048)
    assert p1["total_local_gb_usage"] == pytest.approx(10 * 2 + 2 * 10)
    assert "server_usages" not in p1
    assert usages["p2"]["total_hours"] == pytest.approx(2.0)


def test_detailed_lists_each_server_with_its_state(cloud):
    resp = _api(cloud).get(f"/v2.1/os-simple-tenant-usage?{WINDOW}&detailed=1")
    servers = {s["name"]: s for u in resp.json["tenant_usages"] for s in u["server_usages"]}
    assert set(servers) == {"long", "short", "late"}
    short = servers["short"]
    assert short["state"] == "terminated"
    assert short["flavor"] == "big"
    assert (short["vcpus"], short["memory_mb"], short["local_gb"]) == (4, 2048, 10)
    assert short["hours"] == pytest.approx(2.0)
    assert short["started_at"] == "2026-01-01T01:00:00"
    assert short["ended_at"] == "2026-01-01T03:00:00"
    assert short["uptime"] == 2 * 3600
    assert servers["long"]["state"] == "active"
    assert servers["long"]["ended_at"] is None
    assert servers["long"]["instance_id"] == cloud["servers"]["long"]


def test_show_of_own_project_for_a_member(cloud):
    resp = _api(cloud, token="alice:p1").get(f"/v2.1/os-simple-tenant-usage/p1?{WINDOW}")
    assert resp.status_int == 200, resp.json
    usage = resp.json["tenant_usage"]
    assert usage["tenant_id"] == "p1"
    assert {s["name"] for s in usage["server_usages"]} == {"long", "short"}


def test_show_of_a_project_without_usage_is_empty(cloud):
    resp = _api(cloud).get(f"/v2.1/os-simple-tenant-usage/nobody?{WINDOW}")
    assert resp.json == {"tenant_usage": {}}


def test_list_is_for_admins_and_other_projects_are_forbidden(cloud):
    member = _api(cloud, token="alice:p1")
    assert member.get(f"/v2.1/os-simple-tenant-usage?{WINDOW}").status_int == 403
    assert member.get(f"/v2.1/os-simple-tenant-usage/p2?{WINDOW}").status_int == 403


@pytest.mark.parametrize("query, message", [
    ("start=2026-01-02T00:00:00&end=2026-01-01T00:00:00", "cannot occur after"),
    ("start=yesterday", "invalid format"),
])
def test_bad_windows_are_400(cloud, query, message):
    resp = _api(cloud).get(f"/v2.1/os-simple-tenant-usage?{query}")
    assert resp.status_int == 400
    assert message in resp.json["badRequest"]["message"]


def test_paging_from_2_40_walks_the_servers(cloud):
    api = _api(cloud, "2.40")
    first = api.get(f"/v2.1/os-simple-tenant-usage?{WINDOW}&detailed=1&limit=2").json
    names = [s["name"] for u in first["tenant_usages"] for s in u["server_usages"]]
    assert names == ["long", "short"]
    (link,) = first["tenant_usages_links"]
    assert link["rel"] == "next"
    assert f"marker={cloud['servers']['short']}" in link["href"]
    second = api.get(f"/v2.1/os-simple-tenant-usage?{WINDOW}&detailed=1&limit=2"
                     f"&marker={cloud['servers']['short']}").json
    assert [s["name"] for u in second["tenant_usages"] for s in u["server_usages"]] == \
        ["late"]
    assert "tenant_usages_links" not in second


def test_paging_parameters_are_ignored_before_2_40(cloud):
    body = _api(cloud, "2.39").get(
        f"/v2.1/os-simple-tenant-usage?{WINDOW}&detailed=1&limit=1").json
    assert sum(len(u["server_usages"]) for u in body["tenant_usages"]) == 3
    assert "tenant_usages_links" not in body


def test_unknown_marker_is_400(cloud):
    resp = _api(cloud, "2.40").get(
        f"/v2.1/os-simple-tenant-usage?{WINDOW}&marker={uuidutils.generate_uuid()}")
    assert resp.status_int == 400
