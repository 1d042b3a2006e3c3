"""Key pair views, name rules and fingerprints."""

import datetime

import pytest

from nova import crypto, exception
from nova.api.openstack.compute import keypairs
from nova.api.openstack.compute.views import keypairs as views
from nova.objects import keypair as keypair_obj

#: ``ssh-keygen -l -E md5`` of this key prints this fingerprint.
PUBLIC_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDdQElPq+DRb5bE31iPS6GP3oRjtCBgLkFWYTYQ04pHpyzrL3"
    "Hw/LjsB8V3ntqlK6DOiK+emVjA5J5NKYY0SdDqlq1flQ3SrtEL9Sjdbjj+GJzsrUe8FVyCvaBEj8EXgt5waRRs"
    "j/xZJS58Z654JpvEypwbW+8Rr2060SBSYEB5/w== alice@laptop")
FINGERPRINT = "43:49:78:ee:ae:3e:eb:9a:48:9e:8d:e6:4e:87:fa:9f"


def _keypair():
    return keypair_obj.KeyPair(id=3, name="k", user_id="u", public_key="pk", fingerprint="fp",
                           type="ssh", created_at=datetime.datetime(2024, 1, 2),
                           updated_at=None)


def test_ssh_fingerprint_matches_ssh_keygen():
    assert crypto.ssh_fingerprint(PUBLIC_KEY) == FINGERPRINT


@pytest.mark.parametrize("key", ["", "ssh-rsa", "ssh-rsa AAAA", "garbage here", "ssh-rsa %%%"])
def test_ssh_fingerprint_refuses_bad_keys(key):
    with pytest.raises(exception.InvalidKeypair):
        crypto.ssh_fingerprint(key)


def test_generated_ssh_key_is_importable():
    private, public, fingerprint = crypto.generate_ssh_key_pair()
    assert crypto.ssh_fingerprint(public) == fingerprint
    assert "RSA PRIVATE KEY" in private


@pytest.mark.parametrize("name", ["ok name", "a-b_c", "x" * 255])
def test_valid_names(name):
    keypairs.validate_name(name)


@pytest.mark.parametrize("name", ["a/b", "é", "a.b", "x" * 256])
def test_invalid_names(name):
    with pytest.raises(exception.InvalidKeypair):
        keypairs.validate_name(name)


def test_views_by_version():
    kp = _keypair()
    assert views.create(kp, False) == {"keypair": {
        "name": "k", "public_key": "pk", "fingerprint": "fp", "user_id": "u"}}
    assert views.create(kp, True, "PRIV")["keypair"]["private_key"] == "PRIV"
    assert views.create(kp, True)["keypair"]["type"] == "ssh"
    shown = views.show(kp, True)["keypair"]
    assert shown["id"] == 3 and shown["deleted"] is False and shown["deleted_at"] is None
    assert "type" not in views.show(kp, False)["keypair"]
    assert views.index(None, [kp], False) == {"keypairs": [{"keypair": {
        "name": "k", "public_key": "pk", "fingerprint": "fp"}}]}
