"""[database] and [api_database]: where the cell and API databases live.

[database] is oslo.db's own group and points at a cell database (cell0 or a
cell); nova-compute must leave it unset, because compute reaches the cell
database only through nova-conductor. [api_database] has the same options and
points at the API database (flavors, cell mappings, build requests, ...).
"""

import copy

from oslo_config import cfg
from oslo_db import options as oslo_db_options

_DEFAULT_SQL_CONNECTION = "sqlite:///$state_path/nova.sqlite"
_DEFAULT_API_SQL_CONNECTION = "sqlite:///$state_path/nova_api.sqlite"

api_db_group = cfg.OptGroup(
    "api_database",
    title="API database options",
    help="""
The API database holds global data: flavors, key pairs, server groups,
aggregates, quotas, cell and host mappings, instance mappings, build requests
and request specs. Every nova-api, nova-conductor and nova-scheduler needs it;
nova-compute must not have it.
""",
)


def _api_db_opts():
    # The API database takes oslo.db's option set under its own group, so that
    # a deployment tunes both pools with the same names.
    opts = copy.deepcopy(oslo_db_options.database_opts)
    for opt in opts:
        if opt.name == "connection":
            opt.help = (
                "SQLAlchemy URL of the API database, e.g. "
                "mysql+pymysql://nova:secret@db/nova_api or "
                "postgresql+psycopg2://nova@db/nova_api. Default: unset (no "
                "API database; nova-manage api_db commands then fail). "
                "Related options: [database] connection."
            )
    return opts


API_DB_OPTS = _api_db_opts()


def register_opts(conf):
    """Register [database] (from oslo.db) and [api_database] on ``conf``."""
    oslo_db_options.set_defaults(conf)
    conf.register_group(api_db_group)
    conf.register_opts(API_DB_OPTS, group=api_db_group)


def set_defaults(conf):
    """Set nova's defaults for oslo.db options (none yet beyond oslo.db's)."""
    oslo_db_options.set_defaults(conf)


def list_opts():
    """Return both groups' options for the config generator."""
    return {
        "database": oslo_db_options.database_opts,
        api_db_group: API_DB_OPTS,
    }
