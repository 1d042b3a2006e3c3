"""Run the YAML API stories under gabbits/ (one pytest test per request).

Each file there reads top to bottom as a story of requests and expected
responses against the real paste pipeline (noauth2); see gabbi's docs for
the format. Add a file per resource; the defaults at its top set the token
and microversion.
"""

import pathlib

from gabbi import driver
from gabbi.driver import test_pytest  # noqa: F401  (the test gabbi parametrizes)

from tests.functional.api import gabbi_fixtures

GABBITS = pathlib.Path(__file__).parent / "gabbits"


def pytest_generate_tests(metafunc):
    driver.py_test_generator(
        str(GABBITS), intercept=gabbi_fixtures.setup_app,
        fixture_module=gabbi_fixtures, metafunc=metafunc, test_loader_name=__name__)
