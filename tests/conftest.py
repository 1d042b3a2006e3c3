"""Suite-wide pytest configuration: the fixture plugins every tier may use.

Add a plugin module of your own to ``pytest_plugins`` below (one line each).
"""

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.placement",
]
