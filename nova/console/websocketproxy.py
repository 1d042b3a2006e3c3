"""The console websocket proxies: one browser websocket <-> one guest console.

nova-novncproxy (VNC), nova-spicehtml5proxy (SPICE) and nova-serialproxy
(the serial port) are the same server with a different ``ProxyKind``: the
console types whose tokens they accept, where they listen, and whether
they serve a web client. A client opens ``ws(s)://<proxy>/?token=<token>``
(noVNC turns the page URL's ``path=%3Ftoken%3D<token>`` into that;
spice-html5 sends a ``token`` cookie). Before the websocket is accepted the
proxy

1. checks the ``Origin`` header: a browser page from another site must not
   open consoles with the user's URL (cross-site websocket hijacking). The
   origin's host name must be the ``Host`` the browser connected to or one
   of ``[console] allowed_origins``, and its scheme one this proxy is
   reached by (upstream's rule);
2. looks the token up with ``ConsoleAuthToken.validate`` in this proxy's
   ``[database] connection`` (the cell database its compute hosts write
   tokens to, as upstream runs one proxy per cell);
3. binds the token to its instance: the instance must still exist, and
   its compute host must confirm over RPC (``validate_console_port``) that
   the port stored with the token is still that instance's console, so a
   token outliving its guest cannot open whichever guest got the port next.

A refused request gets an HTTP error (400 bad origin, 403 bad, expired or
stale token, 503 compute host not answering) and no websocket. An accepted
one is connected to the guest's end (host and port stored with the token)
and the bytes are relayed both ways by websockify until either side
closes. With ``[consoleauth] enforce_session_timeout`` the session is cut
when the token expires.

websockify runs each connection in its own forked process, so a handler
may keep per-connection state on itself but must not change the server.
"""

import collections
import http.cookies
import re
import socket
import ssl
import threading
import time
import urllib.parse

import oslo_messaging as messaging
from oslo_log import log as logging
from websockify import websocketproxy, websockifyserver

from nova import conf as nova_conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF

ProxyKind = collections.namedtuple(
    "ProxyKind", ["name", "console_types", "listen", "base_url", "serves_web"])
ProxyKind.__doc__ = """What makes one console proxy binary.

``listen`` and ``base_url`` are callables of the configuration returning
(host, port) and the proxy's public URL (whose scheme the Origin check
accepts); ``serves_web``: whether plain GETs get the files of [DEFAULT] web.
"""

NOVNC = ProxyKind(
    "nova-novncproxy", ("novnc",),
    lambda conf: (conf.vnc.novncproxy_host, conf.vnc.novncproxy_port),
    lambda conf: conf.vnc.novncproxy_base_url, True)
SPICE_HTML5 = ProxyKind(
    "nova-spicehtml5proxy", ("spice-html5",),
    lambda conf: (conf.spice.html5proxy_host, conf.spice.html5proxy_port),
    lambda conf: conf.spice.html5proxy_base_url, True)
SERIAL = ProxyKind(
    "nova-serialproxy", ("serial",),
    lambda conf: (conf.serial_console.serialproxy_host, conf.serial_console.serialproxy_port),
    lambda conf: conf.serial_console.base_url, False)

#: Console types whose tokens nova-novncproxy accepts.
CONSOLE_TYPES = NOVNC.console_types

#: Origin schemes that mean the same transport as the page's scheme.
_SCHEME_FAMILY = {"http": "http", "ws": "http", "https": "https", "wss": "https"}


class ConsoleRefused(Exception):
    """A console connection refused before the websocket opens.

    :param code: the HTTP status answered (400, 403).
    :param reason: what the log and the response say (no token in it).
    """

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def token_from_request(path, headers):
    """Return the console token a websocket request carries, or None.

    Looked for, in order: ``?token=`` in the request path, a ``path``
    parameter holding ``?token=...`` (the noVNC page URL form), and a
    ``token`` cookie (older noVNC clients).

    :param path: the HTTP request target, e.g. "/?token=abc".
    :param headers: the request's header mapping (``get``).
    """
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    if query.get("token"):
        return query["token"][0].strip()
    for inner in query.get("path", []):
        inner_query = urllib.parse.parse_qs(urllib.parse.urlsplit(inner).query)
        if inner_query.get("token"):
            return inner_query["token"][0].strip()
    cookie_header = headers.get("Cookie")
    if cookie_header:
        cookies = http.cookies.SimpleCookie()
        try:
            cookies.load(cookie_header)
        except http.cookies.CookieError:
            return None
        if "token" in cookies and cookies["token"].value:
            return cookies["token"].value
    return None


_TOKEN_IN_TEXT = re.compile(r"(token(?:=|%3D|%3d))[^&'\"\s%]+")


def mask_token(text):
    """Return ``text`` with every ``token=<value>`` (also URL-quoted) as ``token=***``."""
    return _TOKEN_IN_TEXT.sub(r"\1***", text)


def _host_name(host_header):
    """Return the host name of a ``Host`` header value (no port, no brackets)."""
    if not host_header:
        return None
    return urllib.parse.urlsplit("//" + host_header).hostname


def check_origin(headers, is_tls, allowed_origins, base_url=None):
    """Refuse a browser request from a page of another site.

    No ``Origin`` header means a non-browser client, which cannot be
    tricked into sending the user's URL: allowed.

    :param headers: the request's header mapping (Origin, Host,
        X-Forwarded-Proto).
    :param is_tls: whether the client reached this proxy over TLS.
    :param allowed_origins: host names accepted besides the ``Host``
        header's ([console] allowed_origins).
    :param base_url: this proxy's public URL ([vnc] novncproxy_base_url);
        its scheme is accepted too, for a TLS terminator in front.
    :raises ConsoleRefused: (400) malformed origin, another host name, or
        a scheme this proxy is not reached by.
    """
    origin = headers.get("Origin")
    if origin is None:
        return
    parsed = urllib.parse.urlsplit(origin)
    if not parsed.hostname or not parsed.scheme:
        raise ConsoleRefused(400, "Origin header not valid.")
    expected_hosts = {name.lower() for name in allowed_origins}
    own_host = _host_name(headers.get("Host"))
    if own_host:
        expected_hosts.add(own_host.lower())
    if parsed.hostname.lower() not in expected_hosts:
        raise ConsoleRefused(400, "Origin header does not match this host.")
    schemes = {"https" if is_tls else "http"}
    forwarded = headers.get("X-Forwarded-Proto")
    if forwarded:
        schemes.add(forwarded.strip().lower())
    if base_url:
        schemes.add(urllib.parse.urlsplit(base_url).scheme.lower())
    accepted = {_SCHEME_FAMILY.get(scheme, scheme) for scheme in schemes}
    if _SCHEME_FAMILY.get(parsed.scheme.lower()) not in accepted:
        raise ConsoleRefused(400, "Origin header protocol does not match this host.")


def validate_token(context, token, console_types=CONSOLE_TYPES):
    """Return the ConsoleAuthToken of a live ``token`` of one of ``console_types``.

    :raises ConsoleRefused: (403) no token, unknown or expired token, or a
        token for another kind of console.
    """
    if not token:
        raise ConsoleRefused(403, "No console token in the request.")
    try:
        found = objects.ConsoleAuthToken.validate(context, token)
    except exception.InvalidToken:
        raise ConsoleRefused(403, "The console token is invalid or has expired.") from None
    if found.console_type not in console_types:
        raise ConsoleRefused(403, f"The token is for a {found.console_type} console, "
                                  "not one this proxy serves.")
    return found


def check_console_port(context, console, compute_api):
    """Refuse a token whose port is no longer its instance's console.

    :param console: the ConsoleAuthToken found for the request.
    :param compute_api: a compute ComputeAPI (RPC client).
    :raises ConsoleRefused: (403) the instance is gone, has no host, or
        its host says the port is not its console; (503) the host did not
        answer in [DEFAULT] rpc_response_timeout.
    """
    try:
        instance = objects.Instance.get_by_uuid(context, console.instance_uuid)
    except exception.InstanceNotFound:
        raise ConsoleRefused(403, "The instance of the console token no longer "
                                  "exists.") from None
    if not instance.host:
        raise ConsoleRefused(403, "The instance of the console token is on no host.")
    try:
        valid = compute_api.validate_console_port(context, instance, console.port,
                                                  console.console_type)
    except exception.ComputeHostTooOld:
        # A host of the previous level cannot answer; the token's other
        # rules (hash, expiry, removal on delete) still hold.
        LOG.warning("Compute RPC is capped below validate_console_port; not checking "
                    "the console port of instance %s", console.instance_uuid)
        return
    except messaging.MessagingTimeout:
        raise ConsoleRefused(503, "The compute host of the instance did not "
                                  "answer.") from None
    if not valid:
        raise ConsoleRefused(403, "The console token does not match the instance's "
                                  "console any more.")


class NovaProxyRequestHandler(websocketproxy.ProxyRequestHandler):
    """websockify handler that finds its target from a nova console token.

    ``build_proxy`` subclasses it per ProxyKind (class attribute ``kind``).
    """

    kind = NOVNC

    #: Set by handle_upgrade once the request passed the checks.
    console = None

    def _is_tls(self):
        # websockify appends an "is TLS" flag to the client address.
        return len(self.client_address) > 2 and bool(self.client_address[2])

    def _client(self):
        return self.client_address[0] if self.client_address else "-"

    def handle_upgrade(self):
        """Check origin and token; answer an HTTP error, or open the websocket."""
        try:
            check_origin(self.headers, self._is_tls(), CONF.console.allowed_origins,
                         self.kind.base_url(CONF))
            context = nova_context.get_admin_context()
            console = validate_token(context, token_from_request(self.path, self.headers),
                                     self.kind.console_types)
            # Each connection is handled in its own forked process, so the
            # RPC client (and its connection) belongs to this one alone.
            check_console_port(context, console, compute_rpcapi.ComputeAPI())
            self.console = console
        except ConsoleRefused as exc:
            LOG.warning("%s: console connection refused: %s", self._client(), exc.reason)
            self.send_error(exc.code, exc.reason)
            return
        except Exception:
            LOG.exception("%s: could not check the console token", self._client())
            self.send_error(503, "The console token could not be checked.")
            return
        super().handle_upgrade()

    def new_websocket_client(self):
        """Connect to the guest's VNC server and relay until one side closes."""
        console = self.console
        LOG.info("%s: connecting to the %s console of instance %s at %s:%s",
                 self._client(), console.console_type, console.instance_uuid,
                 console.host, console.port)
        try:
            target = websockifyserver.WebSockifyServer.socket(
                console.host, console.port, connect=True)
        except OSError as exc:
            LOG.warning("%s: cannot reach the console of instance %s at %s:%s: %s",
                        self._client(), console.instance_uuid, console.host,
                        console.port, exc)
            raise self.CClose(1011, "Failed to connect to the console") from None
        target.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        timer = None
        if CONF.consoleauth.enforce_session_timeout:
            timer = threading.Timer(max(0.0, console.expires - time.time()),
                                    self._expire, args=(target, console))
            timer.daemon = True
            timer.start()
        try:
            self.do_proxy(target)
        finally:
            if timer is not None:
                timer.cancel()
            try:
                target.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            target.close()
            LOG.info("%s: console session of instance %s closed", self._client(),
                     console.instance_uuid)

    def _expire(self, target, console):
        LOG.info("%s: console token of instance %s expired; closing the session",
                 self._client(), console.instance_uuid)
        try:
            # The relay loop then sees the VNC side close and ends the session.
            target.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send_head(self):
        """Serve the web client's files; refuse paths that would redirect off-site."""
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("//"):
            self.send_error(400, "URI must not start with //")
            return None
        return super().send_head()

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        # websockify logs request paths, which carry the token: a log reader
        # must not be able to open the console.
        LOG.info("%s", mask_token(format % args))


def ssl_options(minimum_version):
    """Return the OpenSSL options for ``[console] ssl_minimum_version``.

    websockify replaces a TLS context's options with these, so they start
    from the library's defaults and only add the protocol floors.

    :param minimum_version: "default", "tlsv1_1", "tlsv1_2" or "tlsv1_3".
    """
    options = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).options
    floors = {"tlsv1_1": ("OP_NO_TLSv1",),
              "tlsv1_2": ("OP_NO_TLSv1", "OP_NO_TLSv1_1"),
              "tlsv1_3": ("OP_NO_TLSv1", "OP_NO_TLSv1_1", "OP_NO_TLSv1_2")}
    for name in floors.get(minimum_version, ()):
        options |= getattr(ssl, name)
    return options


def build_proxy(conf=CONF, kind=NOVNC):
    """Return the websockify server of the console proxy ``kind``, from ``conf``.

    Listens where ``kind.listen`` says ([vnc] novncproxy_host:port, [spice]
    html5proxy_host:port, [serial_console] serialproxy_host:port); serves
    the files of [DEFAULT] web (noVNC, spice-html5) to plain GETs when the
    kind has a web client, and console websockets to the rest. TLS with
    [DEFAULT] cert/key when a client starts TLS (only TLS with ssl_only).

    :returns: websockify.websocketproxy.WebSocketProxy (``start_server()``
        runs it until SIGTERM/SIGINT).
    """
    class_name = "".join(part.capitalize() for part in kind.name.split("-")) + "Handler"
    handler = type(class_name, (NovaProxyRequestHandler,), {"kind": kind})
    host, port = kind.listen(conf)
    return websocketproxy.WebSocketProxy(
        RequestHandlerClass=handler,
        listen_host=host,
        listen_port=port,
        source_is_ipv6=conf.source_is_ipv6,
        cert=conf.cert,
        key=conf.key,
        ssl_only=conf.ssl_only,
        ssl_ciphers=conf.console.ssl_ciphers,
        ssl_options=ssl_options(conf.console.ssl_minimum_version),
        daemon=conf.daemon,
        record=conf.record and f"{kind.name}-session",
        web=conf.web if kind.serves_web else None,
        file_only=True,
        verbose=conf.debug,
    )
