"""nova-novncproxy as a separate process on a SQLite cell database: what it
refuses before any guest is reached, and the web client it serves.

Accepted connections need the instance's compute host to confirm the
console port over RPC; they are tested against real guests in
tests/integration/test_consoles.py. The "guest" here is a loopback TCP
server greeting like a VNC server, which must see no connection at all.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
import websocket
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects

RFB_GREETING = b"RFB 003.008\n"

#: Seconds allowed for the proxy to start listening (it imports nova first).
START_TIMEOUT = 30


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        pytest.fail(f"console script {path} is not installed (pip install -e .)")
    return path


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeVNCServer:
    """A loopback TCP server: greets with RFB 003.008, then echoes (bounded)."""

    def __init__(self):
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.5)
        self.port = self._sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn):
        with conn:
            conn.settimeout(10)
            conn.sendall(RFB_GREETING)
            with contextlib.suppress(OSError):
                for _ in range(100):
                    data = conn.recv(4096)
                    if not data:
                        return
                    conn.sendall(data)

    def close(self):
        self._stop.set()
        self._sock.close()
        self._thread.join(5)


@pytest.fixture
def vnc_server():
    server = FakeVNCServer()
    yield server
    server.close()


@pytest.fixture
def instance(main_db):
    """An instance row in the cell database the proxy reads ([database] connection)."""
    objects.register_all()
    ctxt = nova_context.get_admin_context()
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(), project_id="p1",
                            user_id="u1", host="compute1", node="compute1")
    inst.create()
    return inst


def _token(instance, port, ttl=600, console_type="novnc"):
    token_obj = objects.ConsoleAuthToken(
        nova_context.get_admin_context(), console_type=console_type, host="127.0.0.1",
        port=port, instance_uuid=instance.uuid,
        access_url_base="http://127.0.0.1/vnc_lite.html")
    return token_obj.authorize(ttl)


class Proxy:
    """A running nova-novncproxy process."""

    def __init__(self, process, port, log_file):
        self.process = process
        self.port = port
        self.log_file = log_file
        self.http_url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"

    def log(self):
        return self.log_file.read_text() if self.log_file.exists() else ""

    def connect(self, path, **kwargs):
        """Open a websocket to ``path``; the proxy's origin unless told otherwise."""
        kwargs.setdefault("origin", self.http_url)
        return websocket.create_connection(self.ws_url + path, timeout=10, **kwargs)


def _write_conf(tmp_path, main_db, port, web, extra=""):
    conf = tmp_path / "nova.conf"
    log_file = tmp_path / "novncproxy.log"
    conf.write_text(
        f"[DEFAULT]\nweb = {web}\nlog_file = {log_file}\n"
        f"[vnc]\nnovncproxy_host = 127.0.0.1\nnovncproxy_port = {port}\n"
        f"novncproxy_base_url = http://127.0.0.1:{port}/vnc_lite.html\n"
        f"[database]\nconnection = {main_db}\n{extra}")
    return conf, log_file


def _wait_listening(process, port, log_file):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_file.read_text() if log_file.exists() else ""
            pytest.fail(f"nova-novncproxy exited with {process.returncode}: "
                        f"{process.stderr.read()} {log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    pytest.fail(f"nova-novncproxy did not listen on {port} within {START_TIMEOUT} s")


@pytest.fixture
def proxy(tmp_path, main_db):
    web = tmp_path / "web"
    web.mkdir()
    (web / "vnc_lite.html").write_text("<html>noVNC lite page</html>")
    port = _free_port()
    conf, log_file = _write_conf(tmp_path, main_db, port, web)
    process = subprocess.Popen([_script("nova-novncproxy"), "--config-file", str(conf)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_listening(process, port, log_file)
        yield Proxy(process, port, log_file)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _expect_refused(proxy, path, status, **kwargs):
    with pytest.raises(websocket.WebSocketBadStatusException) as info:
        proxy.connect(path, **kwargs)
    assert info.value.status_code == status, info.value


def test_refuses_bad_tokens_and_foreign_origins(proxy, instance, vnc_server):
    token = _token(instance, vnc_server.port)
    _expect_refused(proxy, "/?token=not-a-token", 403)
    _expect_refused(proxy, "/", 403)
    _expect_refused(proxy, f"/?token={_token(instance, vnc_server.port, ttl=-1)}", 403)
    spice = _token(instance, vnc_server.port, console_type="spice-html5")
    _expect_refused(proxy, f"/?token={spice}", 403)
    # A page of another site using the user's console URL (CSWSH).
    _expect_refused(proxy, f"/?token={token}", 400, origin="http://evil.example")
    _expect_refused(proxy, f"/?token={token}", 400, origin="ftp://127.0.0.1")
    # The token of an instance that was deleted (its row goes with it).
    instance.destroy()
    _expect_refused(proxy, f"/?token={token}", 403)
    assert vnc_server.connections == 0
    assert "console connection refused" in proxy.log()


def test_serves_the_web_client_but_no_off_site_redirect(proxy):
    resp = requests.get(proxy.http_url + "/vnc_lite.html", timeout=10)
    assert resp.status_code == 200
    assert "noVNC lite page" in resp.text
    resp = requests.get(proxy.http_url + "//evil.example/%2e%2e", timeout=10,
                        allow_redirects=False)
    # Whatever the answer, never a redirect to another host ("//host/...").
    location = resp.headers.get("Location", "")
    assert not location.startswith("//") and "://" not in location, location


def test_missing_web_directory_exits_255(tmp_path, main_db):
    conf, _ = _write_conf(tmp_path, main_db, _free_port(), tmp_path / "no-such-dir")
    result = subprocess.run([_script("nova-novncproxy"), "--config-file", str(conf)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 255
    assert "Can not find html/js files" in result.stderr


