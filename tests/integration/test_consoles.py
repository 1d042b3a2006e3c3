"""Remote consoles of real guests, end to end, on one private quickstart cloud.

The cloud is tools/quickstart.sh run privately (as in test_boot_cli): every
daemon, the three console proxies on free ports, MariaDB, RabbitMQ, libvirt
with QEMU (TCG) and the test guest, which writes a line on its VGA text
console and keeps a shell on its serial port. Two servers are booted once
for the module. What a user does:

* opens the URL of ``openstack console url show --novnc`` in headless
  Chromium (Debian's, driven with selenium) and sees noVNC connect and the
  guest's screen arrive; the screenshot is kept in $NOVA_TEST_ARTIFACTS
  (default <repo>/test-artifacts);
* runs a command in the guest's shell over the ``--serial`` websocket;
* reaches the guest's SPICE server through nova-spicehtml5proxy;

and what must be refused: an expired token, a token of a deleted server,
a page of another site (Origin), and a token bound to one instance that
names another instance's console.
"""

import contextlib
import os
import pathlib
import secrets
import socket
import struct
import subprocess
import tempfile
import time
import types
import urllib.parse

import pytest
import requests
import websocket

from nova import context as nova_context
from nova import objects
from tests.integration import quickstart as qs

pytestmark = [pytest.mark.libvirt, pytest.mark.rabbit, pytest.mark.mysql]

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = pathlib.Path(os.environ.get("NOVA_TEST_ARTIFACTS", REPO_ROOT / "test-artifacts"))

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: Upstream's flags for Chromium on these machines, plus a window size.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1024,768"]

RFB_GREETING = b"RFB 003.008\n"
SERIAL_ANSWER = b"NOVA-SERIAL-42"
BROWSER_TIMEOUT = 60
SERIAL_TIMEOUT = 30


class ConsoleCloud(qs.QuickstartDeployment):
    """The private quickstart (its console proxies on free ports), with console helpers."""

    def __init__(self, state):
        super().__init__("mysql", state, name="consoles")

    def console_url(self, kind, server_id):
        """Return the URL of ``openstack console url show --<kind> SERVER``."""
        return self.openstack_json("console", "url", "show", f"--{kind}", server_id)["url"]

    def connection(self, token):
        """Return ``openstack console connection show TOKEN`` (GET os-console-auth-tokens)."""
        return self.openstack_json("console", "connection", "show", token)

    def cell_context(self):
        """An admin context on this cloud's cell1 database (to write token rows)."""
        cell = types.SimpleNamespace(
            uuid="cell1", transport_url=None,
            database_connection=f"{qs.DB_SERVERS['mysql']}/{self.db_prefix}_cell1")
        context = nova_context.get_admin_context()
        nova_context.set_target_cell(context, cell)
        return context


@pytest.fixture(scope="module")
def cloud(libvirt_host):
    with qs.running(ConsoleCloud(qs.new_state_dir("consoles"))) as started:
        yield started


@pytest.fixture(scope="module")
def servers(cloud):
    """Two ACTIVE servers whose guests have booted: {"a": id, "b": id}."""
    ids = {}
    try:
        for key in ("a", "b"):
            ids[key] = cloud.openstack_json(
                "server", "create", "--flavor", qs.FLAVOR, "--image", qs.IMAGE,
                *qs.nic_args(cloud), f"consoles-{key}-{secrets.token_hex(3)}")["id"]
        for server_id in ids.values():
            qs.wait_for_status(cloud, server_id, "ACTIVE", qs.ACTIVE_TIMEOUT)
            qs.wait_for_console_marker(cloud, server_id)
        yield ids
    finally:
        for server_id in ids.values():
            cloud.openstack("server", "delete", server_id, check=False)


def _token(url):
    """The token of a console URL (``?token=`` or noVNC's ``?path=%3Ftoken%3D...``)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    if "token" in query:
        return query["token"][0]
    inner = urllib.parse.urlsplit(query["path"][0]).query
    return urllib.parse.parse_qs(inner)["token"][0]


def _connect(port, token, origin=None, path="/"):
    """Open a websocket to a proxy on loopback with ``token``; Origin: the proxy's own."""
    return websocket.create_connection(
        f"ws://127.0.0.1:{port}{path}?token={token}", timeout=15,
        origin=origin or f"http://127.0.0.1:{port}")


def _refused(port, token, origin=None):
    """Return the HTTP status the proxy refused the websocket with."""
    with pytest.raises(websocket.WebSocketBadStatusException) as info:
        _connect(port, token, origin).close()
    return info.value.status_code


def _rfb_greeting(port, token):
    ws = _connect(port, token)
    try:
        return ws.recv()
    finally:
        ws.close()


def _token_row(cloud, instance_uuid, console_type, host, port, ttl):
    """Write a token row into the cell database, as nova-compute would; return the token."""
    return objects.ConsoleAuthToken(
        cloud.cell_context(), console_type=console_type, host=host, port=port,
        instance_uuid=instance_uuid, access_url_base=None).authorize(ttl)


@pytest.fixture(scope="module", autouse=True)
def _objects():
    objects.register_all()


# --- what a user does ---------------------------------------------------------------------


def _chromium(user_data_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


#: Size of the noVNC canvas and how many of its pixels are lit (not near black).
CANVAS_JS = """
const canvas = document.querySelector("#screen canvas");
if (!canvas || !canvas.width || !canvas.height) return null;
const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
let lit = 0;
for (let i = 0; i < data.length; i += 4) {
  if (data[i] + data[i + 1] + data[i + 2] > 96) lit++;
}
return {width: canvas.width, height: canvas.height, lit: lit};
"""


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} after {timeout}s", pytrace=False)


def test_novnc_in_chromium_shows_the_guest_screen(cloud, servers):
    url = cloud.console_url("novnc", servers["a"])
    assert url.startswith(f"http://127.0.0.1:{cloud.novnc_port}/vnc_lite.html?path=%3Ftoken%3D")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "novnc-guest-screen.png"
    with tempfile.TemporaryDirectory(prefix="nova-chromium-") as profile:
        browser = _chromium(profile)
        try:
            browser.get(url)
            state = _wait(lambda: browser.execute_script(
                "const s = document.body.dataset.state;"
                "return s === 'connecting' || s === 'loading' ? null : s;"),
                BROWSER_TIMEOUT, "noVNC did not leave the connecting state")
            assert state == "connected", (
                state, browser.find_element("id", "status").text, cloud.log_tails())
            # Frames arrived: the canvas has the guest's text-mode size and
            # the VGA console's text is drawn on it.
            canvas = _wait(lambda: (lambda c: c if c and c["lit"] > 500 else None)(
                browser.execute_script(CANVAS_JS)),
                BROWSER_TIMEOUT, "no guest frame reached the noVNC canvas")
            browser.save_screenshot(str(screenshot))
        finally:
            browser.quit()
    assert (canvas["width"], canvas["height"]) == (720, 400), canvas
    assert screenshot.stat().st_size > 2000
    assert screenshot.read_bytes().startswith(b"\x89PNG")


def test_serial_console_runs_a_command_in_the_guest_shell(cloud, servers):
    url = cloud.console_url("serial", servers["a"])
    assert url.startswith(f"ws://127.0.0.1:{cloud.serial_port}/?token=")
    ws = websocket.create_connection(url, timeout=5,
                                     origin=f"http://127.0.0.1:{cloud.serial_port}")
    received = b""
    try:
        ws.send_binary(b"\necho NOVA-SERIAL-$((40+2))\n")
        deadline = time.monotonic() + SERIAL_TIMEOUT
        while SERIAL_ANSWER not in received and time.monotonic() < deadline:
            with contextlib.suppress(websocket.WebSocketTimeoutException):
                received += ws.recv()
    finally:
        ws.close()
    # The typed line comes back as "$((40+2))"; only the shell prints 42.
    assert SERIAL_ANSWER in received, received[-500:]
    # The console log is still written while the port is a TCP server.
    log = cloud.openstack("console", "log", "show", servers["a"]).stdout
    assert "NOVA-SERIAL-42" in log and qs.MARKER in log


def test_spice_server_through_the_html5_proxy(cloud, servers):
    url = cloud.console_url("spice", servers["a"])
    assert url.startswith(f"http://127.0.0.1:{cloud.spice_port}/spice_auto.html?token=")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "spice" in page.text.lower()

    # What spice-html5 sends first: a SpiceLinkMess for the main channel
    # (protocol 2.2, no capabilities); the server answers "REDQ".
    body = struct.pack("<IBBIII", 0, 1, 0, 0, 0, 18)
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{cloud.spice_port}/websockify", timeout=15,
        origin=f"http://127.0.0.1:{cloud.spice_port}", cookie=f"token={_token(url)}")
    try:
        ws.send_binary(b"REDQ" + struct.pack("<III", 2, 2, len(body)) + body)
        reply = ws.recv()
    finally:
        ws.close()
    assert reply[:4] == b"REDQ", reply[:32]


# --- what is refused ------------------------------------------------------------------------


def test_a_page_of_another_site_is_refused(cloud, servers):
    novnc = _token(cloud.console_url("novnc", servers["a"]))
    serial = _token(cloud.console_url("serial", servers["a"]))
    for port, token in ((cloud.novnc_port, novnc), (cloud.serial_port, serial)):
        assert _refused(port, token, origin="http://evil.example") == 400
    # The same tokens from the proxy's own origin are good, and so is a
    # client that sends no Origin (not a browser: no page can misuse it).
    assert _rfb_greeting(cloud.novnc_port, novnc) == RFB_GREETING
    _connect(cloud.serial_port, serial).close()
    websocket.create_connection(f"ws://127.0.0.1:{cloud.novnc_port}/?token={novnc}",
                                timeout=15, suppress_origin=True).close()


def test_a_token_past_its_expiry_is_refused(cloud, servers):
    real = cloud.connection(_token(cloud.console_url("novnc", servers["a"])))
    assert real["instance_uuid"] == servers["a"]
    expired = _token_row(cloud, servers["a"], "novnc", real["host"], real["port"], ttl=-1)
    assert _refused(cloud.novnc_port, expired) == 403
    # The same row, still valid, is accepted: only the expiry differs.
    valid = _token_row(cloud, servers["a"], "novnc", real["host"], real["port"], ttl=600)
    assert _rfb_greeting(cloud.novnc_port, valid) == RFB_GREETING


def test_a_token_naming_another_instance_console_is_refused(cloud, servers):
    # As a token left from a guest whose port another guest got: bound to
    # server A, pointing at server B's console.
    for kind, console_type, port in (("novnc", "novnc", cloud.novnc_port),
                                     ("serial", "serial", cloud.serial_port)):
        b_console = cloud.connection(_token(cloud.console_url(kind, servers["b"])))
        stale = _token_row(cloud, servers["a"], console_type, b_console["host"],
                           b_console["port"], ttl=600)
        assert _refused(port, stale) == 403, kind
    assert "does not match the instance's console" in (
        cloud.state / "log" / "nova-novncproxy.log").read_text()


def test_a_session_is_cut_when_its_token_expires(cloud, servers, tmp_path):
    # A second nova-novncproxy of this cloud with [consoleauth]
    # enforce_session_timeout (the quickstart's proxies let sessions run on).
    port = qs.free_port()
    extra = tmp_path / "session-timeout.conf"
    log = tmp_path / "novncproxy.log"
    extra.write_text(f"[DEFAULT]\nlog_file = {log}\n[vnc]\nnovncproxy_port = {port}\n"
                     "[consoleauth]\nenforce_session_timeout = true\n")
    process = subprocess.Popen(
        [str(qs.NOVA_VENV / "bin" / "nova-novncproxy"), "--config-file",
         str(cloud.state / "etc" / "nova.conf"), "--config-file", str(extra),
         "--web", str(cloud.state / "novnc")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: process.poll() is not None or _listening(port), 30,
              "the extra nova-novncproxy did not listen")
        assert process.poll() is None, log.read_text()
        real = cloud.connection(_token(cloud.console_url("novnc", servers["a"])))
        short = _token_row(cloud, servers["a"], "novnc", real["host"], real["port"], ttl=4)
        ws = _connect(port, short)
        try:
            assert ws.recv() == RFB_GREETING
            started = time.monotonic()
            with contextlib.suppress(websocket.WebSocketConnectionClosedException):
                while time.monotonic() - started < 30:
                    if ws.recv() in (b"", None, ""):
                        break
            assert time.monotonic() - started < 30
        finally:
            ws.close()
        assert "expired; closing the session" in log.read_text()
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _listening(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


def test_tokens_of_a_deleted_server_are_refused(cloud, servers):
    # Runs last: it deletes server B.
    tokens = {cloud.novnc_port: _token(cloud.console_url("novnc", servers["b"])),
              cloud.serial_port: _token(cloud.console_url("serial", servers["b"]))}
    cloud.openstack("server", "delete", "--wait", servers["b"],
                    timeout=qs.DELETE_TIMEOUT + 30)
    for port, token in tokens.items():
        assert _refused(port, token) == 403
        result = cloud.openstack("console", "connection", "show", token, check=False)
        assert result.returncode != 0 and "Token not found" in result.stderr, result.stderr
