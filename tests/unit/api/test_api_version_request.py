"""Microversion parsing, comparison and negotiation."""

import pytest

from nova import exception
from nova.api.openstack import api_version_request as avr


@pytest.mark.parametrize("text, expected", [("2.1", (2, 1)), ("2.0", (2, 0)), ("2.96", (2, 96)),
                                            ("10.100", (10, 100))])
def test_parses_valid_versions(text, expected):
    version = avr.APIVersionRequest(text)
    assert (version.major, version.minor) == expected
    assert version.get_string() == text


@pytest.mark.parametrize("text", ["2", "2.", "2.x", "02.1", "2.01", "2.1.1", "", "v2.1", "-2.1"])
def test_rejects_malformed_versions(text):
    with pytest.raises(exception.InvalidAPIVersionString) as err:
        avr.APIVersionRequest(text)
    assert err.value.code == 400


def test_compares_numerically_not_lexically():
    assert avr.APIVersionRequest("2.10") > avr.APIVersionRequest("2.9")
    assert avr.APIVersionRequest("2.9") < "2.10"
    assert avr.APIVersionRequest("2.10") == avr.APIVersionRequest("2.10")
    assert avr.APIVersionRequest("2.10") >= "2.10"


def test_matches_is_inclusive_and_open_ended():
    version = avr.APIVersionRequest("2.47")
    assert version.matches("2.47", "2.47")
    assert version.matches("2.1", None)
    assert version.matches(None, "2.47")
    assert not version.matches("2.48")
    assert not version.matches(None, "2.46")


def test_null_version_is_below_every_version():
    null = avr.APIVersionRequest()
    assert null.is_null()
    assert null < avr.APIVersionRequest("2.0")
    assert null.get_string() == ""


def test_no_header_means_the_minimum():
    assert avr.negotiate({}, "2.1", "2.50").get_string() == "2.1"


def test_latest_means_the_maximum():
    headers = {"OpenStack-API-Version": "compute latest"}
    assert avr.negotiate(headers, "2.1", "2.50").get_string() == "2.50"


def test_standard_header_wins_over_legacy_header():
    headers = {"OpenStack-API-Version": "compute 2.20", "X-OpenStack-Nova-API-Version": "2.30"}
    assert avr.negotiate(headers, "2.1", "2.50").get_string() == "2.20"


def test_legacy_header_is_honoured():
    headers = {"X-OpenStack-Nova-API-Version": "2.30"}
    assert avr.negotiate(headers, "2.1", "2.50").get_string() == "2.30"


def test_other_services_in_the_standard_header_are_ignored():
    headers = {"OpenStack-API-Version": "volume 3.10, compute 2.12"}
    assert avr.negotiate(headers, "2.1", "2.50").get_string() == "2.12"
    headers = {"OpenStack-API-Version": "placement 1.10"}
    assert avr.negotiate(headers, "2.1", "2.50").get_string() == "2.1"


@pytest.mark.parametrize("requested", ["2.51", "3.0", "2.0"])
def test_versions_outside_the_range_are_not_acceptable(requested):
    headers = {"OpenStack-API-Version": f"compute {requested}"}
    with pytest.raises(exception.InvalidGlobalAPIVersion) as err:
        avr.negotiate(headers, "2.1", "2.50")
    assert err.value.code == 406
    assert err.value.format_message() == (
        f"Version {requested} is not supported by the API. Minimum is 2.1 and maximum is 2.50.")


def test_malformed_header_is_a_bad_request():
    with pytest.raises(exception.InvalidAPIVersionString):
        avr.negotiate({"OpenStack-API-Version": "compute 2.one"}, "2.1", "2.50")


def test_response_headers_name_the_version_in_both_forms():
    headers = dict(avr.response_headers(avr.APIVersionRequest("2.12")))
    assert headers == {
        "OpenStack-API-Version": "compute 2.12",
        "X-OpenStack-Nova-API-Version": "2.12",
        "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
    }


def test_choose_picks_the_highest_minimum_not_above_the_version():
    choices = {"2.1": "base", "2.47": "embedded flavor", "2.73": "locked reason"}
    assert avr.choose(avr.APIVersionRequest("2.1"), choices) == "base"
    assert avr.choose(avr.APIVersionRequest("2.72"), choices) == "embedded flavor"
    assert avr.choose(avr.APIVersionRequest("2.90"), choices) == "locked reason"
    with pytest.raises(ValueError):
        avr.choose(avr.APIVersionRequest("2.0"), choices)


def test_declared_range_is_consistent():
    assert avr.min_api_version() <= avr.max_api_version()
    assert avr.DEFAULT_API_VERSION == avr.MIN_API_VERSION
