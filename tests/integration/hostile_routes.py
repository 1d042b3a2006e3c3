"""Hostile requests generated over every route of the v2.1 route table.

``corpus()`` substitutes hostile values for every path parameter of every
route and method (non-UTF-8 escapes, a NUL, an id of 300 characters, a
negative and a huge number, a path traversal), sends PUT and POST bodies
that are not JSON, and adds junk query strings to every collection. None
of them may change anything, and a user is owed a 4xx fault (a few GETs of
a project's quota legitimately answer 200 for any project id), never a 5xx
or a dropped connection.
"""

import re

from nova.api.openstack.compute import routes

HOSTILE_VALUES = [b"%ff%fe", b"%00", b"x" * 300, b"-1", b"9" * 30, b"..%2f..%2fetc"]
HOSTILE_QUERIES = [b"?limit=abc", b"?marker=%ff", b"?limit=99999999999999999999",
                   b"?sort_key=%00&sort_dir=sideways", b"?changes-since=yesterday"]
AUTH = b"Host: t\r\nX-Auth-Token: admin:admin\r\nConnection: close\r\n"


def _request(method, path, body=None):
    head = method.encode() + b" " + path + b" HTTP/1.1\r\n" + AUTH
    if body is None:
        return head + b"\r\n"
    return (head + b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


def corpus():
    """[(label str, raw request bytes)] over every route of the route table."""
    requests = []
    for template, methods in routes.route_table(lambda: None).items():
        if template == "/":
            continue
        params = re.findall(r"\{[^}]+\}", template)
        for method in methods:
            body = b'{"not json' if method in ("PUT", "POST") else None
            if not params:
                if method == "GET":
                    for query in HOSTILE_QUERIES:
                        path = b"/v2.1" + template.encode() + query
                        requests.append((f"GET {template}{query.decode()}",
                                         _request(method, path)))
                elif body is not None:
                    requests.append((f"{method} {template} (body not JSON)",
                                     _request(method, b"/v2.1" + template.encode(), body)))
                continue
            for value in HOSTILE_VALUES:
                path = template.encode()
                for param in params:
                    path = path.replace(param.encode(), value)
                label = f"{method} {template} with {value[:12].decode()}"
                requests.append((label, _request(method, b"/v2.1" + path, body)))
    return requests
