"""/os-keypairs: import, generate, list, show and delete a user's key pairs.

Microversions (upstream's): 2.1 create answers 200 and delete 202, there is
no ``type``; 2.2 adds ``type`` ("ssh" or "x509"), create answers 201 and
delete 204; 2.10 lets an administrator name another user (``user_id`` in
the body or the query); 2.35 pages the list with ``limit``/``marker`` and
``keypairs_links``; 2.75 refuses unknown query parameters; 2.92 imports
only (``public_key`` required, 400 without) and accepts ``@`` and ``.``
in names.
"""

import string

import webob.exc

from nova import crypto, exception, objects, policy, quota
from nova.api import validation
from nova.api.openstack import common, wsgi
from nova.api.openstack.compute.schemas import keypairs as schema
from nova.api.openstack.compute.views import keypairs as views
from nova.objects import keypair as keypair_obj
from nova.policies import keypairs as kp_policies

#: Characters a key pair name may hold (upstream's rule before 2.92).
NAME_CHARACTERS = frozenset("_- " + string.digits + string.ascii_letters)


def validate_name(name):
    """Refuse names upstream refuses before 2.92.

    :raises nova.exception.InvalidKeypair: (400) a character outside
        NAME_CHARACTERS or a length outside 1-255.
    """
    if any(char not in NAME_CHARACTERS for char in name):
        raise exception.InvalidKeypair(reason="Keypair name contains unsafe characters")
    if not 1 <= len(name) <= 255:
        raise exception.InvalidKeypair(
            reason="Keypair name must be string and between 1 and 255 characters long")


def check_quota(context, user_id):
    """Refuse a key pair beyond the ``key_pairs`` limit of ``user_id``.

    The limit is the user's own (os-quota-sets?user_id=) or else the
    caller's project's.

    :raises webob.exc.HTTPForbidden: "Quota exceeded, too many key pairs."
    """
    limit = quota.get_user_limits(context, context.project_id, user_id)["key_pairs"]
    if limit < 0:
        return
    if objects.KeyPairList.get_count_by_user(context, user_id) + 1 > limit:
        raise webob.exc.HTTPForbidden(explanation="Quota exceeded, too many key pairs.")


def _fingerprint(key_type, public_key):
    if key_type == keypair_obj.KEYPAIR_TYPE_X509:
        return crypto.x509_fingerprint(public_key)
    return crypto.ssh_fingerprint(public_key)


def _generate(key_type, user_id):
    if key_type == keypair_obj.KEYPAIR_TYPE_X509:
        return crypto.generate_x509_key_pair(user_id)
    return crypto.generate_ssh_key_pair()


class KeypairController:
    """Handlers of /os-keypairs; key pairs live in the API database."""

    def _authorize(self, req, action, user_id):
        policy.authorize(req.context, kp_policies.KEYPAIRS % action,
                         target={"user_id": user_id})

    def _create(self, req, spec, with_type, check_name=True):
        context = req.context
        user_id = spec.get("user_id") or context.user_id
        key_type = spec.get("type", keypair_obj.KEYPAIR_TYPE_SSH)
        self._authorize(req, "create", user_id)
        name = spec["name"]
        if check_name:
            validate_name(name)
        check_quota(context, user_id)
        private_key = None
        public_key = spec.get("public_key")
        if public_key is None:
            private_key, public_key, fingerprint = _generate(key_type, user_id)
        else:
            fingerprint = _fingerprint(key_type, public_key)
        keypair = objects.KeyPair(context=context, name=name, user_id=user_id,
                                  public_key=public_key, fingerprint=fingerprint,
                                  type=key_type)
        keypair.create()
        return views.create(keypair, with_type, private_key)

    @wsgi.api_version("2.1", "2.1")
    @wsgi.response(200)
    @validation.schema(schema.create)
    def create(self, req, body):
        """POST /os-keypairs (2.1): import ``public_key`` or generate a key pair."""
        return self._create(req, body["keypair"], with_type=False)

    @create.add_version("2.2", "2.9")
    @wsgi.response(201)
    @validation.schema(schema.create_v22)
    def create(self, req, body):  # noqa: F811
        """POST /os-keypairs (2.2-2.9): also ``type``; answers 201."""
        return self._create(req, body["keypair"], with_type=True)

    @create.add_version("2.10", "2.91")
    @wsgi.response(201)
    @validation.schema(schema.create_v210)
    def create(self, req, body):  # noqa: F811
        """POST /os-keypairs (2.10-2.91): an administrator may give ``user_id``."""
        return self._create(req, body["keypair"], with_type=True)

    @create.add_version("2.92")
    @wsgi.response(201)
    @validation.schema(schema.create_v292)
    def create(self, req, body):  # noqa: F811
        """POST /os-keypairs (2.92+): import only; the schema checks the name."""
        return self._create(req, body["keypair"], with_type=True, check_name=False)

    def _user(self, req, action):
        user_id = req.GET.get("user_id") or req.context.user_id
        self._authorize(req, action, user_id)
        return user_id

    # -- index ---------------------------------------------------------------

    def _index(self, req, with_type, user_id, paged=False):
        limit = marker = None
        if paged:
            limit, marker = common.get_limit_and_marker(req)
        try:
            keypairs = objects.KeyPairList.get_by_user(
                req.context, user_id, limit=limit, marker=marker)
        except exception.MarkerNotFound as exc:
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        return views.index(req, list(keypairs), with_type, with_links=paged)

    @wsgi.api_version("2.1", "2.1")
    def index(self, req):
        """GET /os-keypairs (2.1) -> the caller's key pairs, without ``type``."""
        self._authorize(req, "index", req.context.user_id)
        return self._index(req, False, req.context.user_id)

    @index.add_version("2.2", "2.9")
    def index(self, req):  # noqa: F811
        """GET /os-keypairs (2.2-2.9): with ``type``."""
        self._authorize(req, "index", req.context.user_id)
        return self._index(req, True, req.context.user_id)

    @index.add_version("2.10", "2.34")
    @validation.query_schema(schema.query_v210)
    def index(self, req):  # noqa: F811
        """GET /os-keypairs (2.10-2.34): ``?user_id=`` for administrators."""
        return self._index(req, True, self._user(req, "index"))

    @index.add_version("2.35")
    @validation.query_schema(schema.index_query_v235, "2.35", "2.74")
    @validation.query_schema(schema.index_query_v275, "2.75")
    def index(self, req):  # noqa: F811
        """GET /os-keypairs (2.35+): paged with limit/marker (a key pair name)."""
        return self._index(req, True, self._user(req, "index"), paged=True)

    # -- show ----------------------------------------------------------------

    @wsgi.api_version("2.1", "2.1")
    def show(self, req, id):
        """GET /os-keypairs/{name} (2.1) -> the record, without ``type``."""
        self._authorize(req, "show", req.context.user_id)
        return views.show(objects.KeyPair.get_by_name(req.context, req.context.user_id, id),
                          False)

    @show.add_version("2.2", "2.9")
    def show(self, req, id):  # noqa: F811
        """GET /os-keypairs/{name} (2.2-2.9): with ``type``."""
        self._authorize(req, "show", req.context.user_id)
        return views.show(objects.KeyPair.get_by_name(req.context, req.context.user_id, id),
                          True)

    @show.add_version("2.10")
    @validation.query_schema(schema.query_v210, "2.10", "2.74")
    @validation.query_schema(schema.query_v275, "2.75")
    def show(self, req, id):  # noqa: F811
        """GET /os-keypairs/{name} (2.10+): ``?user_id=`` for administrators."""
        user_id = self._user(req, "show")
        return views.show(objects.KeyPair.get_by_name(req.context, user_id, id), True)

    # -- delete --------------------------------------------------------------

    @wsgi.api_version("2.1", "2.1")
    @wsgi.response(202)
    def delete(self, req, id):
        """DELETE /os-keypairs/{name} (2.1) -> 202."""
        self._authorize(req, "delete", req.context.user_id)
        objects.KeyPair.destroy_by_name(req.context, req.context.user_id, id)

    @delete.add_version("2.2", "2.9")
    @wsgi.response(204)
    def delete(self, req, id):  # noqa: F811
        """DELETE /os-keypairs/{name} (2.2-2.9) -> 204."""
        self._authorize(req, "delete", req.context.user_id)
        objects.KeyPair.destroy_by_name(req.context, req.context.user_id, id)

    @delete.add_version("2.10")
    @wsgi.response(204)
    @validation.query_schema(schema.query_v210, "2.10", "2.74")
    @validation.query_schema(schema.query_v275, "2.75")
    def delete(self, req, id):  # noqa: F811
        """DELETE /os-keypairs/{name} (2.10+) -> 204; ``?user_id=`` for administrators."""
        objects.KeyPair.destroy_by_name(req.context, self._user(req, "delete"), id)
