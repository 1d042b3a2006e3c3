#!/usr/bin/env python3
"""Rewrite the table of doc/source/server-actions.rst from nova.compute.server_actions.

    .venv/bin/python tools/gen-server-actions-doc.py
"""

import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nova.compute import server_actions  # noqa: E402

PAGE = REPO / "doc" / "source" / "server-actions.rst"
BEGIN = ".. begin table\n"
END = ".. end table\n"


def main():
    text = PAGE.read_text()
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    PAGE.write_text(head + BEGIN + "\n" + server_actions.as_rst() + "\n" + END + tail)


if __name__ == "__main__":
    main()
