"""The multi-threaded HTTP server that runs a WSGI app (nova-api and friends).

``WSGIServer`` is an oslo.service ServiceBase, so ``nova.service.run``
drives it like the RPC daemons: SIGTERM/SIGINT stop accepting connections
and let requests in flight finish (cheroot waits for its threads), and with
several workers oslo.service forks them; each worker then binds the port
with SO_REUSEPORT and the kernel spreads connections among them.
"""

import threading
import time

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
        server = cheroot_wsgi.Server(
            self._bind, self._app, numthreads=self._threads,
            server_name=self.binary, timeout=self._conf.wsgi.client_socket_timeout,
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
