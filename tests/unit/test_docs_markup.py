"""README.rst and doc/source/*.rst parse as reStructuredText without errors.

A malformed table or literal block renders as garbage (or vanishes) on
the page a user reads, and the docs test of tests/integration cannot find
the commands of a block that did not parse. Sphinx's own markup (``:doc:``,
``toctree``) is accepted as it is.
"""

import io
import pathlib

import pytest
from docutils import core, nodes
from docutils.parsers.rst import Directive, directives, roles

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
PAGES = [REPO_ROOT / "README.rst", *sorted((REPO_ROOT / "doc" / "source").glob("*.rst"))]


class _Toctree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.unchanged}

    def run(self):
        return []


def _doc_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


roles.register_local_role("doc", _doc_role)
directives.register_directive("toctree", _Toctree)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_parses_without_warnings(page):
    messages = io.StringIO()
    core.publish_doctree(page.read_text(), source_path=str(page), settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": messages})
    assert messages.getvalue() == ""
