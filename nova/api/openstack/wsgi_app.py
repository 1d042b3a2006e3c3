"""Build the Compute API application for an external WSGI server.

uwsgi, mod_wsgi or gunicorn import ``nova.wsgi.osapi_compute`` and use its
``application``; this module does the set-up ``nova-api`` does in main():
configuration, objects and messaging, then the paste app.
"""

import os

from nova import conf as nova_conf
from nova.api.openstack import paste_app
from nova.cmd import common
from nova.db import conf_facade

#: Directory of the configuration files (upstream's variable name).
CONFIG_DIR_ENV = "OS_NOVA_CONFIG_DIR"
#: Semicolon-separated file names, relative to the directory or absolute.
CONFIG_FILES_ENV = "OS_NOVA_CONFIG_FILES"
DEFAULT_CONFIG_DIR = "/etc/nova"
DEFAULT_CONFIG_FILES = "nova.conf"


def config_files(environ=os.environ):
    """Return the existing configuration files named by the environment.

    :param environ: mapping with OS_NOVA_CONFIG_DIR (default /etc/nova) and
        OS_NOVA_CONFIG_FILES (default "nova.conf", ";"-separated).
    :returns: list of absolute paths that exist, in the given order.
    """
    directory = environ.get(CONFIG_DIR_ENV, DEFAULT_CONFIG_DIR)
    names = environ.get(CONFIG_FILES_ENV, DEFAULT_CONFIG_FILES).split(";")
    paths = [os.path.join(directory, name.strip()) for name in names if name.strip()]
    return [path for path in paths if os.path.exists(path)]


def init_application(name=paste_app.OSAPI_COMPUTE, environ=os.environ):
    """Parse configuration, start messaging and return the paste app ``name``."""
    # The hosting server's own argv (uwsgi options...) is not ours to parse.
    common.init(["nova-api-wsgi"], default_config_files=config_files(environ))
    conf_facade.set_api_defaults(nova_conf.CONF)
    return paste_app.load_app(name)
