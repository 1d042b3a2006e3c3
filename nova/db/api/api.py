"""Engine and transactions of the API database ([api_database]).

Objects of the API database open transactions with this module's
``context_manager``::

    @api.context_manager.writer
    def _create_in_db(context, values):
        context.session.add(...)

The manager reads [api_database] on first use, never at import.
"""

from nova.db import conf_facade

_GROUP = "api_database"

#: enginefacade transaction context of the API database.
context_manager = conf_facade.group_context_manager(_GROUP)


def get_engine():
    """Return the SQLAlchemy Engine of the API database (connects lazily).

    :raises oslo_db.exception.CantStartEngineError: [api_database] connection
        is not set.
    """
    return context_manager.writer.get_engine()


def reset_context_manager():
    """Dispose the API database's engine; the next use re-reads [api_database].

    For tests and for nova-manage, which may change the configuration after
    a first connection.
    """
    conf_facade.reset_group_context_manager(context_manager, _GROUP)
