"""Flavor: a server size (API DB ``flavors`` + ``flavor_extra_specs`` + ``flavor_projects``).

Visibility follows upstream: an admin context sees every flavor; any other
context sees public flavors and the private ones its project was given
access to (``flavor_projects``). This applies to the single-flavor getters
as well as the list.
"""

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as sqlalchemyutils
from sqlalchemy import or_, sql
from sqlalchemy.orm import selectinload

from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, fields

#: Fields save() may change; the rest of a flavor is immutable once created.
_MUTABLE_FIELDS = ("description", "extra_specs", "projects")

#: Columns a list may be sorted by (the API's sort_key choices).
SORT_KEYS = ("created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id",
             "is_public", "memory_mb", "name", "root_gb", "rxtx_factor", "swap",
             "updated_at", "vcpu_weight", "vcpus")


def _flavor_query(context):
    """Flavors visible to ``context`` (all for admins), relations eager-loaded."""
    query = context.session.query(api_models.Flavor).options(
        selectinload(api_models.Flavor.extra_specs),
        selectinload(api_models.Flavor.projects))
    if not context.is_admin:
        query = query.filter(or_(
            api_models.Flavor.is_public == sql.true(),
            api_models.Flavor.projects.any(project_id=context.project_id)))
    return query


@api_db_api.context_manager.reader
def _flavor_get_by(context, **filters):
    return _flavor_query(context).filter_by(**filters).first()


@api_db_api.context_manager.writer
def _flavor_create(context, values):
    specs = values.pop("extra_specs", None) or {}
    projects = values.pop("projects", None) or []
    row = api_models.Flavor()
    row.update(values)
    row.extra_specs = [api_models.FlavorExtraSpecs(key=k, value=v) for k, v in specs.items()]
    row.projects = [api_models.FlavorProjects(project_id=p) for p in projects]
    # Check the two unique names ourselves first: DBDuplicateEntry's column
    # list differs between backends, and the API needs to tell them apart.
    if context.session.query(api_models.Flavor.id).filter_by(
            flavorid=values["flavorid"]).first():
        raise exception.FlavorIdExists(flavor_id=values["flavorid"])
    if context.session.query(api_models.Flavor.id).filter_by(name=values["name"]).first():
        raise exception.FlavorExists(name=values["name"])
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        if "flavorid" in (e.columns or []):
            raise exception.FlavorIdExists(flavor_id=values["flavorid"]) from e
        raise exception.FlavorExists(name=values["name"]) from e
    return row


@api_db_api.context_manager.writer
def _flavor_destroy(context, flavor_id):
    row = context.session.query(api_models.Flavor).filter_by(id=flavor_id).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavor_id)
    context.session.delete(row)


@api_db_api.context_manager.writer
def _flavor_update(context, flavor_id, values):
    row = context.session.query(api_models.Flavor).filter_by(id=flavor_id).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavor_id)
    row.update(values)
    context.session.flush()


@api_db_api.context_manager.writer
def _extra_specs_update(context, flavor_id, flavorid, to_add, to_delete):
    query = context.session.query(api_models.FlavorExtraSpecs).filter_by(flavor_id=flavor_id)
    for key in to_delete:
        if not query.filter_by(key=key).delete(synchronize_session=False):
            raise exception.FlavorExtraSpecsNotFound(flavor_id=flavorid, extra_specs_key=key)
    existing = {r.key: r for r in query.filter(
        api_models.FlavorExtraSpecs.key.in_(list(to_add))).all()}
    for key, value in to_add.items():
        if key in existing:
            existing[key].value = value
        else:
            context.session.add(api_models.FlavorExtraSpecs(
                flavor_id=flavor_id, key=key, value=value))
    context.session.flush()


@api_db_api.context_manager.writer
def _access_add(context, flavor_id, flavorid, project_id):
    exists = context.session.query(api_models.FlavorProjects.id).filter_by(
        flavor_id=flavor_id, project_id=project_id).first()
    if exists:
        raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
    context.session.add(api_models.FlavorProjects(flavor_id=flavor_id, project_id=project_id))
    try:
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id) from e


@api_db_api.context_manager.writer
def _access_remove(context, flavor_id, flavorid, project_id):
    count = context.session.query(api_models.FlavorProjects).filter_by(
        flavor_id=flavor_id, project_id=project_id).delete(synchronize_session=False)
    if not count:
        raise exception.FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)


@api_db_api.context_manager.reader
def _projects_of(context, flavor_id):
    rows = context.session.query(api_models.FlavorProjects.project_id).filter_by(
        flavor_id=flavor_id).order_by(api_models.FlavorProjects.id).all()
    return [r[0] for r in rows]


@api_db_api.context_manager.reader
def _flavor_get_all(context, filters, sort_key, sort_dir, limit, marker):
    query = _flavor_query(context)
    is_public = filters.get("is_public")
    if is_public is not None:
        condition = api_models.Flavor.is_public == bool(is_public)
        # A project sees its private flavors in the "public" listing too, as
        # upstream's `openstack flavor list` shows them.
        if is_public and context.project_id is not None:
            condition = or_(condition, api_models.Flavor.projects.any(
                project_id=context.project_id))
        query = query.filter(condition)
    if "min_memory_mb" in filters:
        query = query.filter(api_models.Flavor.memory_mb >= filters["min_memory_mb"])
    if "min_root_gb" in filters:
        query = query.filter(api_models.Flavor.root_gb >= filters["min_root_gb"])
    if "disabled" in filters:
        query = query.filter(api_models.Flavor.disabled == bool(filters["disabled"]))
    marker_row = None
    if marker is not None:
        marker_row = _flavor_query(context).filter_by(flavorid=marker).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
    sort_keys = [sort_key] if sort_key == "id" else [sort_key, "id"]
    query = sqlalchemyutils.paginate_query(
        query, api_models.Flavor, limit, sort_keys, marker=marker_row, sort_dir=sort_dir)
    return query.all()


@base.NovaObjectRegistry.register
class Flavor(base.NovaPersistentObject, base.NovaObject):
    """A flavor. ``id`` is the DB key; ``flavorid`` is what the REST API shows.

    ``memory_mb`` and ``swap`` in MiB, ``root_gb``/``ephemeral_gb`` in GiB.
    ``extra_specs`` and ``projects`` load lazily when not already set.
    API DB rows are never soft-deleted, so ``deleted`` is always False.
    """

    # Version 1.0: initial version (upstream's fields as of Flavor 1.2)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "name": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(),
        "vcpus": fields.IntegerField(),
        "root_gb": fields.IntegerField(),
        "ephemeral_gb": fields.IntegerField(),
        "flavorid": fields.StringField(),
        "swap": fields.IntegerField(),
        "rxtx_factor": fields.FloatField(nullable=True, default=1.0),
        "vcpu_weight": fields.IntegerField(nullable=True),
        "disabled": fields.BooleanField(),
        "is_public": fields.BooleanField(),
        "extra_specs": fields.DictOfStringsField(),
        "projects": fields.ListOfStringsField(),
        "description": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Baselines for save(): what extra_specs/projects were when loaded;
        # None until loaded (a new or deserialized object has none).
        self._orig_extra_specs = None
        self._orig_projects = None

    @staticmethod
    def _from_db_object(context, flavor, row, expected_attrs=None):
        expected_attrs = ("extra_specs", "projects") if expected_attrs is None \
            else expected_attrs
        for key in flavor.fields:
            if key in ("extra_specs", "projects", "deleted", "deleted_at"):
                continue
            value = row[key]
            if key in ("root_gb", "ephemeral_gb", "swap"):
                value = value or 0
            elif key in ("disabled", "is_public"):
                value = bool(value)
            setattr(flavor, key, value)
        flavor.deleted = False
        flavor.deleted_at = None
        if "extra_specs" in expected_attrs:
            flavor.extra_specs = {s.key: s.value for s in row.extra_specs}
        if "projects" in expected_attrs:
            flavor.projects = [p.project_id for p in row.projects]
        flavor._context = context
        flavor.obj_reset_changes()
        return flavor

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields, recursive=recursive)
        if fields is None or "extra_specs" in fields:
            self._orig_extra_specs = (
                dict(self.extra_specs) if self.obj_attr_is_set("extra_specs") else {})
        if fields is None or "projects" in fields:
            self._orig_projects = (
                list(self.projects) if self.obj_attr_is_set("projects") else [])

    def obj_what_changed(self):
        changed = super().obj_what_changed()
        # Dict/list fields mutated in place do not mark themselves changed.
        orig_specs = getattr(self, "_orig_extra_specs", None)
        orig_projects = getattr(self, "_orig_projects", None)
        if (orig_specs is not None and self.obj_attr_is_set("extra_specs")
                and self.extra_specs != orig_specs):
            changed.add("extra_specs")
        if (orig_projects is not None and self.obj_attr_is_set("projects")
                and self.projects != orig_projects):
            changed.add("projects")
        return changed

    def obj_load_attr(self, attrname):
        if attrname not in ("extra_specs", "projects"):
            raise exception.ObjectActionError(
                action="obj_load_attr", reason=f"unable to load {attrname}")
        if not self._context:
            raise exception.OrphanedObjectError(method="obj_load_attr", objtype=self.obj_name())
        if attrname == "projects":
            self.projects = _projects_of(self._context, self.id)
        else:
            row = _flavor_get_by(self._context.elevated(), id=self.id)
            self.extra_specs = {s.key: s.value for s in row.extra_specs} if row else {}
        self.obj_reset_changes([attrname])

    @classmethod
    def _get(cls, context, not_found, **filters):
        row = _flavor_get_by(context, **filters)
        if row is None:
            raise not_found
        return cls._from_db_object(context, cls(context), row)

    @classmethod
    @base.remotable
    def get_by_id(cls, context, id):
        """Return the flavor with DB key ``id`` (int).

        :raises FlavorNotFound: none, or not visible to ``context``.
        """
        return cls._get(context, exception.FlavorNotFound(flavor_id=id), id=id)

    @classmethod
    @base.remotable
    def get_by_name(cls, context, name):
        """Return the flavor called ``name``.

        :raises FlavorNotFoundByName: none, or not visible to ``context``.
        """
        return cls._get(context, exception.FlavorNotFoundByName(flavor_name=name), name=name)

    @classmethod
    @base.remotable
    def get_by_flavor_id(cls, context, flavor_id, read_deleted=None):
        """Return the flavor whose API id (``flavorid``, str) is ``flavor_id``.

        :raises FlavorNotFound: none, or not visible to ``context``.
        """
        return cls._get(context, exception.FlavorNotFound(flavor_id=flavor_id),
                        flavorid=flavor_id)

    @base.remotable
    def create(self):
        """Insert the flavor with its extra specs and project access.

        :raises ObjectActionError: already created.
        :raises FlavorIdExists: ``flavorid`` is taken.
        :raises FlavorExists: ``name`` is taken.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        updates = self.obj_get_changes()
        for key in ("deleted", "deleted_at"):
            updates.pop(key, None)
        row = _flavor_create(self._context, updates)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save_extra_specs(self, to_add=None, to_delete=None):
        """Add/replace the ``to_add`` specs (dict) and remove the ``to_delete`` keys.

        :raises FlavorExtraSpecsNotFound: a key to delete does not exist.
        """
        _extra_specs_update(self._context, self.id, self.flavorid,
                            dict(to_add or {}), list(to_delete or []))
        self.obj_reset_changes(["extra_specs"])

    @base.remotable
    def add_access(self, project_id):
        """Give ``project_id`` access to this (private) flavor.

        :raises FlavorAccessExists: it already has access.
        """
        if "projects" in self.obj_what_changed():
            raise exception.ObjectActionError(
                action="add_access", reason="projects modified")
        _access_add(self._context, self.id, self.flavorid, project_id)
        self.obj_load_attr("projects")

    @base.remotable
    def remove_access(self, project_id):
        """Take access to this flavor away from ``project_id``.

        :raises FlavorAccessNotFound: it had no access.
        """
        if "projects" in self.obj_what_changed():
            raise exception.ObjectActionError(
                action="remove_access", reason="projects modified")
        _access_remove(self._context, self.id, self.flavorid, project_id)
        self.obj_load_attr("projects")

    @base.remotable
    def save(self):
        """Write changes to ``description``, ``extra_specs`` and ``projects``.

        Extra specs and projects are diffed against their loaded values.

        :raises ObjectActionError: another field was changed (flavors are
            otherwise immutable, as upstream).
        """
        changes = self.obj_what_changed()
        read_only = changes - set(_MUTABLE_FIELDS)
        if read_only:
            raise exception.ObjectActionError(
                action="save", reason=f"read-only fields were changed: {sorted(read_only)}")
        if "extra_specs" in changes or "projects" in changes:
            self._load_baselines()
        if "extra_specs" in changes:
            to_add = {k: v for k, v in self.extra_specs.items()
                      if self._orig_extra_specs.get(k) != v}
            to_delete = [k for k in self._orig_extra_specs if k not in self.extra_specs]
            _extra_specs_update(self._context, self.id, self.flavorid, to_add, to_delete)
        if "projects" in changes:
            for project_id in set(self.projects) - set(self._orig_projects):
                _access_add(self._context, self.id, self.flavorid, project_id)
            for project_id in set(self._orig_projects) - set(self.projects):
                _access_remove(self._context, self.id, self.flavorid, project_id)
        if "description" in changes:
            _flavor_update(self._context, self.id, {"description": self.description})
        self.obj_reset_changes()

    def _load_baselines(self):
        """Fetch stored extra specs/projects when this object has no baseline.

        A flavor that came over RPC lost the values it was loaded with, so
        save() diffs against the database instead.
        """
        if self._orig_extra_specs is None or self._orig_projects is None:
            row = _flavor_get_by(self._context.elevated(), id=self.id)
            if row is None:
                raise exception.FlavorNotFound(flavor_id=self.flavorid)
            self._orig_extra_specs = {s.key: s.value for s in row.extra_specs}
            self._orig_projects = [p.project_id for p in row.projects]

    @base.remotable
    def destroy(self):
        """Delete the flavor with its extra specs and access list.

        Instances keep their embedded copy, so deleting a flavor in use is
        allowed, as upstream.

        :raises FlavorNotFound: it is already gone.
        """
        _flavor_destroy(self._context, self.id)


@base.NovaObjectRegistry.register
class FlavorList(base.ObjectListBase, base.NovaObject):
    """A list of Flavor objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("Flavor"),
    }

    @classmethod
    @base.remotable
    def get_all(cls, context, inactive=False, filters=None, sort_key="flavorid",
                sort_dir="asc", limit=None, marker=None):
        """Return the flavors visible to ``context``, sorted and paged.

        :param inactive: accepted for upstream compatibility (API DB flavors
            are never soft-deleted).
        :param filters: dict with any of ``is_public`` (True, False or None
            for both), ``min_memory_mb`` (MiB), ``min_root_gb`` (GiB),
            ``disabled`` (bool).
        :param sort_key: a column in SORT_KEYS; ``id`` breaks ties.
        :param sort_dir: "asc" or "desc".
        :param limit: max number of flavors, or None.
        :param marker: ``flavorid`` of the last flavor of the previous page.
        :raises MarkerNotFound: no visible flavor has ``marker`` as flavorid.
        """
        rows = _flavor_get_all(context, dict(filters or {}), sort_key, sort_dir, limit, marker)
        return base.obj_make_list(context, cls(context), rows)
