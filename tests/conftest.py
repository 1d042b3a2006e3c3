"""Suite-wide pytest configuration: the fixture plugins every tier may use.

Add a plugin module of your own to ``pytest_plugins`` below (one line each).
"""

import nova  # noqa: F401  (first: selects native threads before any oslo import)

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.placement",
    "tests.fixtures.images",
    "tests.fixtures.services",
    "tests.fixtures.notifications",
]
