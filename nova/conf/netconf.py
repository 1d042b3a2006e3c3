"""[DEFAULT] options naming this host on the network: host and my_ip.

Their real defaults are computed on the machine that reads the configuration,
so the sample file shows a placeholder (``sample_default``) instead of the
generating machine's own name and address.
"""

import socket

from oslo_config import cfg
from oslo_utils import netutils


def _default_my_ip():
    # The address of the interface holding the default route; loopback when
    # the host has no route at all (a laptop offline, a CI container).
    return netutils.get_my_ipv4()


netconf_opts = [
    cfg.StrOpt(
        "my_ip",
        default=_default_my_ip(),
        sample_default="<host_ipv4>",
        help="""
The IP address of this host on the management network.

Services advertise it to each other: it is the default for the VNC server's
proxy client address and the address that migrations and consoles connect to.

Default: the IPv4 address of the interface holding the default route
(127.0.0.1 when there is none), computed when the service starts.

Possible values:
* A valid IPv4 or IPv6 address.

Related options:
* [vnc] server_proxyclient_address
* host
""",
    ),
    cfg.HostDomainOpt(
        "host",
        default=socket.gethostname(),
        sample_default="<current_hostname>",
        help="""
The name of this host as the other services know it.

Used as the RPC topic suffix of nova-compute (``compute.<host>``), as the
``host`` column of the services and compute_nodes tables and as the host of
every instance built here. It need not be a DNS name but must be unique in
the deployment and must not change while the host has instances, otherwise
they look orphaned.

Default: this machine's hostname (socket.gethostname()), computed when the
service starts.

Possible values:
* A hostname, FQDN or other string valid as a host name (letters, digits,
  '-', '.', '_').

Related options:
* my_ip
""",
    ),
]


def register_opts(conf):
    """Register host and my_ip on ``conf`` in [DEFAULT]."""
    conf.register_opts(netconf_opts)


def list_opts():
    """Return {"DEFAULT": [options]} for the config generator."""
    return {"DEFAULT": netconf_opts}
