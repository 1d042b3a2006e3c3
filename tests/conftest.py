"""Suite-wide pytest configuration: the fixture plugins every tier may use.

Add a plugin module of your own to ``pytest_plugins`` below (one line each).

The whole suite runs on two pytest-xdist workers (tools/run-tests.sh:
``-n 2 --dist loadgroup``): every integration test is in one xdist group,
everything else in another, so the integration tier (real guests, private
quickstarts) runs in order on one worker while the unit and functional
tiers run in order on the other. Neither tier then runs beside itself,
and the run takes about as long as the integration tier.
"""

import pathlib

import pytest

import nova  # noqa: F401  (first: selects native threads before any oslo import)

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.placement",
    "tests.fixtures.images",
    "tests.fixtures.services",
    "tests.fixtures.notifications",
]


_INTEGRATION = pathlib.Path(__file__).parent / "integration"


def pytest_collection_modifyitems(config, items):
    """Put each test in the xdist group of its tier (see the module docstring)."""
    for item in items:
        in_integration = _INTEGRATION in pathlib.Path(str(item.path)).parents
        item.add_marker(pytest.mark.xdist_group("integration" if in_integration else "fast"))
