"""Image documents of the deprecated /images proxy (2.1-2.35), as upstream shapes them.

Images come from nova.image.glance in nova's internal shape (Glance's
fixed attributes at the top level, every other attribute in
``properties``); see translate_from_glance.
"""

import urllib.parse

from oslo_utils import strutils

import nova.conf
from nova.api.openstack import common

CONF = nova.conf.CONF

COLLECTION = "images"

#: Glance status -> the Compute API's image status.
STATUS = {"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING", "deleted": "DELETED",
          "pending_delete": "DELETED", "killed": "ERROR"}

#: Glance status -> progress percentage.
PROGRESS = {"queued": 25, "saving": 50, "active": 100}

#: Glance's default port, for the alternate link when nothing better is known.
GLANCE_PORT = 9292


def glance_url(req):
    """Return the base URL of the Image service for "alternate" links.

    [glance] endpoint_override when set, else the "image" endpoint of the
    caller's service catalog, else Glance's default port on the API's own
    host; [api] glance_link_prefix then replaces scheme, host and port.
    """
    url = CONF.glance.endpoint_override
    if not url:
        url = _catalog_url(req.context)
    if not url:
        host = urllib.parse.urlsplit(req.host_url).hostname or "localhost"
        url = f"{req.scheme}://{host}:{GLANCE_PORT}"
    return common.update_link_prefix(url.rstrip("/"), CONF.api.glance_link_prefix)


def _catalog_url(context):
    for service in getattr(context, "service_catalog", None) or []:
        if service.get("type") != "image":
            continue
        for endpoint in service.get("endpoints", []):
            if endpoint.get("interface", "public") == "public" or "publicURL" in endpoint:
                return endpoint.get("url") or endpoint.get("publicURL")
    return None


def links(req, image_id):
    """Return self, bookmark and the "alternate" link to the image in Glance."""
    return common.resource_links(req, COLLECTION, image_id) + [{
        "rel": "alternate", "type": "application/vnd.openstack.image",
        "href": f"{glance_url(req)}/{COLLECTION}/{image_id}"}]


def _date(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def summary(req, image):
    """Return {"id", "name", "links"} of one image."""
    return {"id": image["id"], "name": image.get("name"), "links": links(req, image["id"])}


def detail(req, image):
    """Return the detailed image document.

    :param image: nova's image dict.
    :returns: {id, name, minRam (MiB), minDisk (GiB), metadata, created,
        updated, status, progress, links, OS-EXT-IMG-SIZE:size (bytes)[, server]
        [, OS-DCF:diskConfig]}; ``server`` names the server a snapshot was
        taken from (its ``instance_uuid`` property).
    """
    properties = image.get("properties") or {}
    status = image.get("status")
    body = {
        "id": image["id"],
        "name": image.get("name"),
        "minRam": int(image.get("min_ram") or 0),
        "minDisk": int(image.get("min_disk") or 0),
        "metadata": properties,
        "created": _date(image.get("created_at")),
        "updated": _date(image.get("updated_at")),
        "status": STATUS.get(status, "UNKNOWN"),
        "progress": PROGRESS.get(status, 0),
        "links": links(req, image["id"]),
    }
    body["OS-EXT-IMG-SIZE:size"] = image.get("size")
    server = properties.get("instance_uuid")
    if server is not None:
        body["server"] = {"id": server, "links": common.resource_links(req, "servers", server)}
    disk_config = properties.get("auto_disk_config")
    if disk_config is not None:
        body["OS-DCF:diskConfig"] = ("AUTO" if strutils.bool_from_string(disk_config)
                                     else "MANUAL")
    return body


def collection(req, entries, collection_path):
    """Return {"images": entries, "images_links"?} (next link when the page is full)."""
    body = {"images": entries}
    page_links = common.collection_links(req, entries, collection_path)
    if page_links:
        body["images_links"] = page_links
    return body
