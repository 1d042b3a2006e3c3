"""Unit tests of nova-status's Placement check (the adapter is faked)."""

from unittest import mock

import pytest
from keystoneauth1 import exceptions as ks_exc
from oslo_upgradecheck import upgradecheck

from nova.cmd import status


def _placement_answering(max_version=None, error=None):
    adapter = mock.Mock()
    if error is not None:
        adapter.get.side_effect = error
    else:
        adapter.get.return_value.json.return_value = {
            "versions": [{"id": "v1.0", "min_version": "1.0", "max_version": max_version}]}
    return mock.patch.object(status.report, "get_placement_adapter", return_value=adapter)


def test_min_placement_microversion_is_what_the_client_sends():
    assert status.MIN_PLACEMENT_MICROVERSION == "1.36"


def test_new_enough_placement_succeeds():
    with _placement_answering("1.39"):
        result = status.UpgradeCommands()._check_placement()
    assert result.code == upgradecheck.Code.SUCCESS


def test_too_old_placement_fails():
    with _placement_answering("1.30"):
        result = status.UpgradeCommands()._check_placement()
    assert result.code == upgradecheck.Code.FAILURE
    assert result.details == "Placement API version 1.36 needed, you have 1.30."


@pytest.mark.parametrize("error, text", [
    (ks_exc.ConnectFailure("refused"), "Placement API does not seem to be running"),
    (ks_exc.EndpointNotFound(), "Placement API endpoint not found."),
    (ks_exc.Unauthorized(), "Placement service credentials do not work."),
    (ks_exc.MissingAuthPlugin(), "No credentials specified for the Placement API"),
])
def test_unusable_placement_fails(error, text):
    with _placement_answering(error=error):
        result = status.UpgradeCommands()._check_placement()
    assert result.code == upgradecheck.Code.FAILURE
    assert result.details.startswith(text)


def test_placement_without_a_version_document_fails():
    with _placement_answering(max_version=None) as get_adapter:
        get_adapter.return_value.get.return_value.json.return_value = {"nope": 1}
        result = status.UpgradeCommands()._check_placement()
    assert result.code == upgradecheck.Code.FAILURE
    assert "without a version document" in result.details
