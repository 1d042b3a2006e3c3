"""Command-line and configuration-file parsing shared by every nova binary.

Each ``nova/cmd/<binary>.py`` calls :func:`parse_args` once, first thing in
``main()``. RPC set-up is not done here: the binary calls ``nova.rpc.init``
itself after parsing, which keeps this module free of messaging imports.
"""

import logging as std_logging
import os
import pathlib
import sys

from oslo_log import log as logging
from oslo_service import opts as service_opts

import nova.conf
from nova import exception, version
from nova.conf import opts

#: The source tree's etc/nova, the last place a relative
#: [wsgi] api_paste_config is looked for (a development checkout).
SOURCE_ETC_DIR = pathlib.Path(__file__).resolve().parent.parent / "etc" / "nova"

#: Where ``pip install`` puts etc/nova/api-paste.ini (setup.cfg's data_files):
#: below the installation prefix, e.g. /opt/nova/etc/nova in a virtualenv.
PREFIX_ETC_DIR = pathlib.Path(sys.prefix) / "etc" / "nova"

#: Library loggers that are too chatty at nova's default level. Added to
#: oslo.log's own list so that a deployment's ``default_log_levels`` (which
#: replaces the whole list) still wins.
_EXTRA_DEFAULT_LOG_LEVELS = [
    "glanceclient=WARN",
    "keystoneauth=WARN",
    "oslo.privsep.daemon=INFO",
    "oslo_policy=INFO",
    "routes.middleware=WARN",
]


def set_defaults(conf=nova.conf.CONF):
    """Register nova's and oslo.log's options and apply nova's library defaults.

    Safe to call more than once (tests call it per fixture).

    :param conf: the ConfigOpts to prepare; any ConfigOpts, not only
        nova.conf.CONF (which already holds nova's options on import).
    """
    for module in nova.conf.option_modules():
        module.register_opts(conf)
    # oslo.log's options include CLI options, which oslo.config refuses to
    # register once arguments were parsed, even when already there.
    if "debug" not in conf:
        logging.register_options(conf)
    levels = logging.get_default_log_levels()
    levels += [level for level in _EXTRA_DEFAULT_LOG_LEVELS if level not in levels]
    logging.set_defaults(default_log_levels=levels)
    opts.set_defaults(conf)


def parse_args(argv, default_config_files=None, configure_logging=True, conf=nova.conf.CONF):
    """Parse the command line and configuration files into ``conf``.

    :param argv: the full argument vector, program name first (sys.argv);
        argv[1:] is parsed (--config-file, --config-dir, --debug, ...).
    :param default_config_files: configuration files to read when no
        --config-file is given; None lets oslo.config search the standard
        places (~/.nova/nova.conf, ~/nova.conf, /etc/nova/nova.conf, ...).
    :param configure_logging: also set up logging for the "nova" domain
        (oslo_log.log.setup); binaries leave it True, tests may not.
    :param conf: the ConfigOpts to fill; nova.conf.CONF by default.
    :raises oslo_config.cfg.Error: on an unknown argument, an unreadable
        file or a value that fails its option's type check (the binaries let
        it end the process with a message, like upstream).
    """
    set_defaults(conf)
    conf(
        argv[1:],
        project="nova",
        version=version.version_string,
        default_config_files=default_config_files,
    )
    if configure_logging:
        logging.setup(conf, "nova")


LOG = logging.getLogger(__name__)


def log_option_values(conf=nova.conf.CONF):
    """Log the configuration files and every option's value at DEBUG level.

    What oslo.service's launchers do at start: with ``--debug`` (or
    ``[DEFAULT] debug``) a daemon's log starts with its whole effective
    configuration, secrets masked. ``[DEFAULT] log_options`` (oslo.service's
    option, default True) turns it off. Daemons call it once after
    ``parse_args``.

    :param conf: the parsed ConfigOpts.
    """
    service_opts.register_service_opts(conf)
    if conf.log_options:
        conf.log_opt_values(LOG, std_logging.DEBUG)


def find_paste_config(conf=nova.conf.CONF):
    """Return the absolute path of the PasteDeploy file nova-api loads.

    An absolute [wsgi] api_paste_config is used as it is. A relative one is
    searched like a configuration file (oslo.config's ``find_file``: the
    directories of --config-file/--config-dir, ~/.nova, ~/, /etc/nova, /etc),
    then in the source tree's etc/nova.

    :param conf: a parsed ConfigOpts holding [wsgi] api_paste_config.
    :returns: an absolute path (str) of an existing file.
    :raises nova.exception.ConfigNotFound: when no such file exists.
    """
    name = conf.wsgi.api_paste_config
    if os.path.isabs(name):
        if os.path.isfile(name):
            return name
        raise exception.ConfigNotFound(path=name)
    found = conf.find_file(name)
    if found:
        return os.path.abspath(found)
    for directory in (SOURCE_ETC_DIR, PREFIX_ETC_DIR):
        candidate = directory / name
        if candidate.is_file():
            return str(candidate)
    raise exception.ConfigNotFound(path=name)
