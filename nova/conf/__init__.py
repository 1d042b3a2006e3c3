"""The global configuration object and the option modules registered on it.

Each module under nova/conf/ holds the options of one group and exposes
``register_opts(conf)`` and ``list_opts()`` (a dict of group -> options) for
``oslo-config-generator --namespace nova``. Add a new module to
``_MODULES`` below; nova.conf.opts walks the same list.
"""

import importlib

from oslo_config import cfg

CONF = cfg.CONF

#: Option modules, by name under nova.conf. Order does not matter.
_MODULES = (
    "api",
    "availability_zone",
    "compute",
    "conductor",
    "console",
    "consoleauth",
    "database",
    "fake_driver",
    "glance",
    "image_cache",
    "libvirt",
    "linux_net",
    "metrics",
    "netconf",
    "network",
    "neutron",
    "notifications",
    "novnc",
    "paths",
    "placement",
    "quota",
    "rpc",
    "scheduler",
    "serial_console",
    "service",
    "service_user",
    "spice",
    "upgrade_levels",
    "vnc",
    "wsgi",
)


def option_modules():
    """Return the imported option modules, in registration order."""
    return [importlib.import_module(f"nova.conf.{name}") for name in _MODULES]


for _module in option_modules():
    _module.register_opts(CONF)
