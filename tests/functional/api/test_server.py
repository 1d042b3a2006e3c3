"""nova-api's HTTP server (cheroot, native threads) in front of the real app."""

import concurrent.futures
import json
import logging
import urllib.request

import pytest

from nova.api import wsgi_server
from nova.cmd import api as api_cmd
from tests.functional.api import client


def _get_json(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, dict(resp.headers), json.loads(resp.read())


@pytest.fixture
def server(conf_fixture):
    app = client.load_api(conf_fixture)
    server = wsgi_server.WSGIServer("nova-api", app, "127.0.0.1", 0, threads=4)
    server.start()
    yield server
    server.stop()
    assert server.wait(10)


def test_serves_concurrent_requests_and_logs_them(server, caplog):
    url = f"http://127.0.0.1:{server.port}/v2.1/"
    with caplog.at_level(logging.INFO, logger="nova.api.wsgi_server"):
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: _get_json(url), range(16)))
    assert {status for status, _, _ in results} == {200}
    _, headers, body = results[0]
    assert body["version"]["links"][0]["href"] == f"http://127.0.0.1:{server.port}/v2.1/"
    assert headers["x-compute-request-id"].startswith("req-")
    access = [r.getMessage() for r in caplog.records if '"GET /v2.1/ HTTP/1.1"' in r.getMessage()]
    assert len(access) == 16
    assert "status: 200" in access[0]


def test_stop_closes_the_listening_socket(conf_fixture):
    app = client.load_api(conf_fixture)
    server = wsgi_server.WSGIServer("nova-api", app, "127.0.0.1", 0, threads=2)
    server.start()
    url = f"http://127.0.0.1:{server.port}/"
    assert _get_json(url)[0] == 200
    server.stop()
    assert server.wait(10)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_build_server_uses_the_configured_address(conf_fixture):
    client.load_api(conf_fixture)
    conf_fixture.config(osapi_compute_listen="127.0.0.1", osapi_compute_listen_port=0,
                        osapi_compute_workers=1)
    conf_fixture.config(server_threads=3, group="wsgi")
    server, workers = api_cmd.build_server()
    assert workers == 1
    server.start()
    try:
        status, _, body = _get_json(f"http://127.0.0.1:{server.port}/")
        assert status == 200 and body["versions"][0]["id"] == "v2.1"
    finally:
        server.stop()
        server.wait(10)
