"""nova's calls to Glance for a user carry the user's token and, with
``[service_user] send_service_user_token``, nova's service token.

Glance here is a loopback HTTP server that records the headers it gets (a
fake of the other service, as tests/fixtures/images.py, not a mock); the
service user's token comes from keystoneauth1's ``admin_token`` plugin, so
no Keystone is needed.
"""

import http.server
import json
import threading

import pytest
from keystoneauth1 import adapter as ks_adapter
from keystoneauth1 import loading as ks_loading
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from nova import context as nova_context
from nova import service_auth
from nova.conf import CONF
from nova.image import glance

IMAGE_ID = "5b7a1d9e-2f0c-4f0e-9d8b-1b2c3d4e5f60"


class _RecordingGlance(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).seen.append(dict(self.headers))
        body = json.dumps({"id": IMAGE_ID, "name": "img", "status": "active",
                           "disk_format": "raw", "container_format": "bare"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_glance():
    _RecordingGlance.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RecordingGlance)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _RecordingGlance.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def service_user(conf_fixture):
    """[service_user] as nova's service user with the fixed token "svc-token"."""
    CONF.register_opts(ks_loading.get_auth_plugin_conf_options("admin_token"),
                       group="service_user")
    conf_fixture.config(group="service_user", send_service_user_token=True,
                        auth_type="admin_token", token="svc-token",
                        endpoint="http://127.0.0.1:1")
    service_auth.reset()
    yield
    service_auth.reset()


def _client(url):
    return glance.GlanceImageService(ks_adapter.Adapter(
        ks_session.Session(), service_type="image", endpoint_override=url,
        raise_exc=False))


def _user_context():
    return nova_context.RequestContext(user_id="demo", project_id="demo",
                                       auth_token="user-token", roles=["member"])


def test_user_request_sends_user_and_service_tokens(recording_glance, service_user):
    url, seen = recording_glance
    image = _client(url).show(_user_context(), IMAGE_ID)
    assert image["id"] == IMAGE_ID
    assert seen[-1]["X-Auth-Token"] == "user-token"
    assert seen[-1]["X-Service-Token"] == "svc-token"


def test_no_service_token_unless_asked(recording_glance, conf_fixture):
    conf_fixture.config(group="service_user", send_service_user_token=False)
    url, seen = recording_glance
    _client(url).show(_user_context(), IMAGE_ID)
    assert seen[-1]["X-Auth-Token"] == "user-token"
    assert "X-Service-Token" not in seen[-1]


def test_user_token_wins_over_the_adapters_own_auth(recording_glance, service_user):
    # [glance]'s credentials (here a fixed token) serve requests without a
    # user; a user's request must carry the user's token, as Glance decides
    # what that user may see.
    url, seen = recording_glance
    client = glance.GlanceImageService(ks_adapter.Adapter(
        ks_session.Session(auth=token_endpoint.Token(url, "nova-own-token")),
        service_type="image", endpoint_override=url, raise_exc=False))
    client.show(_user_context(), IMAGE_ID)
    assert seen[-1]["X-Auth-Token"] == "user-token"
    client.show(nova_context.get_admin_context(), IMAGE_ID)
    assert seen[-1]["X-Auth-Token"] == "nova-own-token"
    assert "X-Service-Token" not in seen[-1]
