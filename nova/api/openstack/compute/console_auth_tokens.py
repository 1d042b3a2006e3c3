"""Console token look-up (api-ref "Show Console Connection Information").

``GET /os-console-auth-tokens/{console_token}`` tells an administrator (or
an external console proxy acting as one, e.g. for 2.99's ``spice-direct``)
which instance a console token opens and where its console listens. The
token is only a key: its row sits in the cell database of its instance,
so every cell but cell0 is asked. Before 2.31 upstream showed only RDP
tokens, which no driver here issues: a token that exists is then 401.
"""

import webob.exc

from nova import context as nova_context
from nova import exception, objects
from nova.api.openstack import wsgi
from nova.policies import console_auth_tokens as cat_policies
from nova.policy import authorize

#: Seconds to wait for all cells to answer.
CELL_TIMEOUT = 60


def _validate_or_none(context, token):
    try:
        return objects.ConsoleAuthToken.validate(context, token)
    except exception.InvalidToken:
        return None


def find_token(context, token):
    """Return the live ConsoleAuthToken of ``token`` from whichever cell has it.

    :returns: objects.ConsoleAuthToken, or None when no cell knows a live
        token of that value (unknown, expired, or its instance deleted).
    """
    cells = [cell for cell in objects.CellMappingList.get_all(context)
             if not cell.is_cell0()]
    results = nova_context.scatter_gather_cells(
        context, cells, CELL_TIMEOUT, _validate_or_none, token)
    for result in results.values():
        if result is not None and not nova_context.is_cell_failure_sentinel(result):
            return result
    return None


class ConsoleAuthTokensController:
    """The os-console-auth-tokens resource (show only)."""

    def _lookup(self, req, console_token):
        authorize(req.context, cat_policies.CONSOLE_AUTH_TOKENS, target={})
        found = find_token(req.context, console_token) if console_token else None
        if found is None:
            raise webob.exc.HTTPNotFound(explanation="Token not found")
        return found

    @wsgi.api_version("2.1", "2.30")
    def show(self, req, id):
        """GET /os-console-auth-tokens/{console_token}.

        Before 2.31: 404 unknown token, 401 for any other (none is RDP).
        From 2.31: {"console": {"instance_uuid", "host", "port",
        "internal_access_path"}}, from 2.99 with "tls_port" (None without
        TLS) too.

        :raises: 403 not an administrator; 404 unknown or expired token.
        """
        self._lookup(req, id)
        raise webob.exc.HTTPUnauthorized(
            explanation="The requested console type details are not accessible")

    @show.add_version("2.31", "2.98")
    def show(self, req, id):  # noqa: F811 (a variant of the same handler)
        return {"console": _connect_info(self._lookup(req, id))}

    @show.add_version("2.99")
    def show(self, req, id):  # noqa: F811 (a variant of the same handler)
        found = self._lookup(req, id)
        return {"console": dict(_connect_info(found), tls_port=found.tls_port)}


def _connect_info(token):
    return {
        "instance_uuid": token.instance_uuid,
        "host": token.host,
        "port": token.port,
        "internal_access_path": token.internal_access_path,
    }
