"""Run the YAML API stories under gabbits/, one pytest test per file.

Each file reads top to bottom as a story of requests and expected responses
against the real paste pipeline (noauth2); see gabbi's documentation for the
format. The stories run through gabbi's unittest suites rather than its
pytest plugin: the plugin re-parses every collected test id in the session
and breaks on ids containing ":" (policy rule names, for example).
"""

import pathlib
import unittest
import uuid

import pytest
from gabbi import handlers, suitemaker, utils

from tests.functional.api import gabbi_fixtures

GABBITS = pathlib.Path(__file__).parent / "gabbits"


def _describe(failures):
    return "\n\n".join(f"{test.id()}\n{trace}" for test, trace in failures)


@pytest.mark.parametrize("story", sorted(GABBITS.glob("*.yaml")), ids=lambda path: path.stem)
def test_story(story):
    suite_dict = utils.load_yaml(yaml_file=str(story))
    suite = suitemaker.test_suite_from_dict(
        unittest.TestLoader(), story.stem, suite_dict, str(GABBITS),
        host=str(uuid.uuid4()), port=None, fixture_module=gabbi_fixtures,
        intercept=gabbi_fixtures.setup_app, test_loader_name=__name__,
        handlers=[handler() for handler in handlers.RESPONSE_HANDLERS])
    result = unittest.TestResult()
    suite.run(result)
    assert not (result.failures or result.errors), _describe(result.failures + result.errors)
    assert result.testsRun == len(suite_dict["tests"])
