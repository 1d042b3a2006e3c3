"""Proxy signatures, the TTL cache, password chunks and EC2 ids."""

import hashlib
import hmac

import pytest

from nova.api.metadata import cache, ec2_ids, password, proxy


def test_signature_is_hmac_sha256_of_the_instance_id():
    expected = hmac.new(b"s3cret", b"abc", hashlib.sha256).hexdigest()
    assert proxy.sign("abc", "s3cret") == expected
    assert proxy.signature_matches("abc", expected, "s3cret")
    assert not proxy.signature_matches("abc", expected, "other")
    assert not proxy.signature_matches("abd", expected, "s3cret")
    assert not proxy.signature_matches("abc", "", "s3cret")


def test_parse_names_the_first_missing_header():
    with pytest.raises(proxy.BadProxyRequest, match="X-Instance-ID header"):
        proxy.parse({})
    with pytest.raises(proxy.BadProxyRequest, match="X-Instance-ID-Signature"):
        proxy.parse({"X-Instance-ID": "a"})
    with pytest.raises(proxy.BadProxyRequest, match="X-Tenant-ID"):
        proxy.parse({"X-Instance-ID": "a", "X-Instance-ID-Signature": "s"})
    claim = proxy.parse({"X-Instance-ID": "a", "X-Instance-ID-Signature": "s",
                         "X-Tenant-ID": "p", "X-Forwarded-For": "10.0.0.9, 10.0.0.1"})
    assert claim == proxy.ProxiedRequest("a", "p", "s", "10.0.0.9")


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_ttl_cache_expires_entries():
    clock = Clock()
    c = cache.TTLCache(15, clock=clock)
    c.set("a", 1)
    clock.now += 14.9
    assert c.get("a") == 1
    clock.now += 0.2
    assert c.get("a") is None
    assert len(c) == 0


def test_ttl_cache_is_bounded_and_zero_disables():
    c = cache.TTLCache(60, max_size=2)
    for key in "abc":
        c.set(key, key)
    assert c.get("a") is None and c.get("b") == "b" and c.get("c") == "c"
    c.delete("b")
    assert c.get("b") is None
    off = cache.TTLCache(0)
    off.set("a", 1)
    assert off.get("a") is None


def test_password_round_trips_through_chunks():
    text = "x" * 300 + "y" * 10
    chunks = password.password_chunks(text)
    assert sorted(chunks) == [f"password_{i}" for i in range(4)]
    assert chunks["password_0"] == "x" * 255
    assert password.extract_password(chunks) == text
    assert password.extract_password({}) == ""
    with pytest.raises(ValueError):
        password.password_chunks("z" * (password.MAX_SIZE + 1))


def test_ec2_ids():
    assert ec2_ids.instance_ec2_id(1) == "i-00000001"
    assert ec2_ids.image_ec2_id("155d900f-4e14-4e4c-a73d-069cbf4541e6") == "ami-155d900f"
    assert ec2_ids.image_ec2_id("abc", "aki").startswith("aki-")
    assert ec2_ids.image_ec2_id(None) is None
