"""Fixtures of the API unit tests."""

import pytest

import nova.conf
from nova import policy


@pytest.fixture
def api_conf(conf_fixture):
    """nova's CONF parsed with no files (policy needs a parsed CONF), reset after."""
    nova.conf.CONF([], project="nova", default_config_files=[])
    policy.reset()
    yield conf_fixture
    policy.reset()
