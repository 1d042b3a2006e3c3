"""Serial console ports: picked from [serial_console] port_range, never twice."""

import socket

import pytest

from nova import exception
from nova.conf import CONF
from nova.console import serial


@pytest.fixture
def port_range():
    def set_range(value):
        CONF.set_override("port_range", value, group="serial_console")
    yield set_range
    CONF.clear_override("port_range", group="serial_console")


def _free_port_pair():
    """Two adjacent free loopback ports (low, low + 1)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            low = sock.getsockname()[1]
        if low < 65535 and serial._bindable("127.0.0.1", low + 1):
            return low
    pytest.fail("no two adjacent free ports")


@pytest.mark.parametrize("value", ["10:5", "0:10", "1:70000", "a:b", "10"])
def test_malformed_ranges_are_refused(value):
    with pytest.raises(exception.SocketPortInvalidException):
        serial.parse_port_range(value)


def test_ports_are_handed_out_once_and_given_back(port_range):
    low = _free_port_pair()
    port_range(f"{low}:{low + 1}")
    first = serial.acquire_port("127.0.0.1")
    second = serial.acquire_port("127.0.0.1")
    try:
        assert {first, second} == {low, low + 1}
        with pytest.raises(exception.SocketPortRangeExhaustedException):
            serial.acquire_port("127.0.0.1")
        serial.release_port("127.0.0.1", first)
        assert serial.acquire_port("127.0.0.1") == first
    finally:
        serial.release_port("127.0.0.1", first)
        serial.release_port("127.0.0.1", second)


def test_a_port_something_listens_on_or_reserved_is_skipped(port_range):
    low = _free_port_pair()
    port_range(f"{low}:{low + 1}")
    with socket.create_server(("127.0.0.1", low)):
        serial.reserve_port("127.0.0.1", low + 1)  # a guest defined before a restart
        try:
            with pytest.raises(exception.SocketPortRangeExhaustedException):
                serial.acquire_port("127.0.0.1")
        finally:
            serial.release_port("127.0.0.1", low + 1)
