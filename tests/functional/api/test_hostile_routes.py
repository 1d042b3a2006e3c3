"""Hostile input on every route of a whole in-process cloud (issue 14 item 7).

The corpus of tests/integration/hostile_routes.py (hostile path parameters,
bodies that are not JSON, junk query strings, generated from the route
table) sent byte for byte to the functional cloud's API: no 5xx, no dropped
connection, every 4xx in the fault format. The fault-injection suite sends
the same corpus to nova-api as a process.
"""

import json
import urllib.parse

from tests.functional.api.test_hostile_clients import exchange
from tests.integration import hostile_routes


def test_every_route_answers_hostile_input_without_5xx(nova_cloud):
    port = urllib.parse.urlsplit(nova_cloud.api.base_url).port
    wrong = {}
    for name, request in hostile_routes.corpus():
        try:
            status, _, body = exchange(port, request)
        except (OSError, AssertionError) as exc:
            wrong[name] = f"dropped: {exc!r}"
            continue
        if status >= 500:
            wrong[name] = f"{status} {body[:300]!r}"
        elif status >= 400:
            fault = json.loads(body)
            if len(fault) != 1 or next(iter(fault.values())).get("code") != status:
                wrong[name] = f"{status} not in the fault format: {body[:200]!r}"
    assert not wrong, wrong
