"""Unit tests of nova-manage: URL masking, cell0 URL derivation, argument parsing."""

import argparse
import datetime
from unittest import mock

import pytest

from nova import exception
from nova.cmd import manage
from nova.conf import CONF


@pytest.mark.parametrize("url, expected", [
    ("rabbit://guest:secret@127.0.0.1:5672/", "rabbit://guest:****@127.0.0.1:5672/"),
    ("rabbit://a:p1@h1:5672,b:p2@h2:5672/vh?ssl=1",
     "rabbit://a:****@h1:5672,b:****@h2:5672/vh?ssl=1"),
    ("mysql+pymysql://nova:pa:ss@db.example.org/nova?charset=utf8",
     "mysql+pymysql://nova:****@db.example.org/nova?charset=utf8"),
    ("postgresql+psycopg2://nova:x@[::1]:5432/nova", "postgresql+psycopg2://nova:****@[::1]:5432/nova"),
    ("rabbit://guest@127.0.0.1:5672/", "rabbit://guest@127.0.0.1:5672/"),
    ("sqlite:////var/lib/nova/nova.sqlite", "sqlite:////var/lib/nova/nova.sqlite"),
    ("none:///", "none:///"),
    ("", ""),
    (None, None),
])
def test_mask_passwd_in_url(url, expected):
    assert manage.mask_passwd_in_url(url) == expected


@pytest.mark.parametrize("url, expected", [
    ("mysql+pymysql://nova:s%40cret@db:3306/nova?charset=utf8",
     "mysql+pymysql://nova:s%40cret@db:3306/nova_cell0?charset=utf8"),
    ("postgresql+psycopg2://postgres@127.0.0.1/main", "postgresql+psycopg2://postgres@127.0.0.1/main_cell0"),
    ("sqlite:////tmp/nova.sqlite", "sqlite:////tmp/nova.sqlite_cell0"),
])
def test_cell0_database_connection(url, expected):
    assert manage.cell0_database_connection(url) == expected


def test_cell0_database_connection_needs_a_database_name():
    with pytest.raises(ValueError):
        manage.cell0_database_connection("mysql+pymysql://nova@db/")


def _parse(*argv):
    parser = argparse.ArgumentParser(prog="nova-manage")
    manage.add_command_parsers(parser.add_subparsers(dest="category"))
    namespace = parser.parse_args(argv)
    method, kwargs = manage.bind_action(namespace.category, namespace.action,
                                        lambda name: getattr(namespace, name))
    return method.__name__, kwargs


def test_the_command_surface_is_upstreams():
    actions = {category: set(table) for category, (_cls, table) in manage.COMMANDS.items()}
    assert actions == {
        "db": {"version", "sync", "archive_deleted_rows", "purge", "online_data_migrations"},
        "api_db": {"version", "sync"},
        "cell_v2": {"simple_cell_setup", "map_cell0", "map_cell_and_hosts", "map_instances",
                    "verify_instance", "create_cell", "discover_hosts", "list_cells",
                    "delete_cell", "list_hosts", "update_cell", "delete_host"},
        # nova-network's admin commands (upstream until Train).
        "network": {"create", "list", "delete"},
        "floating": {"create", "list", "delete"},
    }


@pytest.mark.parametrize("argv, method, kwargs", [
    (["db", "sync"], "sync", {"version": None, "local_cell": False}),
    (["db", "sync", "--local_cell", "abc123"], "sync", {"version": "abc123", "local_cell": True}),
    (["api_db", "sync", "head"], "sync", {"version": "head"}),
    (["cell_v2", "create_cell", "--name", "cell1", "--transport-url", "rabbit://h/",
      "--database_connection", "sqlite://", "--verbose", "--disabled"], "create_cell",
     {"name": "cell1", "transport_url": "rabbit://h/", "database_connection": "sqlite://",
      "verbose": True, "disabled": True}),
    (["cell_v2", "discover_hosts", "--by-service", "--strict"], "discover_hosts",
     {"cell_uuid": None, "verbose": False, "strict": True, "by_service": True}),
    (["cell_v2", "map_instances", "--cell_uuid", "u", "--max-count", "5", "--reset"],
     "map_instances", {"cell_uuid": "u", "max_count": "5", "reset": True}),
    (["cell_v2", "update_cell", "--cell_uuid", "u", "--disable"], "update_cell",
     {"cell_uuid": "u", "name": None, "transport_url": None, "database_connection": None,
      "disable": True, "enable": False}),
    (["cell_v2", "verify_instance", "--uuid", "i", "--quiet"], "verify_instance",
     {"uuid": "i", "quiet": True}),
    (["cell_v2", "delete_cell", "--force", "--cell_uuid", "u"], "delete_cell",
     {"cell_uuid": "u", "force": True}),
    (["cell_v2", "map_cell0"], "map_cell0", {"database_connection": None}),
    (["db", "archive_deleted_rows"], "archive_deleted_rows",
     {"max_rows": 1000, "verbose": False, "until_complete": False, "before": None,
      "purge": False, "all_cells": False}),
    (["db", "archive_deleted_rows", "--max_rows", "10", "--verbose", "--until-complete",
      "--before", "2020-01-01", "--purge", "--all-cells"], "archive_deleted_rows",
     {"max_rows": 10, "verbose": True, "until_complete": True, "before": "2020-01-01",
      "purge": True, "all_cells": True}),
    (["db", "purge", "--all", "--verbose", "--all-cells"], "purge",
     {"purge_all": True, "before": None, "verbose": True, "all_cells": True}),
    (["db", "purge", "--before", "Oct 21 2015"], "purge",
     {"purge_all": False, "before": "Oct 21 2015", "verbose": False, "all_cells": False}),
    (["db", "online_data_migrations", "--max-count", "5"], "online_data_migrations",
     {"max_count": "5"}),
])
def test_arguments_reach_the_action(argv, method, kwargs):
    assert _parse(*argv) == (method, kwargs)


@pytest.mark.parametrize("argv", [
    ["db"],
    ["cell_v2", "delete_cell"],
    ["cell_v2", "map_instances"],
    ["cell_v2", "create_cell", "--bogus"],
    ["nonsense", "sync"],
])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        _parse(*argv)
    assert exc.value.code == 2


def test_discover_hosts_collision_exits_2(capsys):
    with mock.patch.object(manage.host_mapping_obj, "discover_hosts",
                           side_effect=exception.HostMappingExists(name="compute1")):
        assert manage.CellV2Commands().discover_hosts() == 2
    assert "Duplicate host mapping was encountered" in capsys.readouterr().out


def test_create_cell_without_any_database_url_exits_1(capsys, monkeypatch):
    monkeypatch.setattr(manage, "configured_transport_url", lambda: "rabbit://h/")
    CONF.set_override("connection", None, group="database")
    try:
        assert manage.CellV2Commands().create_cell(name="x") == 1
    finally:
        CONF.clear_override("connection", group="database")
    assert "Must specify --database_connection" in capsys.readouterr().out


@pytest.mark.parametrize("value, expected", [
    ("2015-10-21", datetime.datetime(2015, 10, 21)),
    ("2015-10-21 12:00", datetime.datetime(2015, 10, 21, 12, 0)),
    ("Oct 21 2015", datetime.datetime(2015, 10, 21)),
    # What `date` prints, with a numeric zone: converted to UTC.
    ("Fri May 24 09:20:11 -0500 2019", datetime.datetime(2019, 5, 24, 14, 20, 11)),
    ("2019-05-24T09:20:11+02:00", datetime.datetime(2019, 5, 24, 7, 20, 11)),
])
def test_before_dates_become_naive_utc(value, expected):
    assert manage.parse_before(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2019-13-45", "not a date", "99999999999999"])
def test_bad_before_dates_are_refused(value):
    with pytest.raises(ValueError):
        manage.parse_before(value)
