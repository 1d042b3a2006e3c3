"""Helpers every controller and view builder uses: links and pagination."""

import secrets
import string
import urllib.parse

import webob.exc

import nova.conf

CONF = nova.conf.CONF


def update_link_prefix(url, prefix):
    """Return ``url`` moved under ``prefix`` (upstream's link prefix rule).

    The scheme and host of ``url`` are replaced by those of ``prefix`` and
    the prefix's path is put in front of the url's path.

    :param url: absolute URL built from the request.
    :param prefix: URL such as https://compute.example.com:8774/compute, or
        None/"" to leave ``url`` unchanged.
    """
    if not prefix:
        return url
    parts = urllib.parse.urlsplit(url)
    new = urllib.parse.urlsplit(prefix)
    path = new.path.rstrip("/") + parts.path
    return urllib.parse.urlunsplit((new.scheme, new.netloc, path, parts.query, parts.fragment))


def application_url(req):
    """Return the base URL of the app serving ``req`` ([api] compute_link_prefix applied).

    For a request to http://h:8774/v2.1/servers this is http://h:8774/v2.1.
    """
    return update_link_prefix(req.application_url, CONF.api.compute_link_prefix)


def get_limit_and_marker(req):
    """Return (limit, marker) from ``limit`` and ``marker`` query parameters.

    :returns: (int, str or None); the limit is capped at [api] max_limit and
        defaults to it.
    :raises webob.exc.HTTPBadRequest: limit not a non-negative integer.
    """
    max_limit = CONF.api.max_limit
    limit = req.GET.get("limit")
    if limit is None:
        limit = max_limit
    else:
        try:
            limit = int(limit)
        except ValueError as exc:
            raise webob.exc.HTTPBadRequest(explanation="limit param must be an integer") from exc
        if limit < 0:
            raise webob.exc.HTTPBadRequest(explanation="limit param must be positive")
    return min(limit, max_limit), req.GET.get("marker")


def _bookmark_base(req):
    # Bookmarks point at the unversioned root: http://h:8774/flavors/1.
    url = application_url(req)
    script = req.script_name.rstrip("/")
    if script and url.endswith(script):
        return url[: -len(script)]
    return url


def resource_links(req, collection, identifier):
    """Return upstream's ``links`` of one resource: self and bookmark.

    :param req: the request being answered.
    :param collection: path segment of the collection ("flavors", "servers").
    :param identifier: the resource id (str or int).
    :returns: [{"rel": "self", "href": ".../v2.1/<collection>/<id>"},
        {"rel": "bookmark", "href": ".../<collection>/<id>"}]
    """
    return [
        {"rel": "self", "href": f"{application_url(req)}/{collection}/{identifier}"},
        {"rel": "bookmark", "href": f"{_bookmark_base(req)}/{collection}/{identifier}"},
    ]


def collection_links(req, items, collection, id_key="id"):
    """Return the ``<collection>_links`` list of a paginated response.

    A "next" link (same query, marker = last item's id) is given only when
    the page is full, i.e. ``len(items)`` equals the effective limit, as
    upstream does.

    :param items: the dicts (or objects) on this page, in order.
    :param id_key: key (or attribute) holding each item's marker value.
    :returns: [] or [{"rel": "next", "href": ...}].
    """
    limit, _ = get_limit_and_marker(req)
    if not items or len(items) != limit:
        return []
    last = items[-1]
    marker = last[id_key] if isinstance(last, dict) else getattr(last, id_key)
    params = [(key, value) for key, value in req.GET.items() if key != "marker"]
    params.append(("marker", str(marker)))
    query = urllib.parse.urlencode(params)
    return [{"rel": "next", "href": f"{application_url(req)}/{collection}?{query}"}]


def conflict_for_invalid_state(exc, action, server_id):
    """Return upstream's 409 for an action refused by the server's state.

    :param exc: InstanceInvalidState (its kwargs name attr and state).
    :param action: the action's name as the user sent it ("os-stop").
    :returns: webob.exc.HTTPConflict whose message reads "Cannot 'os-stop'
        instance <id> while it is in vm_state stopped", as upstream's.
    """
    attr = exc.kwargs.get("attr")
    state = exc.kwargs.get("state")
    if attr is None:
        message = exc.format_message()
    elif attr == "launched_at":
        message = (f"Cannot '{action}' instance {server_id}: it has not booted yet")
    else:
        message = (f"Cannot '{action}' instance {server_id} while it is in "
                   f"{attr} {state}")
    return webob.exc.HTTPConflict(explanation=message)


_PASSWORD_CHARS = string.ascii_letters + string.digits


def generate_password(length=None):
    """Return a random admin password of letters and digits.

    :param length: number of characters; [DEFAULT] password_length when None.
    """
    length = length or CONF.password_length
    return "".join(secrets.choice(_PASSWORD_CHARS) for _ in range(length))


#: Largest id an integer primary key holds (32-bit signed, as upstream's).
MAX_DB_ID = 2**31 - 1


def db_id(value):
    """Return ``value`` (a path or body id) as an int a primary key can hold.

    An id beyond the column's range names nothing; asking the database
    for it made drivers fail (SQLite OverflowError, DataError elsewhere),
    so callers answer it as not found.

    :raises ValueError: not an integer, or outside 0 .. MAX_DB_ID.
    """
    number = int(value)
    if not 0 <= number <= MAX_DB_ID:
        raise ValueError(f"id {value} out of range")
    return number
