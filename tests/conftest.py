"""Suite-wide pytest configuration: the fixture plugins every tier may use.

Add a plugin module of your own to ``pytest_plugins`` below (one line each).

The whole suite runs on two pytest-xdist workers (tools/run-tests.sh:
``-n 2 --dist loadfile``): each test module goes whole to one worker, so a
module's fixtures (one private quickstart per integration module) and the
order of its tests stay as in a single process, while two modules run side
by side. The integration modules are written for that: each private
quickstart has its own names, ports, databases and vhost, and the shared
virtualenvs and guest image builds take file locks.
"""

import nova  # noqa: F401  (first: selects native threads before any oslo import)

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.placement",
    "tests.fixtures.images",
    "tests.fixtures.services",
    "tests.fixtures.notifications",
    "tests.fixtures.fault_injection",
    "tests.fixtures.integration_order",
]

