"""[DEFAULT] options shared by every nova service: liveness reporting,
periodic tasks, and where the API servers listen.
"""

from oslo_config import cfg

service_opts = [
    cfg.IntOpt(
        "report_interval",
        default=10,
        help="""
Seconds between two heartbeats of a service.

Each nova service updates its record in the services table (report_count and
updated_at) this often; the servicegroup code deems a service down when it has
not reported for longer than service_down_time.

Default: 10

Possible values:
* A positive integer number of seconds; 0 or less disables the heartbeat,
  and the service then soon looks down.

Related options:
* service_down_time: keep it well above report_interval (at least twice).
""",
    ),
    cfg.IntOpt(
        "service_down_time",
        default=60,
        help="""
Seconds without a heartbeat after which a service counts as down.

The scheduler skips compute hosts that are down, and the os-services API
reports ``state: down`` for them.

Default: 60

Possible values:
* A positive integer number of seconds, larger than report_interval.

Related options:
* report_interval
""",
    ),
    cfg.BoolOpt(
        "periodic_enable",
        default=True,
        help="""
Whether the service runs its periodic tasks.

Periodic tasks keep state in sync (power states, resource inventory,
placement, host discovery). Turn them off only for a service whose periodic
work another copy already does, or in tests.

Default: True

Related options:
* periodic_fuzzy_delay
""",
    ),
    cfg.IntOpt(
        "periodic_fuzzy_delay",
        default=60,
        min=0,
        help="""
Upper bound, in seconds, of a random delay before the first run of the
periodic tasks.

Spreading the first run keeps many services started together from hitting the
database and placement at the same moment.

Default: 60

Possible values:
* 0: no delay.
* A positive integer number of seconds.

Related options:
* periodic_enable
""",
    ),
    cfg.ListOpt(
        "enabled_apis",
        item_type=cfg.types.String(choices=["osapi_compute", "metadata"]),
        default=["osapi_compute", "metadata"],
        help="""
The API servers nova-all (and a combined nova-api) starts.

Default: osapi_compute,metadata

Possible values:
* osapi_compute: the OpenStack Compute REST API.
* metadata: the metadata service for guests.

Related options:
* osapi_compute_listen, metadata_listen
""",
    ),
    cfg.StrOpt(
        "osapi_compute_listen",
        default="0.0.0.0",
        help="""
The IP address the Compute API server (nova-api) binds to.

Default: 0.0.0.0 (every IPv4 interface)

Possible values:
* An IPv4 or IPv6 address; "::" for every IPv6 interface.

Related options:
* osapi_compute_listen_port
""",
    ),
    cfg.PortOpt(
        "osapi_compute_listen_port",
        default=8774,
        help="""
The TCP port the Compute API server (nova-api) listens on.

Default: 8774

Possible values:
* A port number, 0 to 65535 (0 picks a free port, useful in tests).

Related options:
* osapi_compute_listen
""",
    ),
    cfg.IntOpt(
        "osapi_compute_workers",
        min=1,
        help="""
Number of worker processes of the Compute API server.

Each worker serves requests with [wsgi] server_threads threads.

Default: unset, meaning one worker per CPU of the host.

Possible values:
* A positive integer.

Related options:
* [wsgi] server_threads
""",
    ),
    cfg.StrOpt(
        "metadata_listen",
        default="0.0.0.0",
        help="""
The IP address the metadata server (nova-api-metadata) binds to.

Default: 0.0.0.0 (every IPv4 interface)

Possible values:
* An IPv4 or IPv6 address.

Related options:
* metadata_listen_port
""",
    ),
    cfg.PortOpt(
        "metadata_listen_port",
        default=8775,
        help="""
The TCP port the metadata server (nova-api-metadata) listens on.

Default: 8775

Possible values:
* A port number, 0 to 65535.

Related options:
* metadata_listen
""",
    ),
    cfg.IntOpt(
        "metadata_workers",
        min=1,
        help="""
Number of worker processes of the metadata server.

Default: unset, meaning one worker per CPU of the host.

Possible values:
* A positive integer.

Related options:
* [wsgi] server_threads
""",
    ),
]


def register_opts(conf):
    """Register the service options on ``conf`` in [DEFAULT]."""
    conf.register_opts(service_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": service_opts}
