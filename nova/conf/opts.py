"""Entry points for oslo-config-generator (namespace ``nova``).

``list_opts`` feeds ``oslo.config.opts`` and ``set_defaults`` feeds
``oslo.config.opts.defaults`` (see setup.cfg); the generator calls the latter
before writing the sample, so library options show nova's defaults.
"""

import oslo_messaging
from oslo_config import cfg
from oslo_middleware import cors

import nova.conf
from nova.conf import database


def list_opts():
    """Return [(group, [options])] for every option module, sorted by group name.

    A module may name its group as a string or an OptGroup; the OptGroup wins so
    that its help text reaches the sample file.
    """
    groups = {}
    options = {}
    for module in nova.conf.option_modules():
        for group, opts in module.list_opts().items():
            name = group.name if isinstance(group, cfg.OptGroup) else group
            if isinstance(group, cfg.OptGroup) or name not in groups:
                groups[name] = group
            options.setdefault(name, []).extend(opts)
    return [(groups[name], options[name]) for name in sorted(options)]


#: Request headers browsers may send cross-origin: Keystone's token and
#: identity headers plus the microversion headers.
CORS_ALLOW_HEADERS = [
    "X-Auth-Token",
    "X-Openstack-Request-Id",
    "X-Identity-Status",
    "X-Roles",
    "X-Service-Catalog",
    "X-User-Id",
    "X-Tenant-Id",
    "X-OpenStack-Nova-API-Version",
    "OpenStack-API-Version",
]

#: Response headers a cross-origin script may read.
CORS_EXPOSE_HEADERS = [
    "X-Auth-Token",
    "X-Openstack-Request-Id",
    "X-Subject-Token",
    "X-Service-Token",
    "X-OpenStack-Nova-API-Version",
    "OpenStack-API-Version",
]

CORS_ALLOW_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"]


def set_defaults(conf=None):
    """Apply nova's defaults for library-owned options (oslo.db and others).

    :param conf: the ConfigOpts to change; nova.conf.CONF when None.
    """
    database.set_defaults(conf or nova.conf.CONF)
    # Nova's RPC topics live in the "nova" exchange, as upstream's do, so
    # mixed deployments and tools that bind to it keep working.
    oslo_messaging.set_transport_defaults(control_exchange="nova")
    # Browser clients (e.g. a dashboard on another origin) must be able to
    # send and read the microversion headers.
    cors.set_defaults(
        allow_headers=CORS_ALLOW_HEADERS,
        expose_headers=CORS_EXPOSE_HEADERS,
        allow_methods=CORS_ALLOW_METHODS,
    )
