"""Signed requests from a metadata proxy (upstream's Neutron metadata agent protocol).

The proxy sits on the guest's network, learns which instance is asking,
and forwards the request with three headers:

* ``X-Instance-ID``: the instance UUID;
* ``X-Tenant-ID``: its project id;
* ``X-Instance-ID-Signature``: hex HMAC-SHA256 of the instance id keyed with
  [neutron] metadata_proxy_shared_secret.

``X-Forwarded-For`` carries the guest's address when the proxy knows it.
"""

import collections
import hashlib
import hmac

INSTANCE_ID_HEADER = "X-Instance-ID"
TENANT_ID_HEADER = "X-Tenant-ID"
SIGNATURE_HEADER = "X-Instance-ID-Signature"
FORWARDED_FOR_HEADER = "X-Forwarded-For"

#: What a proxied request claims: instance uuid, project id, signature,
#: guest address (or None).
ProxiedRequest = collections.namedtuple(
    "ProxiedRequest", ["instance_id", "tenant_id", "signature", "address"])


class BadProxyRequest(ValueError):
    """A header the protocol requires is missing (HTTP 400)."""


def sign(instance_id, secret):
    """Return the signature a proxy sends for ``instance_id`` (hex str).

    :param instance_id: the instance UUID as sent in X-Instance-ID (str).
    :param secret: the shared secret (str).
    """
    return hmac.new(secret.encode("utf-8"), instance_id.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def signature_matches(instance_id, signature, secret):
    """True when ``signature`` is ``instance_id``'s, compared in constant time."""
    return hmac.compare_digest(sign(instance_id, secret).encode("ascii"),
                               (signature or "").encode("utf-8", "replace"))


def parse(headers):
    """Read the proxy's headers from a request's headers (case-insensitive mapping).

    :returns: ProxiedRequest.
    :raises BadProxyRequest: X-Instance-ID, X-Instance-ID-Signature or
        X-Tenant-ID is missing (checked in that order, as upstream).
    """
    values = {}
    for name in (INSTANCE_ID_HEADER, SIGNATURE_HEADER, TENANT_ID_HEADER):
        value = headers.get(name)
        if value is None:
            raise BadProxyRequest(f"{name} header is missing from request.")
        values[name] = value
    address = headers.get(FORWARDED_FOR_HEADER)
    if address:
        # The first hop is the guest; later ones are proxies in between.
        address = address.split(",")[0].strip()
    return ProxiedRequest(values[INSTANCE_ID_HEADER], values[TENANT_ID_HEADER],
                          values[SIGNATURE_HEADER], address or None)
