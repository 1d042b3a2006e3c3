"""Flavor documents of the Compute API, as upstream shapes them up to 2.54.

``flavor_links`` is also what a server's ``flavor`` attribute uses before
2.47 (``{"id": ..., "links": flavor_links(req, flavorid)}``), so both
resources point at the same URLs.
"""

from nova.api.openstack import common

COLLECTION = "flavors"


def flavor_links(req, flavorid):
    """Return the self and bookmark links of flavor ``flavorid`` (its API id, str)."""
    return common.resource_links(req, COLLECTION, flavorid)


def summary(req, flavor):
    """Return the entry of ``GET /flavors``: {"id", "name", "links"}.

    :param flavor: an objects.Flavor.
    """
    return {"id": flavor.flavorid, "name": flavor.name,
            "links": flavor_links(req, flavor.flavorid)}


def detail(req, flavor):
    """Return a flavor as ``GET /flavors/{id}`` and ``/flavors/detail`` show it.

    Upstream's rules before 2.75: ``swap`` is "" (an empty string) when the
    flavor has no swap, otherwise MiB as an int; ``ram`` MiB, ``disk`` and
    ``OS-FLV-EXT-DATA:ephemeral`` GiB; ``rxtx_factor`` a float.
    """
    return {
        "id": flavor.flavorid,
        "name": flavor.name,
        "ram": flavor.memory_mb,
        "disk": flavor.root_gb,
        "vcpus": flavor.vcpus,
        "links": flavor_links(req, flavor.flavorid),
        "OS-FLV-DISABLED:disabled": flavor.disabled,
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral_gb,
        "os-flavor-access:is_public": flavor.is_public,
        "swap": flavor.swap or "",
        "rxtx_factor": flavor.rxtx_factor,
    }


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
