"""Fixtures of the network service's functional tests."""

import pytest

from nova import objects


@pytest.fixture(autouse=True, scope="session")
def _register_objects():
    objects.register_all()
