"""Send requests to one of several apps by URL (the "/" composite).

``api-paste.ini`` maps::

    /        -> the list of major versions (anything no other key takes)
    /v2.1    -> the v2.1 version document, for "/v2.1" and "/v2.1/" only
    /v2.1/+  -> the Compute API, for every path below "/v2.1/"

A key ending in "/+" takes the paths *below* its prefix; a plain key takes
the prefix itself (with or without the trailing slash); "/" takes the rest.
The matched prefix moves from PATH_INFO to SCRIPT_NAME, so each app sees
paths relative to its own root and builds links from
``req.application_url``. Version discovery so works without a token, as
keystoneauth expects, while the API itself is authenticated.

Being the outermost app, it also turns away, with 400 badRequest, a path or
query string whose percent-escapes do not decode as UTF-8 (WebOb, Routes
and the handlers all expect text, and would fail deeper down), or that
holds a NUL character (which PostgreSQL refuses in any string).
"""

import urllib.parse

from nova.api.openstack import faults


def undecodable_part(environ):
    """Return "path" or "query" when that part of the URL is not UTF-8, else None.

    PATH_INFO arrives percent-decoded as latin-1 text (PEP 3333), the query
    string still percent-encoded.

    :param environ: the WSGI environ.
    """
    try:
        environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return "path"
    try:
        query = environ.get("QUERY_STRING", "").encode("latin-1")
        urllib.parse.unquote_to_bytes(query.replace(b"+", b" ")).decode("utf-8")
    except UnicodeError:
        return "query"
    return None


def nul_part(environ):
    """Return "path" or "query" when that part of the URL holds a NUL (%00), else None.

    No id, name or filter value holds one, and PostgreSQL refuses it in any
    string (psycopg2 raises ValueError: a 500 deep down on that backend).

    :param environ: the WSGI environ.
    """
    if "\x00" in environ.get("PATH_INFO", ""):
        return "path"
    query = environ.get("QUERY_STRING", "").encode("latin-1")
    if b"\x00" in urllib.parse.unquote_to_bytes(query):
        return "query"
    return None


class URLMap:
    """WSGI app dispatching on paths.

    :param mapping: dict of key ("/", "/v2.1", "/v2.1/+") -> WSGI app.
    """

    def __init__(self, mapping):
        self._exact = {}
        self._below = {}
        self._root = None
        for key, app in mapping.items():
            if key == "/":
                self._root = app
            elif key.endswith("/+"):
                self._below[key[:-2].rstrip("/")] = app
            else:
                self._exact[key.rstrip("/")] = app

    def _find(self, path):
        stripped = path.rstrip("/")
        if stripped in self._exact:
            return stripped, self._exact[stripped]
        for prefix in sorted(self._below, key=len, reverse=True):
            if path.startswith(prefix + "/"):
                return prefix, self._below[prefix]
        if self._root is not None:
            return "", self._root
        return None, None

    def __call__(self, environ, start_response):
        bad_part = undecodable_part(environ)
        if bad_part is not None:
            resp = faults.fault_response(
                400, f"The request {bad_part} is not valid UTF-8 once percent-decoded.")
            return resp(environ, start_response)
        nul = nul_part(environ)
        if nul is not None:
            resp = faults.fault_response(
                400, f"The request {nul} holds a NUL character (%00).")
            return resp(environ, start_response)
        path = environ.get("PATH_INFO", "")
        prefix, app = self._find(path)
        if app is None:
            resp = faults.fault_response(404, "The resource could not be found.")
            return resp(environ, start_response)
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
        environ["PATH_INFO"] = path[len(prefix):]
        return app(environ, start_response)


def urlmap_factory(loader, global_conf, **local_conf):
    """PasteDeploy composite factory: each ``<key> = app_name`` line is a route."""
    mapping = {}
    for key, app_name in local_conf.items():
        if not key.startswith("/"):
            raise ValueError(f"urlmap keys must be paths, got {key!r}")
        mapping[key] = loader.get_app(app_name, global_conf=global_conf)
    return URLMap(mapping)
