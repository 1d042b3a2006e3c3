"""The metadata service's WSGI application.

``MetadataApp`` answers GET and HEAD (and POST to the password document):
"/" lists the EC2 versions without asking who is calling; every other path
is about the calling instance, named by a metadata proxy's signed headers
(see ``proxy``) when [neutron] service_metadata_proxy is set. Without the
proxy the caller is the server holding the fixed IP the request comes from
(the built-in network service knows; the compute host's redirect of
169.254.169.254 keeps the guest's source address); an address no server
holds answers 404.

Status codes, as upstream: 400 missing proxy header, 403 bad signature,
404 unknown instance / project mismatch / unknown path, 409 password already
set, 500 failed look-up. 405 for other methods (upstream's handler has no
method check; guests only GET, so this changes nothing for them).
"""

import webob
import webob.exc
from oslo_log import log as logging

import nova.conf
from nova.api.metadata import cache as cache_mod
from nova.api.metadata import instance_data, password, proxy, source, versions

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

_READ_METHODS = ("GET", "HEAD")

#: Instances whose metadata one process keeps at most.
CACHE_SIZE = 1024


class MetadataApp:
    """WSGI app serving instance metadata.

    :param conf: ConfigOpts with [api] and [neutron]
        (service_metadata_proxy, metadata_proxy_shared_secret).
    :param instance_source: object with ``get_instance(uuid)`` ->
        Instance or None, ``get_instance_uuid_by_address(address)`` -> uuid
        or None and ``save_system_metadata(uuid, items)`` -> bool;
        ``source.InstanceSource(conf)`` by default.
    """

    def __init__(self, conf=CONF, instance_source=None):
        self._conf = conf
        self._source = instance_source or source.InstanceSource(conf)
        self._cache = cache_mod.TTLCache(conf.api.metadata_cache_expiration,
                                         max_size=CACHE_SIZE)

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        try:
            resp = self._respond(req)
        except webob.exc.HTTPException as e:
            resp = e
        return resp(environ, start_response)

    def _respond(self, req):
        path = req.path_info or "/"
        if req.method not in (*_READ_METHODS, "POST"):
            raise webob.exc.HTTPMethodNotAllowed(
                headers=[("Allow", "GET, HEAD")])
        if path.strip("/") == "":
            if req.method == "POST":
                raise webob.exc.HTTPMethodNotAllowed(headers=[("Allow", "GET, HEAD")])
            return _text(instance_data.render(versions.listing(versions.EC2_VERSIONS)))

        meta = self._caller_metadata(req)
        try:
            data, content_type = meta.lookup(path)
        except instance_data.InvalidMetadataPath:
            raise webob.exc.HTTPNotFound() from None
        if data is instance_data.PASSWORD:
            return self._password(req, meta)
        if req.method == "POST":
            raise webob.exc.HTTPMethodNotAllowed(headers=[("Allow", "GET, HEAD")])
        return _text(instance_data.render(data), content_type)

    # -- who is asking ------------------------------------------------------------

    def _caller_metadata(self, req):
        """The InstanceMetadata of the requesting instance.

        :raises webob.exc.HTTPException: 400, 403, 404 or 500 (see module doc).
        """
        if not self._conf.neutron.service_metadata_proxy:
            if req.headers.get(proxy.INSTANCE_ID_HEADER):
                LOG.warning("X-Instance-ID present in request headers; set "
                            "[neutron] service_metadata_proxy to accept it")
            return self._metadata_by_address(req.remote_addr)
        try:
            claim = proxy.parse(req.headers)
        except proxy.BadProxyRequest as e:
            raise webob.exc.HTTPBadRequest(explanation=str(e)) from None
        secret = self._conf.neutron.metadata_proxy_shared_secret
        if not proxy.signature_matches(claim.instance_id, claim.signature, secret):
            LOG.warning("X-Instance-ID-Signature %s does not match the expected value "
                        "for instance %s (request from %s)", claim.signature,
                        claim.instance_id, claim.address or req.remote_addr)
            raise webob.exc.HTTPForbidden(explanation="Invalid proxy request signature.")
        meta = self._metadata_for(claim.instance_id, claim.address)
        if meta is None:
            LOG.error("Failed to get metadata for instance id: %s", claim.instance_id)
            raise webob.exc.HTTPNotFound()
        if meta.instance.project_id != claim.tenant_id:
            LOG.warning("Tenant id %s does not match the project of instance %s",
                        claim.tenant_id, claim.instance_id)
            raise webob.exc.HTTPNotFound()
        return meta

    def _metadata_by_address(self, address):
        """The InstanceMetadata of the server holding fixed IP ``address``.

        :raises webob.exc.HTTPNotFound: no server holds it.
        :raises webob.exc.HTTPInternalServerError: the databases failed.
        """
        try:
            instance_uuid = self._source.get_instance_uuid_by_address(address)
        except Exception:
            LOG.exception("Failed to find the instance of fixed IP %s", address)
            raise webob.exc.HTTPInternalServerError(
                explanation="An unknown error has occurred. Please try your request "
                            "again.") from None
        meta = self._metadata_for(instance_uuid, address) if instance_uuid else None
        if meta is None:
            LOG.info("No instance holds fixed IP %s", address)
            raise webob.exc.HTTPNotFound()
        return meta

    def _metadata_for(self, instance_uuid, address):
        """Cached InstanceMetadata of ``instance_uuid``, or None when unknown.

        :raises webob.exc.HTTPInternalServerError: the databases failed.
        """
        meta = self._cache.get(instance_uuid)
        if meta is not None:
            return meta
        try:
            instance = self._source.get_instance(instance_uuid)
        except Exception:
            LOG.exception("Failed to get metadata for instance id: %s", instance_uuid)
            raise webob.exc.HTTPInternalServerError(
                explanation="An unknown error has occurred. Please try your request "
                            "again.") from None
        if instance is None:
            return None
        # network_data.json describes the NICs the network service gave it.
        cache = instance.info_cache if instance.obj_attr_is_set("info_cache") else None
        network_info = (cache.network_info if cache is not None else None) or []
        meta = instance_data.InstanceMetadata(instance, address, self._conf,
                                              network_info=network_info)
        self._cache.set(instance_uuid, meta)
        return meta

    # -- the password document ----------------------------------------------------

    def _password(self, req, meta):
        """GET: the stored password text. POST: store the body once (409 after)."""
        if req.method in _READ_METHODS:
            return _text(meta.password)
        if meta.password:
            raise webob.exc.HTTPConflict()
        body = req.body
        if len(body) > password.MAX_SIZE:
            raise webob.exc.HTTPBadRequest(explanation="Request is too large.")
        try:
            text = body.decode("ascii")
        except UnicodeDecodeError:
            raise webob.exc.HTTPBadRequest(
                explanation="The password must be ASCII text.") from None
        try:
            saved = self._source.save_system_metadata(
                meta.uuid, password.password_chunks(text))
        except Exception:
            LOG.exception("Failed to save the password of instance %s", meta.uuid)
            raise webob.exc.HTTPInternalServerError() from None
        if not saved:
            raise webob.exc.HTTPBadRequest(explanation=f"Instance {meta.uuid} not found.")
        self._cache.delete(meta.uuid)
        return _text("")


def _text(body, content_type=instance_data.TEXT_PLAIN):
    """A 200 response with ``body`` (str or bytes) of ``content_type``."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    resp = webob.Response(body=body, content_type=content_type)
    if content_type == instance_data.TEXT_PLAIN:
        # Guests get the bytes as stored (user data is often not text at all).
        resp.charset = None
    return resp


def app_factory(global_config=None, **local_config):
    """PasteDeploy app factory: a MetadataApp on the global CONF."""
    return MetadataApp(CONF)
