"""Handler variants per microversion (wsgi.api_version) and status codes."""

import pytest

from nova import exception
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import wsgi


def _request(version):
    req = wsgi.Request.blank("/")
    req.api_version_request = avr.APIVersionRequest(version)
    return req


class Controller:
    def __init__(self):
        self.prefix = "c"

    @wsgi.api_version("2.1", "2.46")
    def show(self, req, id):
        return f"{self.prefix}:old:{id}"

    @show.add_version("2.47")
    @wsgi.response(202)
    def show(self, req, id):  # noqa: F811
        return f"{self.prefix}:new:{id}"

    @wsgi.response(204)
    @wsgi.api_version("2.10")
    def delete(self, req, id):
        return None


@wsgi.api_version("2.5", "2.6")
def plain(req):
    return "plain"


@pytest.mark.parametrize("version, expected", [("2.1", "c:old:7"), ("2.46", "c:old:7"),
                                               ("2.47", "c:new:7"), ("2.90", "c:new:7")])
def test_method_variant_follows_the_request_version(version, expected):
    assert Controller().show(_request(version), id="7") == expected


def test_plain_function_variant():
    assert plain(_request("2.5")) == "plain"


@pytest.mark.parametrize("version", ["2.4", "2.7"])
def test_version_outside_every_range_is_not_found(version):
    with pytest.raises(exception.VersionNotFoundForAPIMethod) as err:
        plain(_request(version))
    assert err.value.code == 404


def test_overlapping_ranges_are_refused_at_import_time():
    @wsgi.api_version("2.1", "2.10")
    def handler(req):
        return 1

    with pytest.raises(ValueError, match="overlaps"):
        @handler.add_version("2.10")
        def handler(req):  # noqa: F811
            return 2


def test_response_code_is_visible_on_bound_handlers():
    controller = Controller()
    assert wsgi.default_code(controller.delete) == 204
    assert wsgi.default_code(Controller.delete) == 204


def test_response_code_of_one_variant_stays_with_that_variant():
    controller = Controller()
    assert wsgi.default_code(controller.show, avr.APIVersionRequest("2.47")) == 202
    assert wsgi.default_code(controller.show, avr.APIVersionRequest("2.1")) is None


def test_versioned_method_wrapped_by_another_decorator_still_dispatches():
    def passthrough(func):
        def wrapper(*args, **kwargs):
            return func(*args, **kwargs)
        return wrapper

    class Wrapped:
        @passthrough
        @wsgi.api_version("2.1", "2.1")
        def show(self, req):
            return ("v21", self)

        @passthrough
        @wsgi.api_version("2.2")
        def index(self, req):
            return "v22"

    controller = Wrapped()
    assert controller.show(_request("2.1")) == ("v21", controller)
    assert controller.index(_request("2.3")) == "v22"


def test_request_without_negotiated_version_has_the_null_version():
    assert wsgi.Request.blank("/").api_version_request.is_null()
