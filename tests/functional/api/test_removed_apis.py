"""APIs upstream removed answer 410 Gone on every method they had."""

import pytest

from nova.api.openstack.compute import removed
from tests.functional.api import client


def _cases():
    for path, methods in removed.REMOVED_ROUTES.items():
        concrete = (path.replace("{server_id}", "4c2b4c8e-0b8a-4f0e-9f6e-0c6b2b1d7a11")
                    .replace("{domain_id}", "example.org").replace("{id}", "x1"))
        for method in methods:
            yield method, concrete


@pytest.mark.parametrize("method, path", list(_cases()))
def test_removed_route_is_gone(api_app, method, path):
    api = client.APIClient(api_app, token="alice:p1", version="2.1")
    body = {"x": {}} if method in ("POST", "PUT") else None
    resp = api.request(method, "/v2.1" + path, body=body)
    assert resp.status_int == 410, (method, path, resp.body)
    assert resp.json["computeFault"]["code"] == 410


def test_removed_route_is_gone_at_the_latest_version_too(api_app):
    resp = client.APIClient(api_app, version="latest").get("/v2.1/os-cells")
    assert resp.status_int == 410
