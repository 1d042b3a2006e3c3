"""The enginefacade managers read nova.conf lazily and never connect on import."""

import socket
import subprocess
import sys
import time

import pytest
from oslo_db import exception as db_exc

from nova.conf import CONF
from nova.db import conf_facade
from nova.db.api import api as api_db_api
from nova.db.main import api as main_db_api
from tests.fixtures.database import reset_engines


@pytest.fixture
def fresh_engines():
    reset_engines()
    yield
    reset_engines()


def test_importing_the_db_layer_opens_no_connection():
    # A fresh interpreter: nova-compute imports these modules without any
    # database configured, and nothing may try to connect.
    code = (
        "import nova.context, nova.db.migration\n"
        "from nova.db.api import api\n"
        "from nova.db.main import api as main\n"
        "assert not api.context_manager.is_started\n"
        "assert not main.main_context_manager.is_started\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_api_database_reads_its_own_group_at_first_use(tmp_path, conf_fixture,
                                                       fresh_engines):
    conf_fixture.config(connection=f"sqlite:///{tmp_path}/api.db", group="api_database")
    conf_fixture.config(connection=f"sqlite:///{tmp_path}/cell.db", group="database")

    assert api_db_api.get_engine().url.database == f"{tmp_path}/api.db"
    assert main_db_api.get_engine().url.database == f"{tmp_path}/cell.db"


def test_reset_rereads_configuration(tmp_path, conf_fixture, fresh_engines):
    conf_fixture.config(connection=f"sqlite:///{tmp_path}/one.db", group="api_database")
    assert api_db_api.get_engine().url.database == f"{tmp_path}/one.db"

    conf_fixture.config(connection=f"sqlite:///{tmp_path}/two.db", group="api_database")
    # Started engines keep their URL until reset.
    assert api_db_api.get_engine().url.database == f"{tmp_path}/one.db"
    api_db_api.reset_context_manager()
    assert api_db_api.get_engine().url.database == f"{tmp_path}/two.db"


def test_unset_connection_fails_at_use_not_before(conf_fixture, fresh_engines):
    conf_fixture.config(connection=None, group="api_database")
    with pytest.raises(db_exc.CantStartEngineError):
        api_db_api.get_engine()


def test_cell_managers_are_cached_per_url(tmp_path, fresh_engines):
    one = main_db_api.create_context_manager(f"sqlite:///{tmp_path}/c1.db")
    assert main_db_api.create_context_manager(f"sqlite:///{tmp_path}/c1.db") is one
    assert main_db_api.create_context_manager(f"sqlite:///{tmp_path}/c2.db") is not one
    assert not one.is_started


def test_get_context_manager_prefers_the_targeted_cell(tmp_path, fresh_engines):
    class Ctx:
        db_connection = None

    ctxt = Ctx()
    assert main_db_api.get_context_manager(ctxt) is main_db_api.main_context_manager
    assert main_db_api.get_context_manager(None) is main_db_api.main_context_manager
    ctxt.db_connection = main_db_api.create_context_manager(f"sqlite:///{tmp_path}/c.db")
    assert main_db_api.get_context_manager(ctxt) is ctxt.db_connection


def test_facade_options_from_group(conf_fixture):
    conf_fixture.config(connection="mysql+pymysql://a@db/nova", max_pool_size=7,
                        slave_connection="mysql+pymysql://a@replica/nova",
                        group="database")
    from nova.conf import CONF

    options = conf_facade.facade_options(CONF.database)
    assert options["connection"] == "mysql+pymysql://a@db/nova"
    assert options["slave_connection"] == "mysql+pymysql://a@replica/nova"
    assert options["max_pool_size"] == 7
    assert options["expire_on_commit"] is False

    cell = conf_facade.facade_options(CONF.database, connection="sqlite://")
    assert cell["connection"] == "sqlite://"
    assert "slave_connection" not in cell
    assert cell["max_pool_size"] == 7


@pytest.fixture
def api_defaults():
    conf_facade.set_api_defaults(CONF)
    yield
    for group in ("database", "api_database"):
        CONF.clear_default("max_retries", group=group)


def _refused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: connections are refused


def test_nova_api_does_not_wait_for_a_database_that_is_down(conf_fixture, fresh_engines,
                                                          api_defaults):
    assert (CONF.database.max_retries, CONF.api_database.max_retries) == (0, 0)
    conf_fixture.config(connection=f"mysql+pymysql://nova@127.0.0.1:{_refused_port()}/nova",
                        group="api_database")
    start = time.monotonic()
    with pytest.raises(db_exc.DBConnectionError):
        api_db_api.get_engine().connect()
    assert time.monotonic() - start < 2


def test_nova_api_keeps_a_configured_max_retries(conf_fixture, api_defaults):
    conf_fixture.config(max_retries=5, group="database")
    assert CONF.database.max_retries == 5
