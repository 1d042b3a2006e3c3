"""Compute API microversions: parsing, comparison and negotiation.

A client asks for a microversion with ``OpenStack-API-Version: compute 2.N``
or the legacy ``X-OpenStack-Nova-API-Version: 2.N``; ``latest`` means the
highest one we serve, no header means the lowest (2.1). Every response of the
versioned API names the version it was produced for in both headers.

Microversion history of this implementation (raise ``MAX_API_VERSION`` only
when *every* route serves the behaviour upstream defines up to the new
version; a route then grows a ``wsgi.api_version`` variant, a schema range or
a view builder for it, see doc/source/api.rst):

* 2.1 - the base v2.1 API.
* 2.2 - key pairs have a type (ssh or x509); create answers 201, delete 204.
* 2.3 - more OS-EXT-SRV-ATTR:* fields in server bodies for admins.
* 2.4 - 2.8 - no change to the routes served here.
* 2.9 - servers show ``locked``.
* 2.10 - admins manage other users' key pairs with ``user_id``.
* 2.11 - os-services shows ``forced_down`` and can force a service down.
* 2.12 - 2.15 - no change to the routes served here.
* 2.16 - servers show ``host_status`` to those allowed.
* 2.17 - 2.18 - no change to the routes served here.
* 2.19 - servers have a ``description``.
* 2.20 - 2.25 - no change to the routes served here.
* 2.26 - servers show ``tags``.
* 2.27 - the OpenStack-API-Version header (served since 2.1 here).
* 2.28 - os-hypervisors gives ``cpu_info`` as an object.
* 2.29 - 2.32 - no change to the routes served here.
* 2.33 - os-hypervisors pages with limit/marker.
* 2.34 - no change to the routes served here.
* 2.35 - key pairs page with limit/marker.
* 2.36 - the image proxy (/images) and network limits are gone.
* 2.37 - creating a server requires ``networks`` ("auto", "none" or a list).
"""

import re

import microversion_parse

from nova import exception

SERVICE_TYPE = "compute"
#: Response/request header of the standard form "compute 2.N".
API_VERSION_HEADER = "OpenStack-API-Version"
#: Header upstream used before 2.27; still honoured and still answered.
LEGACY_API_VERSION_HEADER = "X-OpenStack-Nova-API-Version"
#: Headers named in ``Vary`` so caches key on the requested microversion.
VARY_HEADER_VALUE = f"{API_VERSION_HEADER}, {LEGACY_API_VERSION_HEADER}"

MIN_API_VERSION = "2.1"
MAX_API_VERSION = "2.95"
#: What an absent header means (upstream: the minimum).
DEFAULT_API_VERSION = MIN_API_VERSION

# Upstream's grammar: no leading zeros, no whitespace, minor may be 0.
_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


class APIVersionRequest:
    """One microversion, comparable with the usual operators.

    :param version_string: "MAJOR.MINOR" such as "2.47", or None for the
        "null" version (compares lower than any real one; used for requests
        that are not microversioned, such as the root version document).
    :raises nova.exception.InvalidAPIVersionString: malformed string.
    """

    __slots__ = ("major", "minor")

    def __init__(self, version_string=None):
        self.major = 0
        self.minor = 0
        if version_string is None:
            return
        match = _VERSION_RE.match(version_string)
        if match is None:
            raise exception.InvalidAPIVersionString(version=version_string)
        self.major = int(match.group(1))
        self.minor = int(match.group(2))

    def is_null(self):
        """Return True for the "no version" value."""
        return self.major == 0 and self.minor == 0

    def _key(self):
        return (self.major, self.minor)

    def __eq__(self, other):
        return isinstance(other, APIVersionRequest) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __lt__(self, other):
        return self._key() < _coerce(other)._key()

    def __le__(self, other):
        return self._key() <= _coerce(other)._key()

    def __gt__(self, other):
        return self._key() > _coerce(other)._key()

    def __ge__(self, other):
        return self._key() >= _coerce(other)._key()

    def matches(self, min_version=None, max_version=None):
        """Return True if min_version <= self <= max_version.

        :param min_version: APIVersionRequest, "2.N" string or None (no
            lower bound).
        :param max_version: same, None meaning no upper bound.
        """
        if min_version is not None and self < _coerce(min_version):
            return False
        if max_version is not None and self > _coerce(max_version):
            return False
        return True

    def get_string(self):
        """Return "MAJOR.MINOR" (or "" for the null version)."""
        return "" if self.is_null() else f"{self.major}.{self.minor}"

    __str__ = get_string

    def __repr__(self):
        return f"APIVersionRequest({self.get_string()!r})"


def _coerce(value):
    if isinstance(value, APIVersionRequest):
        return value
    return APIVersionRequest(value)


def min_api_version():
    """Return the lowest microversion served, as an APIVersionRequest."""
    return APIVersionRequest(MIN_API_VERSION)


def max_api_version():
    """Return the highest microversion served, as an APIVersionRequest."""
    return APIVersionRequest(MAX_API_VERSION)


def requested_version_string(headers):
    """Return the microversion string a request asks for, or None.

    :param headers: a mapping of request headers (webob's ``req.headers``).
    :returns: the value of ``OpenStack-API-Version: compute X`` when present,
        otherwise of the legacy header, otherwise None. The value is not
        validated here.
    """
    return microversion_parse.get_version(
        headers, service_type=SERVICE_TYPE,
        legacy_headers=[LEGACY_API_VERSION_HEADER])


def negotiate(headers, min_version=MIN_API_VERSION, max_version=MAX_API_VERSION):
    """Decide which microversion a request is served at.

    :param headers: request headers mapping.
    :param min_version: lowest version served ("2.N" string).
    :param max_version: highest version served ("2.N" string).
    :returns: APIVersionRequest; min_version when the request names none,
        max_version for "latest".
    :raises nova.exception.InvalidAPIVersionString: malformed value (400).
    :raises nova.exception.InvalidGlobalAPIVersion: outside
        [min_version, max_version] (406, as upstream).
    """
    requested = requested_version_string(headers)
    if requested is None:
        return APIVersionRequest(min_version)
    requested = requested.strip()
    if requested.lower() == "latest":
        return APIVersionRequest(max_version)
    version = APIVersionRequest(requested)
    if not version.matches(min_version, max_version):
        raise exception.InvalidGlobalAPIVersion(
            req_ver=version.get_string(), min_ver=min_version, max_ver=max_version)
    return version


def response_headers(version):
    """Return the headers that name ``version`` in a response.

    :param version: APIVersionRequest the request was served at.
    :returns: list of (name, value) tuples: both version headers and Vary.
    """
    value = version.get_string()
    return [
        (API_VERSION_HEADER, f"{SERVICE_TYPE} {value}"),
        (LEGACY_API_VERSION_HEADER, value),
        ("Vary", VARY_HEADER_VALUE),
    ]


def choose(version, choices):
    """Pick the entry for the highest minimum microversion not above ``version``.

    Used to select a view builder or other per-version collaborator::

        builder = choose(req.api_version_request,
                         {"2.1": ViewBuilder, "2.47": ViewBuilderV247})

    :param version: APIVersionRequest.
    :param choices: mapping of "2.N" minimum version -> value.
    :returns: the value of the largest key <= version.
    :raises ValueError: when every key is above ``version``.
    """
    best = None
    for key, value in choices.items():
        key_version = _coerce(key)
        if key_version <= version and (best is None or key_version > best[0]):
            best = (key_version, value)
    if best is None:
        raise ValueError(f"no choice for microversion {version.get_string()}")
    return best[1]
