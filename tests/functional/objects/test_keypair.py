"""KeyPair round trips through a real API database."""

import pytest

from nova import exception, objects


def _keypair(ctx, name, user_id="user1", **kw):
    keypair = objects.KeyPair(ctx, name=name, user_id=user_id, public_key="ssh-ed25519 AAAA",
                              fingerprint="aa:bb", **kw)
    keypair.create()
    return keypair


def test_create_get_destroy(admin_ctx):
    created = _keypair(admin_ctx, "k1")
    assert created.type == "ssh" and created.id
    got = objects.KeyPair.get_by_name(admin_ctx, "user1", "k1")
    assert (got.public_key, got.fingerprint) == ("ssh-ed25519 AAAA", "aa:bb")
    got.destroy()
    with pytest.raises(exception.KeypairNotFound):
        objects.KeyPair.get_by_name(admin_ctx, "user1", "k1")
    with pytest.raises(exception.KeypairNotFound):
        objects.KeyPair.destroy_by_name(admin_ctx, "user1", "k1")


def test_duplicate_name_per_user(admin_ctx):
    _keypair(admin_ctx, "k1")
    with pytest.raises(exception.KeypairExists):
        _keypair(admin_ctx, "k1")
    # Another user may use the same name.
    _keypair(admin_ctx, "k1", user_id="user2", type="x509")
    assert objects.KeyPair.get_by_name(admin_ctx, "user2", "k1").type == "x509"


def test_list_paging_and_count(admin_ctx):
    for name in ("b", "a", "d", "c"):
        _keypair(admin_ctx, name)
    _keypair(admin_ctx, "z", user_id="user2")
    assert [k.name for k in objects.KeyPairList.get_by_user(admin_ctx, "user1")] \
        == ["a", "b", "c", "d"]
    page = objects.KeyPairList.get_by_user(admin_ctx, "user1", limit=2, marker="b")
    assert [k.name for k in page] == ["c", "d"]
    assert objects.KeyPairList.get_count_by_user(admin_ctx, "user1") == 4
    with pytest.raises(exception.MarkerNotFound):
        objects.KeyPairList.get_by_user(admin_ctx, "user1", marker="z")
