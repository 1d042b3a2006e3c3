"""Client of the Image service (Glance API v2).

nova-api reads images (GET /images, the image of a new server), nova-compute
downloads them into its image cache, and the tools and tests create and
upload them. Requests go through one keystoneauth1 Adapter built from the
[glance] options, or handed in by the caller.

Authentication: a request for a user carries the user's own token
(``context.auth_token``), as upstream nova does, plus nova's service token
when ``[service_user] send_service_user_token`` is set (nova.service_auth).
A request without a user token (periodic tasks) is authenticated by the
auth plugin [glance] configures (auth_type), which also finds Glance in the
service catalog when there is no endpoint_override. Against a Glance
without Keystone (tools/services/glance.sh) any token, or none, works::

    [glance]
    endpoint_override = http://127.0.0.1:9292

Image metadata is returned in nova's internal shape (upstream's rule):
Glance's fixed attributes stay at the top level, ``created_at`` and
``updated_at`` become datetimes, and every other attribute (kernel_id,
ramdisk_id, hw_* and the like) moves into a ``properties`` dict.
"""

import hashlib
import logging
import os
import tempfile
import urllib.parse

import requests
from keystoneauth1 import exceptions as ks_exc
from oslo_utils import timeutils

import nova.conf
from nova import exception, service_auth
from nova.conf import ksa as conf_ksa

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

#: Bytes read from the network and written to disk at a time.
CHUNK_SIZE = 64 * 1024

#: Images asked from Glance per page when listing (Glance caps it at its
#: api_limit_max, 1000 by default).
PAGE_SIZE = 100

#: Attributes Glance defines for every image; they stay at the top level.
IMAGE_ATTRIBUTES = (
    "id", "name", "status", "visibility", "protected", "os_hidden", "owner",
    "disk_format", "container_format", "size", "virtual_size", "checksum",
    "os_hash_algo", "os_hash_value", "min_disk", "min_ram", "tags",
    "created_at", "updated_at",
)

#: Attributes that describe the API or the store rather than the image.
IGNORED_ATTRIBUTES = ("self", "file", "schema", "stores", "locations", "direct_url")

#: Attributes Glance sets itself; create() never sends them.
READ_ONLY_ATTRIBUTES = (
    "id", "status", "size", "virtual_size", "checksum", "os_hash_algo",
    "os_hash_value", "created_at", "updated_at", "deleted",
    "deleted_at", "is_public",
)

#: Content type of Glance v2's JSON patch (PATCH /v2/images/{id}).
JSON_PATCH_TYPE = "application/openstack-images-v2.1-json-patch"


def get_glance_adapter(conf=CONF):
    """Build the keystoneauth1 Adapter for Glance from ``conf.glance``.

    :param conf: an oslo.config ConfigOpts with the [glance] group
        registered (nova.conf.CONF by default).
    :returns: keystoneauth1.adapter.Adapter (raise_exc=False) whose auth is
        the configured plugin, or None when auth_type is unset.
    """
    return conf_ksa.load_adapter(conf, "glance")


def translate_from_glance(image):
    """Turn a Glance v2 image document into nova's image metadata dict.

    :param image: the JSON object Glance answers for one image.
    :returns: {"id", "name", "status", "disk_format", "container_format",
        "size" (bytes or None before upload), "virtual_size", "checksum"
        (md5 hex), "os_hash_algo", "os_hash_value", "min_disk" (GiB),
        "min_ram" (MiB), "owner", "visibility", "is_public", "protected",
        "os_hidden", "tags", "created_at"/"updated_at" (datetime), "deleted"
        (False), "deleted_at" (None), "properties": {every other attribute,
        e.g. "kernel_id", "ramdisk_id", "hw_disk_bus"}}.
    """
    meta = {name: image.get(name) for name in IMAGE_ATTRIBUTES}
    for name in ("created_at", "updated_at"):
        if isinstance(meta[name], str):
            meta[name] = timeutils.parse_isotime(meta[name])
    meta["tags"] = list(meta["tags"] or [])
    meta["is_public"] = meta["visibility"] == "public"
    meta["deleted"] = False
    meta["deleted_at"] = None
    meta["properties"] = {
        key: value for key, value in image.items()
        if key not in IMAGE_ATTRIBUTES and key not in IGNORED_ATTRIBUTES
    }
    return meta


def translate_to_glance(image_meta):
    """Turn nova's image metadata into the body of POST /v2/images.

    Properties become top-level attributes (Glance v2 has no nesting);
    read-only and None values are dropped. ``owner`` is sent when given
    (a snapshot belongs to the server's project, as upstream).
    """
    body = {key: value for key, value in image_meta.items()
            if key != "properties" and key not in READ_ONLY_ATTRIBUTES
            and value is not None}
    body.update((key, value) for key, value in (image_meta.get("properties") or {}).items()
                if value is not None)
    return body


def _hasher_for(image):
    """Return (hashlib object, algorithm name, expected hex digest) or (None, None, None).

    Glance's multihash (os_hash_algo/os_hash_value, sha512 by default) is
    preferred; the legacy md5 ``checksum`` is the fallback for images
    uploaded before multihash existed.
    """
    algo, value = image.get("os_hash_algo"), image.get("os_hash_value")
    if algo and value:
        try:
            return hashlib.new(algo), algo, value
        except ValueError:
            LOG.warning("Image %s uses hash algorithm %s that this host lacks; "
                        "falling back to its md5 checksum", image.get("id"), algo)
    if image.get("checksum"):
        return hashlib.md5(usedforsecurity=False), "md5", image["checksum"]
    return None, None, None


class GlanceImageService:
    """Glance API v2 client: show, detail, download, create, update, upload, delete.

    :param adapter: a keystoneauth1 Adapter for the image service, e.g.
        ``Adapter(Session(), service_type="image",
        endpoint_override="http://127.0.0.1:9292")``; None builds one from
        CONF.glance with get_glance_adapter().

    Every method raises GlanceConnectionFailed when Glance cannot be
    reached, ImageNotFound on 404, ImageNotAuthorized on 401/403,
    ImageBadRequest on 400 and ImageServiceError on other failures.
    """

    def __init__(self, adapter=None):
        self._adapter = adapter if adapter is not None else get_glance_adapter()

    # -- plumbing ---------------------------------------------------------

    def _request(self, context, method, url, image_id=None, **kwargs):
        headers = kwargs.pop("headers", {})
        global_id = getattr(context, "global_id", None)
        if global_id:
            kwargs["global_request_id"] = global_id
        try:
            token = getattr(context, "auth_token", None)
            if token:
                # The user's own token: Glance decides what this user may
                # see. The adapter's auth plugin, if any, then only finds
                # the endpoint in the catalog; it authenticates requests
                # without a user (periodic tasks, nova-manage).
                headers["X-Auth-Token"] = token
                headers.update(service_auth.service_token_headers())
                kwargs["authenticated"] = False
            resp = self._adapter.request(url, method, headers=headers, raise_exc=False,
                                         **kwargs)
        except (ks_exc.EndpointNotFound, ks_exc.ConnectFailure, ks_exc.ConnectTimeout,
                ks_exc.DiscoveryFailure, ks_exc.MissingAuthPlugin,
                ks_exc.Unauthorized) as e:
            # Unauthorized: Keystone refused nova's own credentials (the
            # adapter's or the service user's), not the user's token.
            server = self._adapter.endpoint_override or "(service catalog)"
            raise exception.GlanceConnectionFailed(server=server, reason=str(e)) from e
        if resp.status_code >= 400:
            self._raise_for(resp, image_id)
        return resp

    @staticmethod
    def _raise_for(resp, image_id):
        text = resp.text[:500]
        if resp.status_code in (401, 403):
            raise exception.ImageNotAuthorized(image_id=image_id)
        if resp.status_code == 404:
            raise exception.ImageNotFound(image_id=image_id)
        if resp.status_code == 400:
            raise exception.ImageBadRequest(image_id=image_id, response=text)
        raise exception.ImageServiceError(image_id=image_id,
                                          reason=f"{resp.status_code} {text}")

    # -- reading ----------------------------------------------------------

    def show(self, context, image_id):
        """Return the metadata of one image (see translate_from_glance).

        GET /v2/images/{image_id}.

        :raises ImageNotFound: no such image (or not visible to the caller).
        """
        resp = self._request(context, "GET", f"/v2/images/{image_id}", image_id)
        return translate_from_glance(resp.json())

    def detail(self, context, limit=None, marker=None, page_size=PAGE_SIZE, **filters):
        """Return images as a list of metadata dicts, newest first by default.

        GET /v2/images, following Glance's ``next`` links page by page.

        :param limit: at most this many images; None lists them all.
        :param marker: the id of the last image of the previous page; the
            list starts after it. An unknown marker raises ImageBadRequest
            (Glance answers 400).
        :param page_size: images asked per request.
        :param filters: passed as query parameters, e.g. name, status,
            visibility, sort_key, sort_dir, sort, tag, or a property such as
            kernel_id; values "in:a,b" and "gte:..." follow Glance's syntax.
        :returns: list of dicts as translate_from_glance().
        """
        images = []
        params = {key: value for key, value in filters.items() if value is not None}
        if marker:
            params["marker"] = marker
        url = "/v2/images"
        while True:
            wanted = page_size if limit is None else min(page_size, limit - len(images))
            params["limit"] = wanted
            resp = self._request(context, "GET", url + "?" + urllib.parse.urlencode(params),
                                 marker)
            data = resp.json()
            page = data.get("images", [])
            images.extend(translate_from_glance(image) for image in page)
            if limit is not None and len(images) >= limit:
                return images[:limit]
            next_link = data.get("next")
            if not next_link or not page:
                return images
            # Glance's next link carries the marker (and our filters) already.
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(next_link).query)
            params = {key: values[-1] for key, values in query.items()}

    def download(self, context, image_id, dst_path):
        """Stream an image's data into ``dst_path``, verifying its hash.

        GET /v2/images/{image_id} for the expected hash, then
        GET /v2/images/{image_id}/file, written in CHUNK_SIZE pieces to a
        temporary file beside ``dst_path`` which is renamed over it only
        once the hash matches, so a reader never sees a partial or corrupt
        image. The data are hashed with os_hash_algo (checked against
        os_hash_value) or, for images without multihash, md5 against
        checksum. Connection failures and 5xx answers are retried
        [glance] num_retries times.

        :param dst_path: where the image goes (its directory must exist).
        :returns: the image metadata (as show()).
        :raises ImageNotFound: no such image.
        :raises ImageNotActive: the image has no data yet (not "active").
        :raises ImageChecksumMismatch: the data do not match the hash; the
            destination is left untouched.
        """
        image = self.show(context, image_id)
        if image["status"] != "active":
            raise exception.ImageNotActive(image_id=image_id, status=image["status"])
        attempts = 1 + max(CONF.glance.num_retries, 0)
        for attempt in range(1, attempts + 1):
            try:
                self._download_once(context, image, dst_path)
                return image
            except (exception.GlanceConnectionFailed, exception.ImageServiceError) as e:
                if attempt == attempts:
                    raise
                LOG.warning("Download of image %s failed (attempt %d of %d): %s",
                            image_id, attempt, attempts, e)

    def _download_once(self, context, image, dst_path):
        image_id = image["id"]
        hasher, algo, expected = _hasher_for(image)
        resp = self._request(context, "GET", f"/v2/images/{image_id}/file", image_id,
                             stream=True)
        if resp.status_code == 204:
            raise exception.ImageNotActive(image_id=image_id, status=image["status"])
        directory = os.path.dirname(os.path.abspath(dst_path))
        fd, tmp_path = tempfile.mkstemp(prefix=".download-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                try:
                    for chunk in resp.iter_content(chunk_size=CHUNK_SIZE):
                        if hasher is not None:
                            hasher.update(chunk)
                        f.write(chunk)
                except (requests.exceptions.ConnectionError,
                        requests.exceptions.ChunkedEncodingError) as e:
                    # The connection broke mid-body: retryable like a refusal.
                    raise exception.GlanceConnectionFailed(
                        server=self._adapter.endpoint_override or "(service catalog)",
                        reason=str(e)) from e
                f.flush()
                os.fsync(f.fileno())
            if hasher is not None and hasher.hexdigest() != expected:
                raise exception.ImageChecksumMismatch(
                    image_id=image_id, algorithm=algo, actual=hasher.hexdigest(),
                    expected=expected)
            if hasher is None:
                LOG.warning("Image %s has no checksum; its data were not verified", image_id)
            os.replace(tmp_path, dst_path)
        except BaseException:
            try:
                os.unlink(tmp_path)
            except FileNotFoundError:
                pass
            raise
        finally:
            resp.close()

    # -- writing ----------------------------------------------------------

    def create(self, context, image_meta, data=None):
        """Create an image record and, when ``data`` is given, upload it.

        POST /v2/images, then upload(). Used by snapshots, the quickstart
        and the tests.

        :param image_meta: {"name", "disk_format", "container_format",
            "visibility", "min_disk", "min_ram", "id" (ignored), ...,
            "properties": {extra attributes}}; top-level extra attributes
            are sent as properties too.
        :param data: None (an empty "queued" image), a file path, or a
            binary file object.
        :returns: the image metadata after creation (and upload).
        """
        resp = self._request(context, "POST", "/v2/images", None,
                             json=translate_to_glance(image_meta))
        image = translate_from_glance(resp.json())
        if data is None:
            return image
        return self.upload(context, image["id"], data)

    def upload(self, context, image_id, data):
        """Upload the data of an image created without them.

        PUT /v2/images/{image_id}/file as application/octet-stream, streamed
        from the file (Glance computes the checksum and multihash).

        :param data: a file path or a binary file object.
        :returns: the image metadata after upload (status "active").
        :raises ImageNotFound: no such image.
        :raises ImageServiceError: Glance refused the data (e.g. 409 when
            the image already has data).
        """
        headers = {"Content-Type": "application/octet-stream"}
        if isinstance(data, (str, os.PathLike)):
            with open(data, "rb") as f:
                headers["Content-Length"] = str(os.fstat(f.fileno()).st_size)
                self._request(context, "PUT", f"/v2/images/{image_id}/file", image_id,
                              headers=headers, data=f)
        else:
            self._request(context, "PUT", f"/v2/images/{image_id}/file", image_id,
                          headers=headers, data=data)
        return self.show(context, image_id)

    def update(self, context, image_id, image_meta, data=None):
        """Set attributes of an image and, when ``data`` is given, upload its data.

        PATCH /v2/images/{image_id} (a JSON patch: "replace" for attributes
        the image has, "add" for new properties), then upload(). Snapshots
        use it: nova-api creates the image queued, without formats, and
        nova-compute sets disk_format and container_format with the data,
        as Glance needs both before it accepts data.

        :param image_meta: attributes and "properties" to set (as create()).
        :param data: None, a file path or a binary file object.
        :returns: the image metadata afterwards (as show()).
        :raises ImageNotFound: no such image.
        :raises ImageBadRequest: Glance refused a value (400).
        """
        changes = translate_to_glance(image_meta)
        if changes:
            current = self._request(context, "GET", f"/v2/images/{image_id}",
                                    image_id).json()
            patch = [{"op": "replace" if key in current else "add", "path": f"/{key}",
                      "value": value} for key, value in changes.items()]
            self._request(context, "PATCH", f"/v2/images/{image_id}", image_id,
                          headers={"Content-Type": JSON_PATCH_TYPE}, json=patch)
        if data is not None:
            return self.upload(context, image_id, data)
        return self.show(context, image_id)

    def remove_properties(self, context, image_id, keys):
        """Remove the properties ``keys`` (iterable of str) from an image.

        PATCH /v2/images/{image_id} with one "remove" per key; keys the
        image does not have are skipped. Returns the image as show().

        :raises ImageNotFound: no such image.
        :raises ImageNotAuthorized: the caller may not change it.
        """
        current = self._request(context, "GET", f"/v2/images/{image_id}", image_id).json()
        patch = [{"op": "remove", "path": f"/{key}"} for key in keys if key in current]
        if patch:
            self._request(context, "PATCH", f"/v2/images/{image_id}", image_id,
                          headers={"Content-Type": JSON_PATCH_TYPE}, json=patch)
        return self.show(context, image_id)

    def delete(self, context, image_id):
        """Delete an image. DELETE /v2/images/{image_id}.

        :raises ImageNotFound: no such image.
        """
        self._request(context, "DELETE", f"/v2/images/{image_id}", image_id)

