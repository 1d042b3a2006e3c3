"""/images/{image_id}/metadata (deprecated, 2.1 - 2.38) over a fake Glance."""

import pytest

from tests.functional.api import client

IMAGE = "5e5e5e5e-0000-4000-8000-0000000000aa"
PATH = f"/v2.1/images/{IMAGE}/metadata"


@pytest.fixture
def app(fake_glance, databases, conf_fixture):
    fake_glance.images.add_image(image_id=IMAGE, data=b"x", name="img",
                                 properties={"os_distro": "debian", "hw_rng": "yes"})
    return client.load_api(conf_fixture)


def _api(app, version="2.1"):
    return client.APIClient(app, token="alice:p1", version=version)


def test_list_and_show_one(app):
    assert _api(app).get(PATH).json == {"metadata": {"os_distro": "debian", "hw_rng": "yes"}}
    assert _api(app).get(PATH + "/os_distro").json == {"meta": {"os_distro": "debian"}}
    assert _api(app).get(PATH + "/nope").status_int == 404


def test_merge_replace_set_and_delete(app):
    api = _api(app)
    resp = api.post(PATH, {"metadata": {"os_version": "12"}})
    assert resp.status_int == 200, resp.json
    assert resp.json["metadata"] == {"os_distro": "debian", "hw_rng": "yes", "os_version": "12"}

    resp = api.put(PATH, {"metadata": {"os_distro": "alpine"}})
    assert resp.json == {"metadata": {"os_distro": "alpine"}}
    assert api.get(PATH).json == {"metadata": {"os_distro": "alpine"}}

    resp = api.put(PATH + "/arch", {"meta": {"arch": "x86_64"}})
    assert resp.json == {"meta": {"arch": "x86_64"}}
    assert api.delete(PATH + "/os_distro").status_int == 204
    assert api.get(PATH).json == {"metadata": {"arch": "x86_64"}}
    assert api.delete(PATH + "/os_distro").status_int == 404


def test_bad_bodies_are_400(app):
    api = _api(app)
    assert api.put(PATH + "/arch", {"meta": {"other": "x"}}).status_int == 400
    assert api.put(PATH + "/arch", {"meta": {"arch": "a", "b": "c"}}).status_int == 400
    assert api.post(PATH, {"metadata": "x"}).status_int == 400


def test_quota_of_metadata_items_is_403_and_changes_nothing(app, conf_fixture):
    conf_fixture.config(metadata_items=2, group="quota")
    resp = _api(app).post(PATH, {"metadata": {"one": "more"}})
    assert resp.status_int == 403, resp.json
    assert set(_api(app).get(PATH).json["metadata"]) == {"os_distro", "hw_rng"}


def test_unknown_image_is_404(app):
    resp = _api(app).get("/v2.1/images/5e5e5e5e-0000-4000-8000-0000000000ff/metadata")
    assert resp.status_int == 404


def test_gone_from_2_39(app):
    assert _api(app, "2.38").get(PATH).status_int == 200
    assert _api(app, "2.39").get(PATH).status_int == 404
    assert _api(app, "2.39").delete(PATH + "/os_distro").status_int == 404
