"""The multi-threaded HTTP server that runs a WSGI app (nova-api and friends).

``WSGIServer`` is an oslo.service ServiceBase, so ``nova.service.run``
drives it like the RPC daemons: SIGTERM/SIGINT stop accepting connections
and let requests in flight finish (cheroot waits for its threads), and with
several workers oslo.service forks them; each worker then binds the port
with SO_REUSEPORT and the kernel spreads connections among them.

Slow and idle clients (issue 14): a worker thread is given a connection
only once the connection's whole request head (request line and headers)
has arrived. Until then the connection waits in the server's selector
loop, which reads what the client sends without blocking, so idle
connections and slowloris clients cost a file descriptor and no thread.
The deadlines, from [wsgi]:

* ``request_read_timeout``: the head must arrive within this many seconds
  of the connection opening (of its first byte on a kept-alive one), and
  the body within as many seconds once a worker starts reading it; past
  either, the client gets 408 and the connection closes;
* ``client_socket_timeout``: a kept-alive connection idle longer is closed,
  and a single write to the client may not block longer;
* ``max_header_line``: a longer header line gets 400.

Errors the server answers itself (malformed request line, bad headers,
the above) use the API's fault format, like the application's.
"""

import _pyio
import email.utils
import json
import selectors
import socket
import ssl
import threading
import time

from cheroot import connections as cheroot_connections
from cheroot import makefile as cheroot_makefile
from cheroot import server as cheroot_server
from cheroot import wsgi as cheroot_wsgi
from cheroot.ssl import builtin as cheroot_ssl
from oslo_log import log as logging
from oslo_service import opts as service_opts
from oslo_service import service as oslo_service

import nova.conf

LOG = logging.getLogger(__name__)
CONF = nova.conf.CONF


class AccessLog:
    """WSGI wrapper logging one INFO line per request ([wsgi] wsgi_log_format).

    :param application: the WSGI app to wrap.
    :param log_format: %-format with keys client_ip, request_line,
        status_code, body_length, wall_seconds (float seconds).
    """

    def __init__(self, application, log_format):
        self.application = application
        self.log_format = log_format

    def __call__(self, environ, start_response):
        started = time.monotonic()
        seen = {"status": "-"}

        def _start_response(status, headers, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = dict((k.lower(), v) for k, v in headers).get("content-length", "-")
            return start_response(status, headers, exc_info)

        try:
            return self.application(environ, _start_response)
        finally:
            query = environ.get("QUERY_STRING")
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            request_line = "{} {}{} {}".format(
                environ.get("REQUEST_METHOD"), path, "?" + query if query else "",
                environ.get("SERVER_PROTOCOL"))
            LOG.info(self.log_format, {
                "client_ip": environ.get("REMOTE_ADDR"),
                "request_line": request_line,
                "status_code": seen["status"],
                "body_length": seen.get("length", "-"),
                "wall_seconds": time.monotonic() - started,
            })


#: Fault keys of the statuses the server answers by itself.
_FAULT_NAMES = {400: "badRequest", 408: "computeFault", 413: "overLimit",
                414: "badRequest", 503: "serviceUnavailable"}
#: Longest request head accepted, in lines of ``max_header_line`` bytes.
HEAD_LINES = 4


def fault_bytes(code, reason, message, protocol="HTTP/1.1"):
    """Return a whole HTTP response (bytes) with a JSON fault body that closes.

    :param code: int HTTP status; :param reason: its reason phrase;
    :param message: the fault's message (str).
    """
    body = json.dumps({_FAULT_NAMES.get(code, "computeFault"):
                       {"code": code, "message": message}}).encode()
    head = (f"{protocol} {code} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
            f"Date: {email.utils.formatdate(usegmt=True)}\r\n\r\n")
    return head.encode("latin-1") + body


class _DeadlineSocketIO(socket.SocketIO):
    """The raw reader of a connection: bytes read ahead first, then a deadline.

    ``ahead`` holds what the selector loop read before a worker took the
    connection; ``deadline`` (time.monotonic() seconds or None) bounds the
    reads of the current request phase (head or body).
    """

    def __init__(self, sock, mode, idle_timeout):
        super().__init__(sock, mode)
        self.ahead = b""
        self.deadline = None
        self.timed_out = False
        self.idle_timeout = idle_timeout

    def readinto(self, buffer):
        if self.ahead:
            count = min(len(buffer), len(self.ahead))
            buffer[:count] = self.ahead[:count]
            self.ahead = self.ahead[count:]
            return count
        if self.deadline is None:
            return super().readinto(buffer)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.timed_out = True
            raise TimeoutError("timed out")
        sock = self._sock
        sock.settimeout(min(remaining, self.idle_timeout) if self.idle_timeout else remaining)
        try:
            return super().readinto(buffer)
        except TimeoutError:
            self.timed_out = True
            raise
        finally:
            sock.settimeout(self.idle_timeout or None)


class _Reader(cheroot_makefile.StreamReader):
    """cheroot's socket reader over a ``_DeadlineSocketIO``."""

    def __init__(self, sock, idle_timeout, bufsize=_pyio.DEFAULT_BUFFER_SIZE):
        _pyio.BufferedReader.__init__(
            self, _DeadlineSocketIO(sock, "rb", idle_timeout), bufsize)
        self.bytes_read = 0


class _Request(cheroot_server.HTTPRequest):
    """cheroot's request with read deadlines and JSON fault bodies."""

    def parse_request(self):
        raw = self.conn.rfile.raw
        if raw.deadline is None:
            # A pipelined request: its head was not read ahead.
            raw.deadline = time.monotonic() + self.server.request_read_timeout
        super().parse_request()
        # The body gets a deadline of its own once the head is in.
        raw.deadline = time.monotonic() + self.server.request_read_timeout
        if not self.server.keep_alive:
            self.close_connection = True

    def send_headers(self):
        if self.conn.rfile.raw.timed_out:
            # The body did not arrive: what is left of it cannot be skipped.
            self.close_connection = True
        super().send_headers()

    def simple_response(self, status, msg=""):
        code, _, reason = str(status).partition(" ")
        code = int(code)
        if code in (501, 505):
            # An unknown transfer coding or HTTP version is the client's
            # error; the API answers client errors with 4xx.
            code, reason = 400, "Bad Request"
        self.close_connection = True
        message = msg or reason
        if code == 408:
            message = "The request did not arrive within [wsgi] request_read_timeout."
        try:
            self.conn.wfile.write(fault_bytes(code, reason, message))
        except OSError:
            pass


class _Connection(cheroot_server.HTTPConnection):
    """cheroot's connection reading through ``_Reader``."""

    RequestHandlerClass = _Request

    def __init__(self, server, sock, makefile=cheroot_makefile.MakeFile):
        super().__init__(server, sock, makefile)
        self.rfile = _Reader(sock, server.timeout, self.rbufsize)
        self.head_deadline = None

    def communicate(self):
        try:
            return super().communicate()
        finally:
            self.rfile.raw.deadline = None


class _HeadFirstConnections(cheroot_connections.ConnectionManager):
    """Hand a connection to a worker only once its request head is in.

    New and kept-alive connections wait in the selector; each time one is
    readable the loop reads what is there (without blocking) into the
    connection's read-ahead buffer. A complete head (CRLF CRLF) sends the
    connection to the worker pool; an over-long line or head gets 400, a
    head later than ``request_read_timeout`` gets 408, EOF closes it.
    """

    def put(self, conn):
        conn.last_used = time.time()
        conn.head_deadline = None
        if conn.rfile.has_data() or conn.rfile.raw.ahead:
            self.server.process_conn(conn)
        else:
            self._selector.register(conn.socket.fileno(), selectors.EVENT_READ,
                                    data=conn)

    def _run(self, expiration_interval):
        last_check = time.time()
        while not self._stop_requested:
            try:
                ready = list(self._selector.select(timeout=expiration_interval))
            except OSError:
                self._remove_invalid_sockets()
                continue
            for sock_fd, conn in ready:
                if conn is self.server:
                    new_conn = self._from_server_socket(self.server.socket)
                    if new_conn is not None:
                        self._accepted(new_conn)
                else:
                    self._read_ahead(sock_fd, conn)
            now = time.time()
            if now - last_check > expiration_interval:
                self._expire(threshold=now - self.server.timeout)
                self._expire_heads()
                last_check = now

    def _accepted(self, conn):
        self.server.tune_socket(conn.socket)
        conn.last_used = time.time()
        conn.head_deadline = time.monotonic() + self.server.request_read_timeout
        self._selector.register(conn.socket.fileno(), selectors.EVENT_READ,
                                data=conn)

    def _drop(self, sock_fd, conn, response=None):
        self._selector.unregister(sock_fd)
        if response is not None:
            try:
                conn.socket.setblocking(False)
                conn.socket.send(response)
            except OSError:
                pass
        conn.close()

    def _read_ahead(self, sock_fd, conn):
        sock = conn.socket
        raw = conn.rfile.raw
        try:
            sock.setblocking(False)
            data = sock.recv(65536)
            while isinstance(sock, ssl.SSLSocket) and sock.pending():
                data += sock.recv(65536)
        except (BlockingIOError, ssl.SSLWantReadError, InterruptedError):
            return
        except OSError:
            self._drop(sock_fd, conn)
            return
        finally:
            try:
                sock.settimeout(self.server.timeout or None)
            except OSError:
                pass
        if not data:
            self._drop(sock_fd, conn)
            return
        conn.last_used = time.time()
        if conn.head_deadline is None:
            conn.head_deadline = time.monotonic() + self.server.request_read_timeout
        raw.ahead += data
        head, complete, _ = raw.ahead.partition(b"\r\n\r\n")
        limit = self.server.max_header_line
        lines = head.split(b"\n")
        if not complete:
            lines = lines[:-1]  # the last line may still grow
        too_long = any(len(line) > limit for line in lines) or (
            not complete and len(head) > limit * HEAD_LINES)
        if too_long or len(head) > limit * HEAD_LINES:
            self._drop(sock_fd, conn, fault_bytes(
                400, "Bad Request",
                f"Request header line or head too long ([wsgi] max_header_line is "
                f"{limit} bytes, the head at most {HEAD_LINES} times that)."))
            return
        if complete:
            self._selector.unregister(sock_fd)
            raw.deadline = conn.head_deadline
            self.server.process_conn(conn)

    def _expire_heads(self):
        now = time.monotonic()
        late = [(fd, conn) for fd, conn in self._selector.connections
                if conn is not self.server and conn.head_deadline is not None
                and conn.head_deadline < now]
        for fd, conn in late:
            self._drop(fd, conn, fault_bytes(
                408, "Request Timeout",
                "The request did not arrive within [wsgi] request_read_timeout."))


class _Server(cheroot_wsgi.Server):
    """cheroot's WSGI server with ``_HeadFirstConnections`` and our options.

    :param request_read_timeout: seconds for a request head, then its body.
    :param max_header_line: longest header line (bytes).
    :param keep_alive: False closes each connection after its response.
    :param tcp_keepidle: seconds before TCP keepalive probes; 0 for none.
    """

    ConnectionClass = _Connection

    def __init__(self, *args, request_read_timeout, max_header_line, keep_alive,
                 tcp_keepidle, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_read_timeout = request_read_timeout
        self.max_header_line = max_header_line
        self.max_request_header_size = max_header_line * HEAD_LINES
        self.keep_alive = keep_alive
        self.tcp_keepidle = tcp_keepidle
        # Idle kept-alive connections are checked this often (seconds).
        self.expiration_interval = 0.25

    def prepare(self):
        super().prepare()
        plain = self._connections
        self._connections = _HeadFirstConnections(self)
        plain._selector.close()

    def tune_socket(self, sock):
        """Turn on TCP keepalive after ``tcp_keepidle`` idle seconds."""
        if not self.tcp_keepidle or not hasattr(socket, "TCP_KEEPIDLE"):
            return
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, self.tcp_keepidle)
        except OSError:
            pass


class WSGIServer(oslo_service.ServiceBase):
    """Serve ``app`` on host:port with a pool of native threads.

    :param binary: name for logs and nova.service.run ("nova-api").
    :param app: WSGI application.
    :param host: address to bind ("0.0.0.0", "::", "127.0.0.1").
    :param port: TCP port; 0 picks a free one (see ``port`` after start).
    :param threads: worker threads, i.e. concurrent requests per process
        ([wsgi] server_threads).
    :param reuse_port: set SO_REUSEPORT (needed with several worker
        processes).
    :param conf: ConfigOpts with the [wsgi] group (timeouts, TLS, log
        format).
    """

    def __init__(self, binary, app, host, port, threads=10, reuse_port=False, conf=CONF):
        # [DEFAULT] graceful_shutdown_timeout bounds how long stop() waits.
        service_opts.register_service_opts(conf)
        self.binary = binary
        self._app = AccessLog(app, conf.wsgi.wsgi_log_format)
        self._bind = (host, port)
        self._threads = threads
        self._reuse_port = reuse_port
        self._conf = conf
        self._server = None
        self._thread = None
        self.port = port

    def start(self):
        """Bind the socket and serve in a background thread.

        :raises OSError: the address cannot be bound.
        """
        conf = self._conf
        server = _Server(
            self._bind, self._app, numthreads=self._threads,
            server_name=self.binary, timeout=conf.wsgi.client_socket_timeout,
            request_read_timeout=conf.wsgi.request_read_timeout,
            max_header_line=conf.wsgi.max_header_line,
            keep_alive=conf.wsgi.keep_alive, tcp_keepidle=conf.wsgi.tcp_keepidle,
            shutdown_timeout=self._conf.graceful_shutdown_timeout or 60,
            reuse_port=self._reuse_port,
            # cheroot's default listen backlog of 5 overflows when a burst
            # of clients connects at once (20 concurrent POST /servers):
            # the kernel then drops or resets connections. 128 is the
            # backlog upstream's eventlet server listened with.
            request_queue_size=128)
        if self._conf.wsgi.ssl_cert_file:
            server.ssl_adapter = cheroot_ssl.BuiltinSSLAdapter(
                self._conf.wsgi.ssl_cert_file, self._conf.wsgi.ssl_key_file,
                self._conf.wsgi.ssl_ca_file)
        server.prepare()
        self._server = server
        self.port = server.bind_addr[1]
        LOG.info("%s listening on %s:%s with %s threads", self.binary,
                 self._bind[0], self.port, self._threads)
        self._thread = threading.Thread(target=server.serve, name=f"{self.binary}-http",
                                        daemon=True)
        self._thread.start()

    def stop(self, graceful=True):
        """Stop accepting connections; cheroot lets busy threads finish."""
        if self._server is not None:
            self._server.stop()

    def wait(self, timeout=None):
        """Block until the server stopped; True if it did within ``timeout`` s."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def reset(self):
        """Nothing to reload: options are read per request or at start."""
