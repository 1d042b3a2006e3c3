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
        min=1,
        help="""
Longest HTTP header line accepted, in bytes. Raise it when large Keystone
tokens (for example with many roles) are rejected.

Default: 16384
""",
    ),
    cfg.BoolOpt(
        "keep_alive",
        default=True,
        help="""
Keep client connections open between requests (HTTP keep-alive). When False
the server closes the connection after each response.

Default: True

Related options:
* client_socket_timeout
""",
    ),
    cfg.IntOpt(
        "client_socket_timeout",
        default=900,
        min=0,
        help="""
Seconds an idle client connection is kept open before the server closes it.

Default: 900

Possible values:
* 0: wait forever.
* A positive integer number of seconds.

Related options:
* keep_alive
""",
    ),
    cfg.IntOpt(
        "tcp_keepidle",
        default=600,
        min=0,
        help="""
Seconds of idleness before the kernel sends TCP keepalive probes on a server
socket (TCP_KEEPIDLE; ignored where the platform lacks it).

Default: 600
""",
    ),
    cfg.StrOpt(
        "secure_proxy_ssl_header",
        help="""
Name of the header a TLS-terminating proxy sets to the original scheme
(e.g. X-Forwarded-Proto); its value replaces the scheme of generated links.

Default: unset
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
