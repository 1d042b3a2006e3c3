"""The /images proxy through the real pipeline, reading a fake Glance over HTTP."""

import pytest

from tests.fixtures import images as image_fixtures
from tests.functional.api import client

TOKEN = "alice:p1"


@pytest.fixture
def glance(fake_glance):
    images = fake_glance.images
    images.add_image(image_id="5e5e5e5e-0000-4000-8000-000000000001", data=b"x" * 10,
                     name="snap", min_ram=256,
                     properties={"instance_uuid": "aaaaaaaa-0000-4000-8000-000000000001",
                                 "auto_disk_config": "true", "image_type": "snapshot"})
    return fake_glance


@pytest.fixture
def app(glance, conf_fixture):
    return client.load_api(conf_fixture)


def _api(app, version="2.1", token=TOKEN):
    return client.APIClient(app, token=token, version=version)


def test_show_detail_view(app, glance):
    resp = _api(app).get(f"/v2.1/images/{image_fixtures.LARGE_IMAGE_ID}")
    assert resp.status_int == 200, resp.json
    image = resp.json["image"]
    assert (image["id"], image["name"], image["minRam"], image["minDisk"], image["status"],
            image["progress"], image["OS-EXT-IMG-SIZE:size"]) == \
        (image_fixtures.LARGE_IMAGE_ID, "big-qcow2", 1024, 2, "ACTIVE", 100, 1024)
    assert image["created"].endswith("Z") and image["updated"].endswith("Z")
    assert image["metadata"] == {}
    assert image["links"] == [
        {"rel": "self", "href": f"http://localhost/v2.1/images/{image['id']}"},
        {"rel": "bookmark", "href": f"http://localhost/images/{image['id']}"},
        {"rel": "alternate", "type": "application/vnd.openstack.image",
         "href": f"{glance.url}/images/{image['id']}"}]


def test_queued_image_is_saving_and_snapshot_names_its_server(app):
    api = _api(app)
    queued = api.get(f"/v2.1/images/{image_fixtures.QUEUED_IMAGE_ID}").json["image"]
    assert (queued["status"], queued["progress"], queued["OS-EXT-IMG-SIZE:size"]) == \
        ("SAVING", 25, None)
    snap = api.get("/v2.1/images/5e5e5e5e-0000-4000-8000-000000000001").json["image"]
    assert snap["server"]["id"] == "aaaaaaaa-0000-4000-8000-000000000001"
    assert snap["server"]["links"][0]["href"].endswith(
        "/v2.1/servers/aaaaaaaa-0000-4000-8000-000000000001")
    assert snap["OS-DCF:diskConfig"] == "AUTO"
    assert snap["metadata"]["image_type"] == "snapshot"


def test_list_filters_and_paging(app):
    api = _api(app)
    body = api.get("/v2.1/images").json
    assert len(body["images"]) == 4 and "images_links" not in body
    assert set(body["images"][0]) == {"id", "name", "links"}
    detail = api.get("/v2.1/images/detail?name=tiny-raw").json["images"]
    assert [i["id"] for i in detail] == [image_fixtures.IMAGE_ID]
    assert [i["name"] for i in api.get("/v2.1/images?status=SAVING").json["images"]] == []
    queued = api.get("/v2.1/images/detail?status=QUEUED").json["images"]
    assert [i["name"] for i in queued] == ["never-uploaded"]
    server = "http://localhost/v2.1/servers/aaaaaaaa-0000-4000-8000-000000000001"
    assert [i["name"] for i in api.get(f"/v2.1/images?server={server}").json["images"]] \
        == ["snap"]
    assert [i["name"] for i in api.get("/v2.1/images?type=snapshot").json["images"]] == \
        ["snap"]
    page = api.get("/v2.1/images/detail?limit=2").json
    assert len(page["images"]) == 2
    last = page["images"][-1]["id"]
    assert page["images_links"] == [{"rel": "next", "href":
                                     f"http://localhost/v2.1/images/detail?limit=2&marker={last}"}]
    rest = api.get(f"/v2.1/images/detail?limit=2&marker={last}").json["images"]
    assert len(rest) == 2 and not {i["id"] for i in rest} & {i["id"] for i in page["images"]}
    assert api.get("/v2.1/images?limit=x").status_int == 400
    assert api.get("/v2.1/images?marker=nope").status_int == 400


def test_show_unknown_is_404(app):
    resp = _api(app).get("/v2.1/images/00000000-0000-4000-8000-00000000dead")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == "Image not found."


def test_delete(app, glance):
    api = _api(app)
    resp = api.delete(f"/v2.1/images/{image_fixtures.QUEUED_IMAGE_ID}")
    assert resp.status_int == 204
    assert api.get(f"/v2.1/images/{image_fixtures.QUEUED_IMAGE_ID}").status_int == 404
    assert api.delete(f"/v2.1/images/{image_fixtures.QUEUED_IMAGE_ID}").status_int == 404


@pytest.mark.parametrize("path", ["/images", "/images/detail",
                                  f"/images/{image_fixtures.IMAGE_ID}"])
def test_gone_from_2_36(app, path):
    assert _api(app, "2.35").get("/v2.1" + path).status_int == 200
    resp = _api(app, "2.36").get("/v2.1" + path)
    assert resp.status_int == 404
    assert "itemNotFound" in resp.json
    assert _api(app, "2.36").delete(f"/v2.1/images/{image_fixtures.IMAGE_ID}").status_int \
        == 404


def test_every_reader_sees_the_size(app):
    # Upstream removed the os_compute_api:image-size rule: a reader sees it.
    resp = _api(app).get(f"/v2.1/images/{image_fixtures.IMAGE_ID}",
                         headers={"X-Roles": "reader"})
    assert "OS-EXT-IMG-SIZE:size" in resp.json["image"]
