"""Flavor documents of the Compute API, per microversion.

The detail document is a table (``DETAIL_FIELDS``: field, lowest and
highest microversion, policy rule, getter): 2.55 adds ``description`` (to
the summary too), 2.61 ``extra_specs`` for callers allowed to list them,
2.75 shows ``swap`` 0 instead of "" for a flavor without swap.

``flavor_links`` is also what a server's ``flavor`` attribute uses before
2.47 (``{"id": ..., "links": flavor_links(req, flavorid)}``), so both
resources point at the same URLs.
"""

from nova import policy
from nova.api.openstack import common
from nova.policies import flavor_extra_specs as fes_policies

COLLECTION = "flavors"


def flavor_links(req, flavorid):
    """Return the self and bookmark links of flavor ``flavorid`` (its API id, str)."""
    return common.resource_links(req, COLLECTION, flavorid)


_EXTRA_SPECS_INDEX = fes_policies.EXTRA_SPECS % "index"

#: (field, since, until, policy, getter(req, flavor)) of the summary.
SUMMARY_FIELDS = (
    ("id", "2.1", None, None, lambda _r, f: f.flavorid),
    ("name", "2.1", None, None, lambda _r, f: f.name),
    ("links", "2.1", None, None, lambda r, f: flavor_links(r, f.flavorid)),
    ("description", "2.55", None, None, lambda _r, f: f.description),
)

#: (field, since, until, policy, getter(req, flavor)) of the detail document.
#: ``ram`` MiB, ``disk`` and ``OS-FLV-EXT-DATA:ephemeral`` GiB, ``swap`` MiB.
DETAIL_FIELDS = SUMMARY_FIELDS + (
    ("ram", "2.1", None, None, lambda _r, f: f.memory_mb),
    ("disk", "2.1", None, None, lambda _r, f: f.root_gb),
    ("vcpus", "2.1", None, None, lambda _r, f: f.vcpus),
    ("OS-FLV-DISABLED:disabled", "2.1", None, None, lambda _r, f: f.disabled),
    ("OS-FLV-EXT-DATA:ephemeral", "2.1", None, None, lambda _r, f: f.ephemeral_gb),
    ("os-flavor-access:is_public", "2.1", None, None, lambda _r, f: f.is_public),
    ("swap", "2.1", "2.74", None, lambda _r, f: f.swap or ""),
    ("swap", "2.75", None, None, lambda _r, f: f.swap or 0),
    ("rxtx_factor", "2.1", None, None, lambda _r, f: f.rxtx_factor),
    ("extra_specs", "2.61", None, _EXTRA_SPECS_INDEX,
     lambda _r, f: dict(f.extra_specs or {})),
)


def _build(req, flavor, table):
    version = req.api_version_request
    body = {}
    for name, since, until, rule, getter in table:
        if not version.matches(since, until):
            continue
        if rule is not None and not policy.authorize(
                req.context, rule, target={"project_id": req.context.project_id},
                fatal=False):
            continue
        body[name] = getter(req, flavor)
    return body


def summary(req, flavor):
    """Return the entry of ``GET /flavors``: {"id", "name", "links", "description"?}.

    :param flavor: an objects.Flavor.
    """
    return _build(req, flavor, SUMMARY_FIELDS)


def detail(req, flavor):
    """Return a flavor as ``GET /flavors/{id}``, ``/flavors/detail`` and POST show it."""
    return _build(req, flavor, DETAIL_FIELDS)


def index(req, flavors, builder=summary, collection=COLLECTION):
    """Return ``{"flavors": [...]}`` plus ``flavors_links`` when the page is full.

    :param flavors: the flavors of this page (list of objects.Flavor).
    :param builder: ``summary`` or ``detail``.
    :param collection: path of the "next" link ("flavors" or "flavors/detail").
    """
    body = {"flavors": [builder(req, flavor) for flavor in flavors]}
    links = common.collection_links(req, flavors, collection, id_key="flavorid")
    if links:
        body["flavors_links"] = links
    return body


def access_list(flavor):
    """Return ``{"flavor_access": [{"flavor_id", "tenant_id"}, ...]}`` of a private flavor."""
    return {"flavor_access": [{"flavor_id": flavor.flavorid, "tenant_id": project_id}
                              for project_id in flavor.projects]}
