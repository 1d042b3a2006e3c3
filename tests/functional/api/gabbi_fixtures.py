"""gabbi fixtures and the app factory of the YAML API stories (gabbits/)."""

import pathlib
import tempfile

import sqlalchemy
from gabbi import fixture
from oslo_config import fixture as config_fixture

import nova.conf
from nova import objects, policy
from nova.db import migration
from tests.fixtures import database
from tests.functional.api import client


class APIFixture(fixture.GabbiFixture):
    """nova's CONF parsed empty with [api] auth_strategy = noauth2, undone after.

    Name it in a YAML file's ``fixtures:`` list; the file's requests then go
    to the real api-paste.ini pipeline (see ``setup_app``).
    """

    def start_fixture(self):
        self.conf_fixture = config_fixture.Config(nova.conf.CONF)
        self.conf_fixture.setUp()
        client.load_api(self.conf_fixture)

    def stop_fixture(self):
        policy.reset()
        self.conf_fixture.cleanUp()


class APIDatabaseFixture(fixture.GabbiFixture):
    """A fresh SQLite API database synced to head for one story, deleted after.

    List it after ``APIFixture`` for stories about resources kept in the
    API database (flavors, key pairs, quotas).
    """

    def start_fixture(self):
        # As nova-api's start-up does: the controllers use nova.objects.<Name>.
        objects.register_all()
        self._dir = tempfile.TemporaryDirectory(prefix="nova-gabbi-")
        self.url = f"sqlite:///{pathlib.Path(self._dir.name) / 'api.sqlite'}"
        engine = sqlalchemy.create_engine(self.url, poolclass=sqlalchemy.pool.NullPool)
        try:
            migration.sync_engine(engine, "api")
        finally:
            engine.dispose()
        nova.conf.CONF.set_override("connection", self.url, group="api_database")
        database.reset_engines()

    def stop_fixture(self):
        database.reset_engines()
        nova.conf.CONF.clear_override("connection", group="api_database")
        self._dir.cleanup()


class _AppLoadedOnFirstRequest:
    # gabbi builds its clients while collecting, before any fixture ran;
    # the pipeline can only be loaded once APIFixture has set CONF up.
    def __init__(self):
        self._app = None

    def __call__(self, environ, start_response):
        if self._app is None:
            self._app = client.load_app_from_current_conf()
        return self._app(environ, start_response)


def setup_app():
    """gabbi intercept: the whole Compute API endpoint, as APIFixture configured it."""
    return _AppLoadedOnFirstRequest()
