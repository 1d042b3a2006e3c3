"""/os-keypairs through the real pipeline, for every microversion step up to 2.37."""

import pytest

from nova import objects
from tests.functional.api import client

ADMIN = "admin:admin"
ALICE = "alice:p1"
BOB = "bob:p1"

#: A 1024-bit RSA public key and its MD5 fingerprint as ``ssh-keygen -l -E md5`` prints it.
PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDdQElPq+DRb5bE31iPS6GP3oRjtCBgLkFWYTYQ04pHpyzrL3"
    "Hw/LjsB8V3ntqlK6DOiK+emVjA5J5NKYY0SdDqlq1flQ3SrtEL9Sjdbjj+GJzsrUe8FVyCvaBEj8EXgt5waRRs"
    "j/xZJS58Z654JpvEypwbW+8Rr2060SBSYEB5/w== alice@laptop")
FINGERPRINT = "43:49:78:ee:ae:3e:eb:9a:48:9e:8d:e6:4e:87:fa:9f"


@pytest.fixture
def app(api_db, conf_fixture):
    objects.register_all()
    return client.load_api(conf_fixture)


def api(app, token=ALICE, version="2.1"):
    return client.APIClient(app, token=token, version=version)


def _import(api_, name="k1", **extra):
    return api_.post("/v2.1/os-keypairs",
                     {"keypair": dict(name=name, public_key=PUBLIC_KEY, **extra)})


def test_import_show_list_delete_at_2_1(app):
    alice = api(app)
    resp = _import(alice)
    assert resp.status_int == 200, resp.json
    assert resp.json == {"keypair": {"name": "k1", "public_key": PUBLIC_KEY,
                                     "fingerprint": FINGERPRINT, "user_id": "alice"}}
    assert alice.get("/v2.1/os-keypairs").json == {"keypairs": [{"keypair": {
        "name": "k1", "public_key": PUBLIC_KEY, "fingerprint": FINGERPRINT}}]}
    shown = alice.get("/v2.1/os-keypairs/k1").json["keypair"]
    assert shown["user_id"] == "alice" and shown["deleted"] is False
    assert "type" not in shown and isinstance(shown["id"], int) and shown["created_at"]
    resp = alice.delete("/v2.1/os-keypairs/k1")
    assert resp.status_int == 202
    resp = alice.get("/v2.1/os-keypairs/k1")
    assert resp.status_int == 404
    assert resp.json["itemNotFound"]["message"] == "Keypair k1 not found for user alice"


def test_generated_key_returns_the_private_key_once(app):
    alice = api(app)
    resp = alice.post("/v2.1/os-keypairs", {"keypair": {"name": "gen"}})
    assert resp.status_int == 200
    keypair = resp.json["keypair"]
    assert keypair["private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert keypair["public_key"].startswith("ssh-rsa ")
    assert keypair["public_key"].endswith(" Generated-by-Nova")
    assert len(keypair["fingerprint"].split(":")) == 16
    assert "private_key" not in alice.get("/v2.1/os-keypairs/gen").json["keypair"]


def test_type_and_status_codes_from_2_2(app):
    alice = api(app, version="2.2")
    resp = _import(alice)
    assert resp.status_int == 201
    assert resp.json["keypair"]["type"] == "ssh"
    assert alice.get("/v2.1/os-keypairs").json["keypairs"][0]["keypair"]["type"] == "ssh"
    assert alice.get("/v2.1/os-keypairs/k1").json["keypair"]["type"] == "ssh"
    assert _import(alice, name="k2", type="rsa").status_int == 400
    resp = alice.delete("/v2.1/os-keypairs/k1")
    assert resp.status_int == 204


def test_x509_key_pairs(app):
    alice = api(app, version="2.2")
    resp = alice.post("/v2.1/os-keypairs", {"keypair": {"name": "win", "type": "x509"}})
    assert resp.status_int == 201, resp.json
    generated = resp.json["keypair"]
    assert generated["public_key"].startswith("-----BEGIN CERTIFICATE-----")
    assert len(generated["fingerprint"].split(":")) == 20
    resp = alice.post("/v2.1/os-keypairs", {"keypair": {
        "name": "win2", "type": "x509", "public_key": generated["public_key"]}})
    assert resp.status_int == 201
    assert resp.json["keypair"]["fingerprint"] == generated["fingerprint"]
    resp = _import(alice, name="bad", type="x509")
    assert resp.status_int == 400


def test_user_id_for_admins_from_2_10(app):
    admin = api(app, ADMIN, "2.10")
    resp = _import(admin, name="for-bob", user_id="bob")
    assert resp.status_int == 201 and resp.json["keypair"]["user_id"] == "bob"
    bob = api(app, BOB, "2.10")
    assert [k["keypair"]["name"] for k in bob.get("/v2.1/os-keypairs").json["keypairs"]] \
        == ["for-bob"]
    assert admin.get("/v2.1/os-keypairs").json == {"keypairs": []}
    assert len(admin.get("/v2.1/os-keypairs?user_id=bob").json["keypairs"]) == 1
    assert admin.get("/v2.1/os-keypairs/for-bob?user_id=bob").status_int == 200
    alice = api(app, ALICE, "2.10")
    assert alice.get("/v2.1/os-keypairs?user_id=bob").status_int == 403
    assert alice.get("/v2.1/os-keypairs/for-bob?user_id=bob").status_int == 403
    assert alice.delete("/v2.1/os-keypairs/for-bob?user_id=bob").status_int == 403
    assert _import(alice, name="x", user_id="bob").status_int == 403
    assert admin.delete("/v2.1/os-keypairs/for-bob?user_id=bob").status_int == 204
    # Before 2.10 user_id is not part of the body.
    assert _import(api(app, ADMIN, "2.9"), name="y", user_id="bob").status_int == 400


def test_paging_from_2_35(app):
    alice = api(app, version="2.35")
    for name in ("c", "a", "b"):
        assert _import(alice, name=name).status_int == 201
    page = alice.get("/v2.1/os-keypairs?limit=2").json
    assert [k["keypair"]["name"] for k in page["keypairs"]] == ["a", "b"]
    assert page["keypairs_links"] == [
        {"rel": "next", "href": "http://localhost/v2.1/os-keypairs?limit=2&marker=b"}]
    rest = alice.get("/v2.1/os-keypairs?limit=2&marker=b").json
    assert [k["keypair"]["name"] for k in rest["keypairs"]] == ["c"]
    assert "keypairs_links" not in rest
    assert alice.get("/v2.1/os-keypairs?marker=zzz").status_int == 400
    # Before 2.35 limit is ignored.
    old = api(app, version="2.34").get("/v2.1/os-keypairs?limit=1").json
    assert len(old["keypairs"]) == 3 and "keypairs_links" not in old


@pytest.mark.parametrize("body", [
    {"keypair": {"name": "bad/name", "public_key": PUBLIC_KEY}},
    {"keypair": {"name": "k", "public_key": "ssh-rsa not-a-key"}},
    {"keypair": {"name": ""}},
    {"keypair": {"public_key": PUBLIC_KEY}},
    {"keypair": {"name": "k", "type": "ssh"}},
    {"name": "k"},
])
def test_malformed_requests_are_400(app, body):
    resp = api(app).post("/v2.1/os-keypairs", body)
    assert resp.status_int == 400, resp.json


def test_invalid_key_message(app):
    resp = api(app).post("/v2.1/os-keypairs",
                         {"keypair": {"name": "k", "public_key": "ssh-rsa AAAA"}})
    assert resp.json["badRequest"]["message"] == \
        "Keypair data is invalid: failed to generate fingerprint"


def test_duplicate_is_409_and_names_are_per_user(app):
    assert _import(api(app)).status_int == 200
    resp = _import(api(app))
    assert resp.status_int == 409
    assert resp.json["conflictingRequest"]["message"] == "Key pair 'k1' already exists."
    assert _import(api(app, BOB)).status_int == 200


def test_quota_is_403(app, conf_fixture):
    conf_fixture.config(key_pairs=1, group="quota")
    alice = api(app)
    assert _import(alice).status_int == 200
    resp = _import(alice, name="k2")
    assert resp.status_int == 403
    assert resp.json["forbidden"]["message"] == "Quota exceeded, too many key pairs."


def test_other_users_key_pairs_are_invisible(app):
    assert _import(api(app)).status_int == 200
    assert api(app, BOB).get("/v2.1/os-keypairs/k1").status_int == 404
    assert api(app, BOB).delete("/v2.1/os-keypairs/k1").status_int == 404
