#!/usr/bin/env python3
"""Rewrite doc/source/openapi.json, the OpenAPI 3.1 document of the Compute API.

    .venv/bin/python tools/gen-openapi.py

The document is built from the route table and the handlers' request
schemas (nova.api.openstack.openapi); nova-api serves the same at
GET /openapi.json. tests/unit/api/test_openapi.py fails when the copy is stale.
"""

import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import nova.conf  # noqa: E402
from nova.api.openstack import openapi  # noqa: E402
from nova.api.openstack.compute import routes  # noqa: E402

DOCUMENT = REPO / "doc" / "source" / "openapi.json"


def main():
    nova.conf.CONF([], project="nova", default_config_files=[])
    DOCUMENT.write_text(openapi.as_json(openapi.build(routes.route_table())))


if __name__ == "__main__":
    main()
