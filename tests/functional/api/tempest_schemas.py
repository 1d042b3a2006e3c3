"""Check response bodies against tempest.lib's compute response schemas.

tempest (from PyPI, test-requirements.txt) is used as a library: its
service clients list, per microversion range, the JSON schema upstream's
answers satisfy (``schema_versions_info``); ``validate`` picks the one of
the microversion asked and checks status code and body with tempest's own
validator, so a body upstream's clients would refuse fails the test.
"""

import types

from tempest.lib.common import api_version_request, rest_client


def schema_module(client_class, version):
    """Return tempest's schema module of ``client_class`` for microversion ``version``.

    :param client_class: a tempest.lib.services.compute client class with
        ``schema_versions_info`` (e.g. ServersClient).
    :param version: "2.N".
    :raises LookupError: no range of the client holds ``version``.
    """
    wanted = api_version_request.APIVersionRequest(version)
    for info in client_class.schema_versions_info:
        low = api_version_request.APIVersionRequest(info["min"])
        high = api_version_request.APIVersionRequest(info["max"])
        if wanted.matches(low, high):
            return info["schema"]
    raise LookupError(f"{client_class.__name__} has no schema for {version}")


def validate(schema, resp):
    """Validate a requests.Response against one tempest response schema.

    :param schema: e.g. ``schema_module(ServersClient, "2.47").get_server``.
    :raises tempest.lib.exceptions.InvalidHTTPResponseBody: a body the
        schema refuses; InvalidHttpSuccessCode: an unexpected status.
    """
    status = types.SimpleNamespace(status=resp.status_code)
    body = resp.json() if resp.content else None
    rest_client.RestClient.validate_response(schema, status, body)
