"""[wsgi]: the multi-threaded HTTP server in front of nova-api and
nova-api-metadata, and where the PasteDeploy pipeline is defined.

Limits on request bodies are oslo.middleware's ([oslo_middleware]
max_request_body_size), not ours.
"""

from oslo_config import cfg

wsgi_group = cfg.OptGroup(
    "wsgi",
    title="WSGI server options",
    help="Options of the HTTP server that runs the Compute and metadata APIs.",
)

wsgi_opts = [
    cfg.StrOpt(
        "api_paste_config",
        default="api-paste.ini",
        help="""
The PasteDeploy file that defines the API pipelines.

A relative name is looked up like a configuration file: next to the files
given with --config-file, then in ~/.nova, ~/, /etc/nova and /etc; the
source tree's etc/nova/api-paste.ini is the last resort.

Default: api-paste.ini

Possible values:
* A file name or an absolute path.

Related options:
* [api] auth_strategy
""",
    ),
    cfg.StrOpt(
        "wsgi_log_format",
        default='%(client_ip)s "%(request_line)s" status: %(status_code)s'
        " len: %(body_length)s time: %(wall_seconds).7f",
        help="""
Format of the line logged for each request. Keys: client_ip, request_line,
status_code, body_length and wall_seconds (seconds, float).

Default: %(client_ip)s "%(request_line)s" status: %(status_code)s len:
%(body_length)s time: %(wall_seconds).7f
""",
    ),
    cfg.IntOpt(
        "server_threads",
        default=10,
        min=1,
        help="""
Number of threads of each API worker process; each thread serves one
request at a time, so this bounds a worker's concurrent requests.

Default: 10

Possible values:
* A positive integer.

Related options:
* osapi_compute_workers, metadata_workers
""",
    ),
    cfg.IntOpt(
        "max_header_line",
        default=16384,
        min=256,
        help="""
Longest HTTP header line (or request line) accepted, in bytes; a longer
one is answered with 400 badRequest, and so is a request head (request
line and all headers) longer than four times this. Raise it when large
Keystone tokens (for example with many roles) are rejected.

Default: 16384

Related options:
* request_read_timeout
""",
    ),
    cfg.BoolOpt(
        "keep_alive",
        default=True,
        help="""
Keep client connections open between requests (HTTP/1.1 keep-alive). When
False the server closes the connection after each response.

Default: True

Related options:
* client_socket_timeout
""",
    ),
    cfg.IntOpt(
        "client_socket_timeout",
        default=60,
        min=1,
        help="""
Seconds a kept-alive client connection may stay idle between requests
before the server closes it; also the longest a single write to a client
may block. Idle connections cost no worker thread (a worker takes a
connection only once a whole request head has arrived) but each holds a
file descriptor, so this is a minute rather than upstream's 900 s, long
enough for a client reusing its connection across the calls of one
command. There is no "wait forever": that is what let idle clients pile
up.

Default: 60

Possible values:
* A positive integer number of seconds.

Related options:
* keep_alive, request_read_timeout
""",
    ),
    cfg.IntOpt(
        "request_read_timeout",
        default=10,
        min=1,
        help="""
Seconds within which a request's head (request line and headers) must
arrive, counted from the connection's opening or, on a kept-alive
connection, from the request's first byte; and then, counted again, the
seconds within which its body must arrive. A client slower than this gets
408 and its connection is closed, so slow clients (slowloris) cannot hold
the server's workers.

Default: 10

Possible values:
* A positive integer number of seconds.

Related options:
* client_socket_timeout, max_header_line
""",
    ),
    cfg.IntOpt(
        "tcp_keepidle",
        default=600,
        min=0,
        help="""
Seconds of idleness before the kernel sends TCP keepalive probes on a
client connection (TCP_KEEPIDLE), so that connections of vanished clients
are found; ignored where the platform lacks it.

Default: 600

Possible values:
* 0: no TCP keepalive.
* A positive integer number of seconds.
""",
    ),
    cfg.StrOpt(
        "ssl_cert_file",
        help="""
Certificate file that makes the server speak HTTPS itself.

Default: unset (plain HTTP).

Related options:
* ssl_key_file, ssl_ca_file
""",
    ),
    cfg.StrOpt(
        "ssl_key_file",
        help="""
Private key of ssl_cert_file.

Default: unset

Related options:
* ssl_cert_file
""",
    ),
    cfg.StrOpt(
        "ssl_ca_file",
        help="""
CA bundle against which client certificates are verified; when set, clients
must present one.

Default: unset

Related options:
* ssl_cert_file
""",
    ),
]


def register_opts(conf):
    """Register the [wsgi] group on ``conf``."""
    conf.register_group(wsgi_group)
    conf.register_opts(wsgi_opts, group=wsgi_group)


def list_opts():
    """Return {wsgi_group: [options]} for the config generator."""
    return {wsgi_group: wsgi_opts}
