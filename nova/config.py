"""Command-line and configuration-file parsing shared by every nova binary.

Each ``nova/cmd/<binary>.py`` calls :func:`parse_args` once, first thing in
``main()``. RPC set-up is not done here: the binary calls ``nova.rpc.init``
itself after parsing, which keeps this module free of messaging imports.
"""

from oslo_log import log as logging

import nova.conf
from nova import version
from nova.conf import opts

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
