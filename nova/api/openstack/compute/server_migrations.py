"""/servers/{server_id}/migrations: a server's in-progress live migrations.

api-ref "Server migrations (servers, migrations)":

* GET .../migrations (2.23): {"migrations": [...]}, the live migrations
  not finished yet, with their memory and disk byte counters;
* GET .../migrations/{migration_id} (2.23): {"migration": {...}}; 404
  when it is not an in-progress live migration of this server;
* POST .../migrations/{migration_id}/action {"force_complete": null}
  (2.22): 202; the source finishes the copy now (libvirt: post-copy, or
  the guest paused); 400 when the migration is not running, 409 when the
  server is not migrating or is locked;
* DELETE .../migrations/{migration_id} (2.24): 202; abort: the guest
  stays where it was and the migration ends "cancelled"; 400 unless it is
  running (2.65: also queued or preparing), 409 as above.

Every one is for administrators (nova.policies.server_migrations). From
2.59 each migration also shows its uuid, from 2.80 its user and project.
"""

import webob.exc

from nova import exception
from nova.api import validation
from nova.api.openstack import wsgi
from nova.api.openstack.compute.schemas import server_actions as action_schemas
from nova.api.openstack.compute.server_actions import translate_errors
from nova.policies import server_migrations as policies
from nova.policy import authorize

#: The view's fields: (microversion that added it, name in the answer,
#: Migration field); upstream's "server_uuid" is the migration's instance.
_FIELDS = (
    ("2.23", "id", "id"), ("2.23", "server_uuid", "instance_uuid"),
    ("2.23", "source_compute", "source_compute"), ("2.23", "source_node", "source_node"),
    ("2.23", "dest_compute", "dest_compute"), ("2.23", "dest_node", "dest_node"),
    ("2.23", "dest_host", "dest_host"), ("2.23", "status", "status"),
    ("2.23", "memory_total_bytes", "memory_total"),
    ("2.23", "memory_processed_bytes", "memory_processed"),
    ("2.23", "memory_remaining_bytes", "memory_remaining"),
    ("2.23", "disk_total_bytes", "disk_total"),
    ("2.23", "disk_processed_bytes", "disk_processed"),
    ("2.23", "disk_remaining_bytes", "disk_remaining"),
    ("2.23", "created_at", "created_at"), ("2.23", "updated_at", "updated_at"),
    ("2.59", "uuid", "uuid"),
    ("2.80", "user_id", "user_id"), ("2.80", "project_id", "project_id"),
)

#: Migration statuses an abort is allowed from (api-ref: 2.65 adds queued
#: and preparing).
_ABORTABLE = ("running",)
_ABORTABLE_V265 = ("queued", "preparing", "running")


def _time(value):
    """upstream's format of a migration's times: "2016-01-29T13:42:02.000000"."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value else None


def _view(req, migration):
    body = {}
    for version, name, field in _FIELDS:
        if not req.api_version_request.matches(version):
            continue
        value = getattr(migration, field) if migration.obj_attr_is_set(field) else None
        body[name] = _time(value) if field in ("created_at", "updated_at") else value
    return body


def _migration_id(migration_id):
    """The path's migration id as an int; 404 when it is not one."""
    try:
        return int(migration_id)
    except (TypeError, ValueError):
        raise webob.exc.HTTPNotFound(
            explanation=f"Migration {migration_id} could not be found.") from None


class ServerMigrationsController:
    """Handlers of /servers/{server_id}/migrations.

    :param servers: the ServersController, whose compute API and server
        look-up (404 for unknown servers) are shared.
    """

    def __init__(self, servers):
        self._servers = servers

    @property
    def compute_api(self):
        return self._servers.compute_api

    def _server(self, req, server_id, rule):
        instance = self._servers._get_server(req, server_id)
        authorize(req.context, rule, {"project_id": instance.project_id})
        return instance

    @wsgi.api_version("2.23")
    def index(self, req, server_id):
        """{"migrations": [...]}: the server's in-progress live migrations."""
        instance = self._server(req, server_id, policies.INDEX)
        migrations = self.compute_api.get_live_migrations(req.context, instance)
        return {"migrations": [_view(req, m) for m in migrations]}

    @wsgi.api_version("2.23")
    def show(self, req, server_id, id):
        """{"migration": {...}}; 404 unless an in-progress live migration of it."""
        instance = self._server(req, server_id, policies.SHOW)
        try:
            migration = self.compute_api.get_live_migration(
                req.context, instance, _migration_id(id))
        except exception.MigrationNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        return {"migration": _view(req, migration)}

    @wsgi.api_version("2.22")
    @wsgi.response(202)
    @validation.schema(action_schemas.no_argument("force_complete"))
    def force_complete(self, req, server_id, id, body):
        """force_complete: the running live migration finishes now."""
        instance = self._server(req, server_id, policies.FORCE_COMPLETE)
        with translate_errors("force_complete", server_id), _migration_errors():
            self.compute_api.live_migrate_force_complete(
                req.context, instance, _migration_id(id))

    @wsgi.api_version("2.24")
    @wsgi.response(202)
    def delete(self, req, server_id, id):
        """Abort the live migration: the guest stays on its source host."""
        instance = self._server(req, server_id, policies.DELETE)
        statuses = (_ABORTABLE_V265 if req.api_version_request.matches("2.65")
                    else _ABORTABLE)
        with translate_errors("abort live migration", server_id), _migration_errors():
            self.compute_api.live_migrate_abort(
                req.context, instance, _migration_id(id), statuses=statuses)


class _migration_errors:  # noqa: N801 (a context manager, named for what it does)
    """404 for a migration that is not the server's, 400 for one in the wrong state."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            return False
        if issubclass(exc_type, exception.MigrationNotFound):
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from exc
        if issubclass(exc_type, exception.InvalidMigrationState):
            raise webob.exc.HTTPBadRequest(explanation=exc.format_message()) from exc
        return False
