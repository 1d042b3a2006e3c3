"""Which fault-injection experiments a run collects (tests/fixtures/fault_injection.py)."""

import pytest

from tests.fixtures import fault_injection

CI = pytest.mark.fault_injection(ci=True).mark
NOT_CI = pytest.mark.fault_injection(ci=False).mark
BARE = pytest.mark.fault_injection.mark


class Item:
    def __init__(self, *marks):
        self.marks = marks

    def iter_markers(self, name):
        return (mark for mark in self.marks if mark.name == name)

    def get_closest_marker(self, name):
        return next(self.iter_markers(name), None)


class Hook:
    def __init__(self):
        self.deselected = []

    def pytest_deselected(self, items):
        self.deselected.extend(items)


class Config:
    def __init__(self, option=None):
        self.option = option
        self.hook = Hook()

    def getoption(self, name):
        assert name == "--fault-injection"
        return self.option


@pytest.mark.parametrize("marks, in_ci", [
    ((BARE, CI), True),
    ((BARE,), False),
    ((BARE, CI, NOT_CI), False),  # a CI test on the on-demand database
])
def test_ci_subset(marks, in_ci):
    assert fault_injection.in_ci_subset(Item(*marks)) is in_ci


def test_default_deselects_what_ci_does_not_run(monkeypatch):
    monkeypatch.delenv(fault_injection.ENV, raising=False)
    ci, other, unmarked = Item(BARE, CI), Item(BARE), Item()
    items = [ci, other, unmarked]
    config = Config()
    fault_injection.pytest_collection_modifyitems(config, items)
    assert items == [ci, unmarked]
    assert config.hook.deselected == [other]


@pytest.mark.parametrize("option, env", [("all", None), (None, "all")])
def test_all_on_demand(monkeypatch, option, env):
    if env:
        monkeypatch.setenv(fault_injection.ENV, env)
    else:
        monkeypatch.delenv(fault_injection.ENV, raising=False)
    items = [Item(BARE, CI), Item(BARE)]
    config = Config(option)
    fault_injection.pytest_collection_modifyitems(config, list(items))
    assert config.hook.deselected == []


def test_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv(fault_injection.ENV, "all")
    assert fault_injection.selection(Config("ci")) == "ci"
