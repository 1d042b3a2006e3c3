"""The console proxy's request checks: where the token is, which origins pass."""

import ssl
import types

import oslo_messaging as messaging
import pytest

from nova import exception
from nova.console import websocketproxy as wsp


@pytest.mark.parametrize("path, headers, token", [
    ("/?token=abc", {}, "abc"),
    ("/websockify?token=abc&title=vm", {}, "abc"),
    ("/?path=%3Ftoken%3Dabc", {}, "abc"),
    ("/", {"Cookie": "other=1; token=abc"}, "abc"),
    ("/?token=abc", {"Cookie": "token=zzz"}, "abc"),  # the query wins
    ("/", {}, None),
    ("/?path=%3Fother%3D1", {}, None),
    ("/", {"Cookie": "bad cookie;;=\x00"}, None),
])
def test_token_from_request(path, headers, token):
    assert wsp.token_from_request(path, headers) == token


def _origin(origin, host="proxy.example:6080", **extra):
    headers = {"Host": host, **extra}
    if origin is not None:
        headers["Origin"] = origin
    return headers


@pytest.mark.parametrize("headers, is_tls, allowed, base_url", [
    (_origin(None), False, [], None),                                    # not a browser
    (_origin("http://proxy.example:6080"), False, [], None),
    (_origin("http://PROXY.example"), False, [], None),
    (_origin("https://proxy.example"), True, [], None),
    (_origin("http://dash.example"), False, ["dash.example"], None),
    (_origin("http://[::1]:6080", host="[::1]:6080"), False, [], None),
    # TLS ended in front of the proxy: the forwarded scheme, or the public URL's.
    (_origin("https://proxy.example", **{"X-Forwarded-Proto": "https"}), False, [], None),
    (_origin("https://proxy.example"), False, [], "https://proxy.example/vnc_lite.html"),
])
def test_origins_that_pass(headers, is_tls, allowed, base_url):
    wsp.check_origin(headers, is_tls, allowed, base_url)


HTTP_BASE = "http://proxy.example:6080/vnc_lite.html"
HTTPS_BASE = "https://proxy.example/vnc_lite.html"


@pytest.mark.parametrize("headers, is_tls, base_url, message", [
    (_origin("http://evil.example"), False, HTTP_BASE, "does not match this host"),
    (_origin("null"), False, HTTP_BASE, "not valid"),
    (_origin("https://proxy.example"), False, HTTP_BASE, "protocol does not match"),
    (_origin("http://proxy.example"), True, HTTPS_BASE, "protocol does not match"),
    (_origin("ftp://proxy.example"), False, HTTP_BASE, "protocol does not match"),
])
def test_origins_refused_with_400(headers, is_tls, base_url, message):
    with pytest.raises(wsp.ConsoleRefused, match=message) as info:
        wsp.check_origin(headers, is_tls, [], base_url)
    assert info.value.code == 400


def test_tokens_never_reach_the_log_text():
    assert wsp.mask_token("Path: '/?token=5e3c-11&title=x'") == "Path: '/?token=***&title=x'"
    assert wsp.mask_token("/?path=%3Ftoken%3D5e3c-11") == "/?path=%3Ftoken%3D***"


def test_no_token_is_refused_without_a_database_lookup():
    with pytest.raises(wsp.ConsoleRefused) as info:
        wsp.validate_token(None, None)
    assert info.value.code == 403


def test_ssl_minimum_version_adds_protocol_floors():
    default = wsp.ssl_options("default")
    assert not default & ssl.OP_NO_TLSv1_2
    assert wsp.ssl_options("tlsv1_2") & ssl.OP_NO_TLSv1_1
    assert wsp.ssl_options("tlsv1_3") & ssl.OP_NO_TLSv1_2
    assert wsp.ssl_options("tlsv1_3") & default == default


class _ComputeAPI:
    """Stands in for the compute RPC client: answers or raises as told."""

    def __init__(self, answer):
        self.answer = answer
        self.asked = []

    def validate_console_port(self, context, instance, port, console_type):
        self.asked.append((instance.uuid, port, console_type))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def token_and_instance(monkeypatch):
    console = types.SimpleNamespace(instance_uuid="i-1", port=5901, console_type="novnc")
    instance = types.SimpleNamespace(uuid="i-1", host="compute1")
    lookups = {"i-1": instance}

    def get_by_uuid(context, uuid):
        if uuid not in lookups:
            raise exception.InstanceNotFound(instance_id=uuid)
        return lookups[uuid]

    wsp.objects.register_all()
    monkeypatch.setattr(wsp.objects.Instance, "get_by_uuid", staticmethod(get_by_uuid))
    return console, instance, lookups


def test_console_port_confirmed_by_the_host_passes(token_and_instance):
    console, _, _ = token_and_instance
    api = _ComputeAPI(True)
    wsp.check_console_port(None, console, api)
    assert api.asked == [("i-1", 5901, "novnc")]


@pytest.mark.parametrize("answer, code", [
    (False, 403),  # the port is another guest's now
    (messaging.MessagingTimeout("no answer"), 503),
])
def test_console_port_the_host_denies_or_does_not_confirm_is_refused(
        token_and_instance, answer, code):
    console, _, _ = token_and_instance
    with pytest.raises(wsp.ConsoleRefused) as info:
        wsp.check_console_port(None, console, _ComputeAPI(answer))
    assert info.value.code == code


def test_token_of_a_deleted_or_unplaced_instance_is_refused(token_and_instance):
    console, instance, lookups = token_and_instance
    instance.host = None
    with pytest.raises(wsp.ConsoleRefused, match="on no host"):
        wsp.check_console_port(None, console, _ComputeAPI(True))
    del lookups["i-1"]
    with pytest.raises(wsp.ConsoleRefused, match="no longer exists") as info:
        wsp.check_console_port(None, console, _ComputeAPI(True))
    assert info.value.code == 403


def test_a_host_too_old_to_answer_is_not_asked_again(token_and_instance):
    console, _, _ = token_and_instance
    too_old = exception.ComputeHostTooOld(method="validate_console_port", version="6.4",
                                          version_cap="6.2")
    wsp.check_console_port(None, console, _ComputeAPI(too_old))  # no refusal
