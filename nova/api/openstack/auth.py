"""Filters that put a nova RequestContext into the WSGI environ.

``NovaKeystoneContext`` runs after keystonemiddleware's auth_token and reads
the identity headers it sets; ``NoAuthMiddleware`` is the ``noauth2``
strategy for tests and development, trusting ``X-Auth-Token: user:project``.
Handlers find the context as ``req.context`` (nova.api.openstack.wsgi).
"""

import logging

import webob
import webob.exc
from oslo_serialization import jsonutils

import nova.conf
from nova import context, policy
from nova.api.openstack import middleware, wsgi

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF

#: Roles a noauth2 caller holds: "admin" gets the admin role too. Keystone's
#: default role hierarchy (admin implies member implies reader) puts the same
#: roles into real tokens, so policy defaults behave alike in both modes.
NOAUTH_ADMIN_ROLES = ("admin", "member", "reader")
NOAUTH_USER_ROLES = ("member", "reader")
#: Longest user or project id (the database columns' length).
MAX_ID_LENGTH = 255

#: Catalog entries kept on the context: those nova calls on the user's behalf
#: (the rest only makes every RPC message carrying the context longer).
CATALOG_SERVICE_TYPES = frozenset((
    "accelerator", "image", "key-manager", "network", "placement",
    "volume", "volumev2", "volumev3", "block-storage",
))


def remote_address(req):
    """Return the client address: X-Forwarded-For when [api] use_forwarded_for."""
    address = req.remote_addr
    if CONF.api.use_forwarded_for:
        address = req.headers.get("X-Forwarded-For", address)
    return address


def _request_ids(environ):
    # Set by oslo.middleware's RequestId filter earlier in the pipeline.
    return {
        "request_id": environ.get("openstack.request_id"),
        "global_request_id": environ.get("openstack.global_request_id"),
    }


def _with_policy_admin(ctx):
    """Set ``ctx.is_admin`` from the ``context_is_admin`` rule and return ctx.

    As upstream: an operator who redefines the administrator in policy.yaml
    changes every check of ``is_admin`` too (whose servers a look-up finds,
    who may act on a locked server), not only the rules built on it.
    """
    ctx.is_admin = policy.check_is_admin(ctx)
    return ctx


def _header_roles(req):
    """The roles of a noauth2 request's X-Roles header (lower case), or None."""
    raw = req.headers.get("X-Roles")
    if raw is None:
        return None
    return [role.strip().lower() for role in raw.split(",") if role.strip()]


class NoAuthMiddleware(middleware.Middleware):
    """``noauth2``: trust the token as ``user:project``; never for production.

    * ``X-Auth-Token: alice:p1`` -> user alice in project p1, roles
      member and reader.
    * ``X-Auth-Token: admin:p1`` -> user admin in p1, roles admin, member,
      reader (is_admin).
    * ``X-Auth-Token: bob`` (no colon) -> user bob in project bob.
    * ``X-Roles: reader`` (comma-separated) -> exactly those roles instead
      of the defaults above, so tests and development can act as every
      persona of the policy defaults (reader, member, manager, admin);
      the caller is an admin when "admin" is among them.
    * a user or project longer than MAX_ID_LENGTH -> 401 unauthorized.
    * no token -> 204 with ``X-Auth-Token: <X-Auth-User>:<X-Auth-Project-Id>``
      (defaults admin:admin) and ``X-Server-Management-Url``, the old
      "auth" handshake upstream's noauth2 answers.
    """

    def __call__(self, environ, start_response):
        req = wsgi.Request(environ)
        token = req.headers.get("X-Auth-Token")
        if not token:
            user_id = req.headers.get("X-Auth-User", "admin")
            project_id = req.headers.get("X-Auth-Project-Id", "admin")
            resp = webob.Response(status=204)
            resp.content_type = None
            resp.headers["X-Auth-Token"] = f"{user_id}:{project_id}"
            resp.headers["X-Server-Management-Url"] = req.application_url + "/"
            return resp(environ, start_response)
        user_id, _, project_id = token.partition(":")
        project_id = project_id or user_id
        if len(user_id) > MAX_ID_LENGTH or len(project_id) > MAX_ID_LENGTH:
            raise webob.exc.HTTPUnauthorized(
                explanation=f"Invalid noauth2 token: user and project ids are at most "
                            f"{MAX_ID_LENGTH} characters.")
        roles = _header_roles(req)
        if roles is None:
            roles = NOAUTH_ADMIN_ROLES if user_id == "admin" else NOAUTH_USER_ROLES
        environ[wsgi.ENV_CONTEXT] = _with_policy_admin(context.RequestContext(
            user_id=user_id, project_id=project_id, roles=list(roles),
            remote_address=remote_address(req), **_request_ids(environ)))
        return self.application(environ, start_response)


def _service_catalog(req):
    raw = req.headers.get("X-Service-Catalog")
    if not raw:
        return []
    try:
        catalog = jsonutils.loads(raw)
    except ValueError as exc:
        raise webob.exc.HTTPInternalServerError(
            explanation="Invalid service catalog json.") from exc
    return [entry for entry in catalog if entry.get("type") in CATALOG_SERVICE_TYPES]


class NovaKeystoneContext(middleware.Middleware):
    """Build the context from keystonemiddleware's headers.

    Reads X-User-Id (or X-User), X-Project-Id (or X-Tenant-Id), X-Roles,
    X-User-Name, X-Project-Name, X-Service-Catalog (JSON, filtered to
    CATALOG_SERVICE_TYPES), the service token headers, and the auth plugin
    auth_token leaves in ``keystone.token_auth`` (used to call other
    services as the user).

    :raises webob.exc.HTTPUnauthorized: no user id header (auth_token did
        not run or let an anonymous request through).
    """

    def __call__(self, environ, start_response):
        req = wsgi.Request(environ)
        user_id = req.headers.get("X-User-Id") or req.headers.get("X-User")
        if user_id is None:
            LOG.debug("Neither X-User-Id nor X-User found in request")
            raise webob.exc.HTTPUnauthorized()
        environ[wsgi.ENV_CONTEXT] = _with_policy_admin(context.RequestContext.from_environ(
            environ,
            user_id=user_id,
            project_id=req.headers.get("X-Project-Id") or req.headers.get("X-Tenant-Id"),
            remote_address=remote_address(req),
            service_catalog=_service_catalog(req),
            user_auth_plugin=environ.get("keystone.token_auth"),
            **_request_ids(environ)))
        return self.application(environ, start_response)
