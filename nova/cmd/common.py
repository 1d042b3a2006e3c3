"""Start-up shared by the RPC daemons (nova-conductor, -scheduler, -compute).

``init(argv)`` parses the command line and configuration files, sets up
logging (with ``--debug``, the whole configuration is logged first),
registers every versioned object and builds the message transport;
``serve(server, workers)`` runs the service until SIGTERM and closes the
transport, returning the exit status for ``sys.exit``.
"""

from oslo_concurrency import processutils
from oslo_log import log as logging

from nova import conf as nova_conf
from nova import config, objects, rpc, service

LOG = logging.getLogger(__name__)

CONF = nova_conf.CONF


def init(argv, default_config_files=None):
    """Parse configuration, set up logging, register objects, start messaging.

    :param argv: the full argument vector (sys.argv).
    :param default_config_files: files read when no --config-file is given;
        None searches the standard places (/etc/nova/nova.conf, ...).
    :raises oslo_config.cfg.Error: bad arguments or configuration.
    """
    config.parse_args(argv, default_config_files=default_config_files)
    config.log_option_values()
    objects.register_all()
    rpc.init(CONF)


def serve(server, workers=None):
    """Run ``server`` (a nova.service.Service) until stopped; return its exit status."""
    try:
        return service.run(server, workers=workers)
    finally:
        rpc.cleanup()


def worker_count(configured):
    """Return ``configured`` or, when unset, one worker per CPU (upstream's default)."""
    if configured:
        return configured
    return processutils.get_worker_count()
