"""Drive a Compute API WSGI app in-process, as the functional tests do.

Build the real pipeline from etc/nova/api-paste.ini and talk to it::

    app = client.load_api(conf_fixture)            # noauth2 pipeline
    api = client.APIClient(app, token="alice:p1", version="2.1")
    resp = api.get("/v2.1/flavors")                  # a webob.Response
    assert resp.status_int == 200, resp.json

Resource helpers use this for their own functional tests; the app is the
same one nova-api serves, minus the HTTP server.
"""

import json

import webob

import nova.conf
from nova import policy
from nova.api.openstack import paste_app


def load_api(conf_fixture, auth_strategy="noauth2", paste_config=None, **api_options):
    """Parse an empty config, set [api] options and load ``osapi_compute``.

    :param conf_fixture: oslo.config Config fixture (the suite's
        ``conf_fixture``); its clean-up undoes the overrides.
    :param auth_strategy: "noauth2" (default) or "keystone".
    :param paste_config: path of another api-paste.ini (default: the tree's).
    :param api_options: other [api] overrides.
    :returns: the WSGI app for the whole endpoint ("/" and "/v2.1").
    """
    nova.conf.CONF([], project="nova", default_config_files=[])
    policy.reset()
    conf_fixture.config(auth_strategy=auth_strategy, group="api", **api_options)
    return paste_app.load_app(paste_app.OSAPI_COMPUTE, paste_config=paste_config)


def load_app_from_current_conf():
    """Load ``osapi_compute`` with CONF as it stands (already parsed by ``load_api``)."""
    return paste_app.load_app(paste_app.OSAPI_COMPUTE)


class APIClient:
    """Send requests to a WSGI app with noauth2 credentials and a microversion.

    :param app: WSGI app (``load_api``).
    :param token: noauth2 token "user:project" ("admin:..." is an admin);
        None sends no X-Auth-Token.
    :param version: microversion for OpenStack-API-Version, None for none.
    """

    def __init__(self, app, token="admin:admin", version=None):
        self.app = app
        self.token = token
        self.version = version

    def request(self, method, path, body=None, headers=None):
        """Return the webob.Response for ``method path`` (body: JSON-able or bytes)."""
        all_headers = {}
        if self.token is not None:
            all_headers["X-Auth-Token"] = self.token
        if self.version is not None:
            all_headers["OpenStack-API-Version"] = f"compute {self.version}"
        all_headers.update(headers or {})
        req = webob.Request.blank(path, method=method, headers=all_headers)
        if body is not None:
            req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
            req.content_type = all_headers.get("Content-Type", "application/json")
        return req.get_response(self.app)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)
