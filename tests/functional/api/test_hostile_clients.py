"""Hostile and slow clients against nova-api's real HTTP server (issue 14).

A WSGIServer on a loopback port serves the real paste pipeline (noauth2);
requests are written byte for byte on raw sockets, so malformed requests
reach the server exactly as an attacker would send them.
"""

import json
import re
import socket
import threading
import time

import pytest

from nova import objects
from nova.api import wsgi_server
from tests.functional.api import client

READ_TIMEOUT = 2  # [wsgi] request_read_timeout of these tests (s)
AUTH = b"Host: t\r\nX-Auth-Token: admin:admin\r\nConnection: close\r\n"


@pytest.fixture
def server(api_db, main_db, conf_fixture):
    objects.register_all()
    app = client.load_api(conf_fixture)
    conf_fixture.config(request_read_timeout=READ_TIMEOUT, client_socket_timeout=5,
                        group="wsgi")
    server = wsgi_server.WSGIServer("nova-api", app, "127.0.0.1", 0, threads=4)
    server.start()
    yield server
    server.stop()
    assert server.wait(10)


def exchange(port, data, timeout=10):
    """Send ``data``; return (status int, headers bytes, body bytes) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        return read_response(sock)


def read_response(sock):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without a response: {buf!r}"
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return int(head.split(b" ", 2)[1]), head, body


def post(path, body, content_type=b"application/json", extra=b""):
    return (b"POST " + path + b" HTTP/1.1\r\n" + AUTH + b"Content-Type: " + content_type
            + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n"
            + body)


def get(path, extra=b""):
    return b"GET " + path + b" HTTP/1.1\r\n" + AUTH + extra + b"\r\n"


KEYPAIR = b'{"keypair": {"name": "k1"}}'

#: name -> (raw request, expected status, expected fault key)
CORPUS = {
    "non-UTF-8 escape in a path id": (get(b"/v2.1/flavors/%ff%fe"), 400, "badRequest"),
    "non-UTF-8 escape in the query": (get(b"/v2.1/flavors?name=%ff"), 400, "badRequest"),
    "non-UTF-8 escape outside /v2.1": (get(b"/%c3%28"), 400, "badRequest"),
    # PostgreSQL refuses NUL in any string: a 500 there if let through.
    "NUL in a path id": (get(b"/v2.1/flavors/a%00b"), 400, "badRequest"),
    "NUL in the query": (get(b"/v2.1/flavors?name=%00"), 400, "badRequest"),
    "8,000-character noauth2 token": (
        post(b"/v2.1/os-keypairs", KEYPAIR).replace(
            b"X-Auth-Token: admin:admin", b"X-Auth-Token: " + b"a" * 8000), 401, "unauthorized"),
    "JSON nested 1,000 deep": (post(b"/v2.1/os-keypairs", b"[" * 1000 + b"]" * 1000),
                               400, "badRequest"),
    "malformed JSON": (post(b"/v2.1/os-keypairs", b"{{{{"), 400, "badRequest"),
    "non-UTF-8 JSON": (post(b"/v2.1/os-keypairs", b'{"keypair": {"name": "\xff"}}'),
                       400, "badRequest"),
    "XML body": (post(b"/v2.1/os-keypairs", b"<keypair/>", b"application/xml"),
                 415, "badMediaType"),
    "wrong type in the body": (post(b"/v2.1/os-keypairs", b'{"keypair": {"name": 42}}'),
                               400, "badRequest"),
    "body over max_request_body_size": (
        post(b"/v2.1/os-keypairs", b" " * 200_000), 413, "overLimit"),
    "Content-Length not a number": (
        get(b"/v2.1/flavors", b"Content-Length: abc\r\n"), 400, "badRequest"),
    "unknown transfer coding": (
        get(b"/v2.1/flavors", b"Transfer-Encoding: gzip\r\n"), 400, "badRequest"),
    "chunked body not chunked": (
        b"POST /v2.1/os-keypairs HTTP/1.1\r\n" + AUTH
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + KEYPAIR + b"\r\n0\r\n\r\n", 400, "badRequest"),
    "lower-case method": (b"get /v2.1/flavors HTTP/1.1\r\n" + AUTH + b"\r\n", 400, "badRequest"),
    "unknown method": (b"BREW /v2.1/flavors HTTP/1.1\r\n" + AUTH + b"\r\n", 405, "badMethod"),
    "HTTP/2.0 request line": (b"GET /v2.1/flavors HTTP/2.0\r\n" + AUTH + b"\r\n",
                              400, "badRequest"),
    "header line over max_header_line": (
        get(b"/v2.1/flavors", b"X-Junk: " + b"a" * 20000 + b"\r\n"), 400, "badRequest"),
    "request line over max_header_line": (
        get(b"/v2.1/flavors?name=" + b"a" * 20000), 400, "badRequest"),
    "huge integer in the body": (
        post(b"/v2.1/os-keypairs", b'{"keypair": {"name": ' + b"9" * 400 + b"}}"),
        400, "badRequest"),
    "negative limit": (get(b"/v2.1/flavors?limit=-1"), 400, "badRequest"),
    "invalid marker": (get(b"/v2.1/flavors?marker=no-such-flavor"), 400, "badRequest"),
    "invalid flavor id": (get(b"/v2.1/flavors/" + b"x" * 300), 404, "itemNotFound"),
    "malformed microversion": (
        get(b"/v2.1/flavors", b"OpenStack-API-Version: compute \xff\r\n"), 400, "badRequest"),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_hostile_request_gets_a_4xx_fault(server, name):
    request, code, key = CORPUS[name]
    status, _, body = exchange(server.port, request)
    assert status == code, body
    fault = json.loads(body)
    assert list(fault) == [key]
    assert fault[key]["code"] == code and fault[key]["message"]


def test_chunked_body_without_chunk_lines_is_answered_in_time(server):
    # A body sent "plain" under Transfer-Encoding: chunked has no line end
    # the chunk decoder waits for; the body deadline answers it.
    started = time.monotonic()
    status, _, body = exchange(server.port, (
        b"POST /v2.1/os-keypairs HTTP/1.1\r\n" + AUTH
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + KEYPAIR))
    assert status == 408, body
    assert time.monotonic() - started < READ_TIMEOUT + 2


def test_request_head_not_finished_in_time_gets_408(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: t\r\n")
        started = time.monotonic()
        status, _, body = read_response(sock)
        assert status == 408 and "computeFault" in json.loads(body)
        assert time.monotonic() - started < READ_TIMEOUT + 1.5
        assert sock.recv(1) == b""


def _slowloris(port, stop):
    # Drip a never-ending request head, one byte at a time.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: t\r\n")
        while not stop.is_set():
            try:
                sock.sendall(b"X")
            except OSError:
                return
            stop.wait(0.2)


def test_idle_connections_and_slowloris_do_not_starve_other_clients(server):
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(10)]
    stop = threading.Event()
    drips = [threading.Thread(target=_slowloris, args=(server.port, stop)) for _ in range(6)]
    try:
        for drip in drips:
            drip.start()
        time.sleep(0.5)  # every worker thread would be taken by now
        for _ in range(5):
            started = time.monotonic()
            status, _, _ = exchange(server.port, get(b"/v2.1/flavors"), timeout=5)
            assert status == 200
            assert time.monotonic() - started < 1
    finally:
        stop.set()
        for drip in drips:
            drip.join(10)
        for sock in idle:
            sock.close()


def test_keep_alive_connection_serves_several_requests(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        for _ in range(3):
            sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: t\r\n"
                         b"X-Auth-Token: admin:admin\r\n\r\n")
            status, head, _ = read_response(sock)
            assert status == 200
            assert b"Connection: close" not in head


def test_keep_alive_off_closes_after_each_response(server, conf_fixture):
    conf_fixture.config(keep_alive=False, group="wsgi")
    app = client.load_app_from_current_conf()
    other = wsgi_server.WSGIServer("nova-api", app, "127.0.0.1", 0, threads=2)
    other.start()
    try:
        with socket.create_connection(("127.0.0.1", other.port), timeout=5) as sock:
            sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: t\r\n"
                         b"X-Auth-Token: admin:admin\r\n\r\n")
            status, head, _ = read_response(sock)
            assert status == 200 and b"Connection: close" in head
            assert sock.recv(1) == b""
    finally:
        other.stop()
        other.wait(10)
