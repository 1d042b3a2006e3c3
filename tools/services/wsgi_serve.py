"""Serve one WSGI application with cheroot's multi-threaded server.

Used by placement.sh (with nova's virtualenv) and glance.sh (with Glance's
own virtualenv), so it imports nothing from nova and only the standard
library besides cheroot. Neither service ships a server of its own any more:
both expect to be mounted in a WSGI container, and cheroot is a small,
maintained, pure-Python one that runs on native threads.

    python wsgi_serve.py --app placement.wsgi.api:application \\
        --bind 127.0.0.1:8778 --threads 16 --pid-file /run/placement.pid

The pid file, when asked for, is written once the socket is listening and
removed on a clean stop, so "pid file present" means "ready or crashed",
never "still starting". SIGTERM and SIGINT stop the server gracefully.
"""

import argparse

# Imported now, not lazily: Glance's atexit hook builds a thread pool, and the
# executor module cannot be first imported once interpreter shutdown began.
import concurrent.futures.thread  # noqa: F401
import importlib
import logging
import os
import signal
import sys

from cheroot import wsgi


def load_app(spec):
    """Import ``module:attribute`` and return the attribute (a WSGI callable).

    :raises ValueError: when ``spec`` has no colon.
    :raises ImportError, AttributeError: when the module or name is missing.
    """
    module_name, sep, attr = spec.partition(":")
    if not sep:
        raise ValueError(f"--app must look like module:attribute, not {spec!r}")
    module = importlib.import_module(module_name)
    return getattr(module, attr)


def parse_bind(value):
    """Split ``HOST:PORT`` into (host, int port)."""
    host, _sep, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


def build_server(app, host, port, threads, server_name):
    """Return a prepared (bound, listening) cheroot server for ``app``."""
    server = wsgi.Server(
        (host, port), app, numthreads=threads, server_name=server_name,
        # Image uploads stream for a long time; only idle connections time out.
        timeout=300,
        # cheroot's default backlog of 5 resets connections under bursts of
        # boots (each one asks Placement several times); nova-api uses 128 too.
        request_queue_size=128,
    )
    server.prepare()
    return server


def write_pid_file(path):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(f"{os.getpid()}\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", required=True, help="module:attribute of the WSGI app")
    parser.add_argument("--bind", default="127.0.0.1:8080", help="HOST:PORT to listen on")
    parser.add_argument("--threads", type=int, default=16, help="worker threads")
    parser.add_argument("--pid-file", help="write our pid here once listening")
    parser.add_argument("--name", default="wsgi", help="server name for logs")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr,
        format="%(asctime)s %(process)d %(levelname)s %(name)s %(message)s")
    log = logging.getLogger(args.name)

    # Keystone parses the command line with oslo.config when its app is
    # built; our own options would be "unrecognized arguments" there.
    sys.argv = sys.argv[:1]
    app = load_app(args.app)
    host, port = parse_bind(args.bind)
    server = build_server(app, host, port, args.threads, args.name)

    def _stop(signum, _frame):
        # Unwind out of serve(); the finally below stops the worker threads.
        log.info("signal %d: stopping", signum)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    if args.pid_file:
        write_pid_file(args.pid_file)
    log.info("serving %s on http://%s:%d with %d threads",
             args.app, host, server.bind_addr[1], args.threads)
    try:
        server.serve()
    finally:
        server.stop()
        if args.pid_file:
            try:
                os.unlink(args.pid_file)
            except FileNotFoundError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
