"""Fixtures for object round trips against a real database.

The databases come from tests/fixtures/database.py (``databases``: fresh
API and cell databases synced to head, SQLite unless the test also asks for
``db_backend``, which runs it on MariaDB and PostgreSQL too).
"""

import pytest

from nova import context as nova_context
from nova import objects


@pytest.fixture(autouse=True, scope="session")
def _register_objects():
    objects.register_all()


@pytest.fixture
def admin_ctx(databases):
    """An admin context on fresh databases."""
    return nova_context.get_admin_context()


@pytest.fixture
def user_ctx(databases):
    """A non-admin context of user1 in project1, on the same databases."""
    return nova_context.RequestContext(user_id="user1", project_id="project1")
