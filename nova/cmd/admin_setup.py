"""Start-up shared by the admin tools nova-manage and nova-status.

Both parse their own sub-command line, then need the same preparation
before an action touches a database: configuration read, alembic kept off
stdout, database managers rebuilt for this configuration and the versioned
objects registered.
"""

import logging

from oslo_config import cfg
from oslo_log import log as oslo_logging
from sqlalchemy.engine import url as sa_url

import nova.conf
from nova import config, objects
from nova.db.api import api as api_db_api
from nova.db.main import api as main_db_api

CONF = nova.conf.CONF

LOG = oslo_logging.getLogger(__name__)

#: Exit code for a command line or configuration file that cannot be parsed.
EXIT_BAD_USAGE = 2


def prepare(argv):
    """Parse ``argv`` and the configuration files; get database access ready.

    The sub-command options must be registered on CONF before the call.

    :param argv: the full argument vector, program name first.
    :returns: None when the tool may run its action; otherwise the exit code
        (int) to end with: argparse's own code for ``--help``/``--version``
        and usage errors, 2 for any other unusable command line or
        configuration (the message is printed as ``ERROR: ...``).
    """
    try:
        config.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_USAGE
    except cfg.Error as exc:
        print(f"ERROR: {exc}")
        return EXIT_BAD_USAGE
    if not CONF.debug:
        # alembic's INFO lines would land on stdout between our output
        # (oslo.log writes there), breaking `nova-manage db version` and
        # `nova-status upgrade check --json` for scripts.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    # The configuration may differ from what a previous run in this process
    # read (tests call main() repeatedly); rebuild the database managers.
    api_db_api.reset_context_manager()
    main_db_api.reset_context_managers()
    objects.register_all()
    LOG.debug("Configuration files %s; [api_database] connection %s; [database] "
              "connection %s", CONF.config_file, _masked(CONF.api_database.connection),
              _masked(CONF.database.connection))
    return None


def _masked(url):
    """The URL with its password hidden, for logs; None stays None."""
    if not url:
        return url
    try:
        return sa_url.make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is reported by the action itself
        return "<unparsable URL>"
