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
* 2.38 - an unknown ``status`` filter on the server list is 400.
* 2.39 - /limits loses ``maxImageMeta``.
* 2.40 - os-simple-tenant-usage pages (route not served here).
* 2.41 - aggregates show their ``uuid``.
* 2.42 - ``tag`` on networks and block devices at create again (accepted;
  device tags reach no metadata yet).
* 2.43 - os-hosts ends (404; route not served here).
* 2.44 - nova-network proxy actions end (owned by the networks issue).
* 2.45 - createImage/createBackup answer ``{"image_id"}``, no Location.
* 2.46 - X-OpenStack-Request-ID (always sent here).
* 2.47 - servers embed their flavor's sizes (and extra_specs by policy).
* 2.48 - standard diagnostics (route not served here).
* 2.49 - tagged interface/volume attach (routes not served here).
* 2.50 - quota classes show server groups, lose network quotas.
* 2.51 - instance action events for every reader; volume-extended event.
* 2.52 - tags at server create.
* 2.53 - os-services and os-hypervisors by uuid; PUT /os-services/{uuid}.
* 2.54 - rebuild sets ``key_name``.
* 2.55 - flavors have a ``description``; PUT /flavors/{id}.
* 2.56 - migrate to a host (owned by the moves issue).
* 2.57 - no personality; user_data on rebuild; limits/quotas lose injected files.
* 2.58 - instance actions page, changes-since, ``updated_at``.
* 2.59 - os-migrations pages (owned by the moves issue).
* 2.60 - multiattach volumes (no volume service here).
* 2.61 - flavors show ``extra_specs`` by policy.
* 2.62 - instance action events show ``host``/``hostId``.
* 2.63 - ``trusted_image_certificates`` on create and in server bodies (kept,
  not verified: no image signature verification here); on rebuild it is
  the server actions issue's.
* 2.64 - server groups have ``policy`` and ``rules``.
* 2.65 - abort queued live migrations (owned by the moves issue).
* 2.66 - ``changes-before`` filter.
* 2.67 - ``volume_type`` in block device mappings (no volume service here).
* 2.68 - no forced live migration/evacuate (owned by the moves issue).
* 2.69 - minimal bodies for down cells (no change: a down cell is left out).
* 2.70 - device tags on volume attachments/interfaces (routes not served here).
* 2.71 - server bodies (show, update, rebuild) list ``server_groups``.
* 2.72 - ports with resource requests (owned by the networks issue).
* 2.73 - lock with ``locked_reason``; server bodies show it; ``locked`` filter.
* 2.74 - ``host``/``hypervisor_hostname`` at create.
* 2.75 - 400 for unknown query parameters (flavors, key pairs, limits,
  services, server groups, hypervisors); full server bodies from update and
  rebuild; flavor ``swap`` 0; hypervisors always show ``servers``.
* 2.76 - power-update external event (route not served here).
* 2.77 - unshelve to a zone.
* 2.78 - server topology (route not served here).
* 2.79 - delete_on_termination on volume attach (no volume service here).
* 2.80 - os-migrations filters (owned by the moves issue).
* 2.81 - aggregate image caching (owned by the aggregates issue).
* 2.82 - accelerator-request-bound event (route not served here).
* 2.83 - users may filter servers by availability_zone, user_id, vm_state
  and task_state (key_name, config_drive, the dates, power_state and
  progress are not filters here yet: issue 11's filter table).
* 2.84 - instance action events show ``details``.
* 2.85 - update volume attachment (no volume service here).
* 2.86 - flavor extra specs validated (not yet: issue 11).
* 2.87 - stable-device rescue of volume-backed servers (no volume service here).
* 2.88 - hypervisors lose resource fields, statistics and uptime routes; show
  carries ``uptime``.
* 2.89 - volume attachment ids (no volume service here).
* 2.90 - ``hostname`` at create, update and rebuild; every user sees it.
* 2.91 - unshelve to a host.
* 2.92 - key pairs are imported only; names may hold ``@`` and ``.``.
* 2.93 - rebuild of volume-backed servers (no volume service here).
* 2.94 - ``hostname`` may be a FQDN (create and update; rebuild is the server
  actions issue's).
* 2.95 - evacuate keeps a stopped server stopped (owned by the moves issue).
* 2.96 - server bodies show ``pinned_availability_zone``.
* 2.97 - server shares (route not served here).
* 2.98 - the embedded image carries its ``properties``.
* 2.99 - spice-direct consoles.
* 2.100 - server bodies show ``scheduler_hints``.
* 2.101 - 2.103 - not confirmed against the api-ref yet (issue 11); nothing
  applied for them.
* 2.104 - PUT /servers/{id} sets or clears ``pinned_availability_zone``.

Entries whose route another issue owns are that issue's to implement; the
rest are applied by the views, schemas and version ranges of the routes.
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
MAX_API_VERSION = "2.104"
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
