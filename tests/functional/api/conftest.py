"""Fixtures of the API functional tests."""

import pytest

from nova import policy
from tests.functional.api import client


@pytest.fixture
def api_app(conf_fixture):
    """The real paste pipeline with noauth2, as nova-api serves it."""
    yield client.load_api(conf_fixture)
    policy.reset()
