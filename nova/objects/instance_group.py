"""InstanceGroup: a server group (API DB ``instance_groups`` + policy + members).

Since microversion 2.64 a group has exactly one ``policy`` (affinity,
anti-affinity, soft-affinity, soft-anti-affinity) and optional ``rules``
(``{"max_server_per_host": N}`` for anti-affinity). ``policies`` is the
pre-2.64 list view of the same policy.
"""

from oslo_db import exception as db_exc
from oslo_serialization import jsonutils
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception
from nova.db.api import api as api_db_api
from nova.db.api import models as api_models
from nova.objects import base, fields
from nova.objects import instance as instance_obj
from nova.objects import instance_mapping as mapping_obj


def _group_query(context):
    return context.session.query(api_models.InstanceGroup)


@api_db_api.context_manager.reader
def _group_get(context, **filters):
    row = _group_query(context).filter_by(**filters).first()
    if row is None:
        raise exception.InstanceGroupNotFound(
            group_uuid=filters.get("uuid") or filters.get("name") or filters.get("id"))
    return row


@api_db_api.context_manager.reader
def _group_get_by_instance(context, instance_uuid):
    row = _group_query(context).join(
        api_models.InstanceGroupMember,
        api_models.InstanceGroupMember.group_id == api_models.InstanceGroup.id,
    ).filter(api_models.InstanceGroupMember.instance_uuid == instance_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid="")
    return row


@api_db_api.context_manager.reader
def _groups_get(context, project_id=None):
    query = _group_query(context)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return query.order_by(api_models.InstanceGroup.id).all()


@api_db_api.context_manager.writer
def _group_create(context, values, policy, rules, members):
    row = api_models.InstanceGroup()
    row.update(values)
    if policy:
        row._policies = [api_models.InstanceGroupPolicy(
            policy=policy, rules=jsonutils.dumps(rules) if rules else None)]
    row._members = [api_models.InstanceGroupMember(instance_uuid=m) for m in members]
    if _group_query(context).filter_by(uuid=values["uuid"]).first():
        raise exception.InstanceGroupIdExists(group_uuid=values["uuid"])
    try:
        context.session.add(row)
        context.session.flush()
    except db_exc.DBDuplicateEntry as e:
        raise exception.InstanceGroupIdExists(group_uuid=values["uuid"]) from e
    return row


@api_db_api.context_manager.writer
def _group_update(context, group_uuid, values, members=None):
    row = _group_query(context).filter_by(uuid=group_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    row.update(values)
    if members is not None:
        current = {m.instance_uuid for m in row._members}
        wanted = list(dict.fromkeys(members))
        row._members = [m for m in row._members if m.instance_uuid in wanted] + [
            api_models.InstanceGroupMember(instance_uuid=m) for m in wanted if m not in current]
    context.session.flush()
    return row


@api_db_api.context_manager.writer
def _group_destroy(context, group_uuid):
    row = _group_query(context).filter_by(uuid=group_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    context.session.delete(row)


@api_db_api.context_manager.writer
def _members_add(context, group_uuid, instance_uuids):
    row = _group_query(context).filter_by(uuid=group_uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    current = {m.instance_uuid for m in row._members}
    added = [u for u in dict.fromkeys(instance_uuids) if u not in current]
    for instance_uuid in added:
        context.session.add(api_models.InstanceGroupMember(
            group_id=row.id, instance_uuid=instance_uuid))
    context.session.flush()
    return added


@api_db_api.context_manager.writer
def _members_remove(context, group_id, instance_uuids):
    context.session.query(api_models.InstanceGroupMember).filter(
        api_models.InstanceGroupMember.group_id == group_id,
        api_models.InstanceGroupMember.instance_uuid.in_(list(instance_uuids)),
    ).delete(synchronize_session=False)


@base.NovaObjectRegistry.register
class InstanceGroup(base.NovaPersistentObject, base.NovaObject):
    """A server group. ``members`` are instance uuids; ``hosts`` is filled on demand.

    API DB rows are hard-deleted, so ``deleted`` is always False.
    """

    # Version 1.0: initial version (upstream's fields as of 1.11)
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
        "uuid": fields.UUIDField(),
        "name": fields.StringField(nullable=True),
        "policies": fields.ListOfStringsField(nullable=True, read_only=True),
        "members": fields.ListOfStringsField(nullable=True),
        "hosts": fields.ListOfStringsField(nullable=True),
        "policy": fields.StringField(nullable=True),
        "rules": fields.DictOfStringsField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, group, row):
        for key in ("id", "user_id", "project_id", "uuid", "name", "created_at",
                    "updated_at"):
            setattr(group, key, row[key])
        group.deleted = False
        group.deleted_at = None
        policy_row = row.policy
        group.policy = policy_row.policy if policy_row else None
        group.policies = [policy_row.policy] if policy_row else []
        rules = jsonutils.loads(policy_row.rules) if policy_row and policy_row.rules else {}
        group.rules = {k: str(v) for k, v in rules.items()}
        group.members = row.members
        group._context = context
        group.obj_reset_changes()
        return group

    def obj_load_attr(self, attrname):
        if attrname != "hosts":
            raise exception.ObjectActionError(
                action="obj_load_attr", reason=f"unable to load {attrname}")
        if not self._context:
            raise exception.OrphanedObjectError(method="obj_load_attr", objtype=self.obj_name())
        self.hosts = self.get_hosts()
        self.obj_reset_changes(["hosts"])

    @classmethod
    @base.remotable
    def get_by_uuid(cls, context, uuid):
        """Return the group ``uuid``.

        :raises InstanceGroupNotFound: none.
        """
        return cls._from_db_object(context, cls(), _group_get(context, uuid=uuid))

    @classmethod
    @base.remotable
    def get_by_name(cls, context, name):
        """Return the group called ``name`` in the context's project.

        :raises InstanceGroupNotFound: none.
        """
        return cls._from_db_object(
            context, cls(), _group_get(context, name=name, project_id=context.project_id))

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the group that ``instance_uuid`` is a member of.

        :raises InstanceGroupNotFound: the instance is in no group.
        """
        return cls._from_db_object(context, cls(), _group_get_by_instance(context, instance_uuid))

    @classmethod
    def get_by_hint(cls, context, hint):
        """Return the group named by a ``group`` scheduler hint (a uuid or a name)."""
        if uuidutils.is_uuid_like(hint):
            return cls.get_by_uuid(context, hint)
        return cls.get_by_name(context, hint)

    @base.remotable
    def create(self):
        """Insert the group with its policy, rules and members (uuid generated if unset).

        :raises ObjectActionError: already created.
        :raises InstanceGroupIdExists: the uuid is taken.
        """
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        if not self.obj_attr_is_set("uuid"):
            self.uuid = uuidutils.generate_uuid()
        values = {k: getattr(self, k) for k in ("user_id", "project_id", "uuid", "name")
                  if self.obj_attr_is_set(k)}
        policy = self.policy if self.obj_attr_is_set("policy") else None
        if policy is None and self.obj_attr_is_set("policies") and self.policies:
            policy = self.policies[0]
        rules = self.rules if self.obj_attr_is_set("rules") else None
        members = self.members if self.obj_attr_is_set("members") and self.members else []
        row = _group_create(self._context, values, policy, rules, members)
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write changes to ``name`` and ``members`` (policy/rules are immutable).

        :raises InstanceGroupNotFound: the group was deleted.
        """
        changes = self.obj_what_changed()
        values = {k: getattr(self, k) for k in ("name", "user_id", "project_id")
                  if k in changes}
        members = self.members if "members" in changes else None
        if values or members is not None:
            row = _group_update(self._context, self.uuid, values, members)
            self._from_db_object(self._context, self, row)
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        """Delete the group with its policy and member rows.

        :raises InstanceGroupNotFound: it is already gone.
        """
        _group_destroy(self._context, self.uuid)

    @classmethod
    @base.remotable
    def add_members(cls, context, group_uuid, instance_uuids):
        """Add ``instance_uuids`` to group ``group_uuid``; return the newly added ones.

        :raises InstanceGroupNotFound: no such group.
        """
        return _members_add(context, group_uuid, list(instance_uuids))

    def remove_members(self, instance_uuids):
        """Remove ``instance_uuids`` (list of str) from this group's members."""
        _members_remove(self._context, self.id, instance_uuids)
        self.members = [m for m in self.members or [] if m not in set(instance_uuids)]
        self.obj_reset_changes(["members"])

    @base.remotable
    def get_hosts(self, exclude=None):
        """Return the distinct compute hosts of the live members (list of str).

        Members are looked up in the cell the context targets.

        :param exclude: instance uuids to leave out.
        """
        uuids = set(self.members or []) - set(exclude or [])
        if not uuids:
            return []
        instances = instance_obj.InstanceList.get_by_filters(
            self._context, {"uuid": sorted(uuids), "deleted": False}, expected_attrs=[])
        return sorted({i.host for i in instances if i.host})

    def live_member_hosts(self):
        """Return {instance uuid: host or None} of the members not deleted.

        Looks members up in every cell through their instance mappings
        (API database and cells: for nova-api and nova-conductor, not the
        compute host). A member still waiting for its cell (a build
        request) is live with host None; a member whose mapping is gone
        or queued for delete is left out, as is one deleted in its cell.
        The result follows the order of ``members``.
        """
        members = list(self.members or [])
        if not members:
            return {}
        found = {}
        by_cell = {}
        for mapping in mapping_obj.InstanceMappingList.get_by_instance_uuids(
                self._context, members):
            if mapping.queued_for_delete:
                continue
            if mapping.cell_mapping is None:
                found[mapping.instance_uuid] = None
                continue
            cell = mapping.cell_mapping
            by_cell.setdefault(cell.uuid, (cell, []))[1].append(mapping.instance_uuid)
        for cell, uuids in by_cell.values():
            with nova_context.target_cell(self._context, cell) as cctxt:
                for instance in instance_obj.InstanceList.get_by_filters(
                        cctxt, {"uuid": uuids, "deleted": False}, expected_attrs=[]):
                    found[instance.uuid] = instance.host
        return {uuid: found[uuid] for uuid in members if uuid in found}

    @base.remotable
    def count_members_by_user(self, user_id):
        """Return how many live members belong to ``user_id`` (int), for quota."""
        if not self.members:
            return 0
        instances = instance_obj.InstanceList.get_by_filters(
            self._context, {"uuid": list(self.members), "user_id": user_id, "deleted": False},
            expected_attrs=[])
        return len(instances)


@base.NovaObjectRegistry.register
class InstanceGroupList(base.ObjectListBase, base.NovaObject):
    """A list of InstanceGroup objects."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("InstanceGroup"),
    }

    @classmethod
    @base.remotable
    def get_by_project_id(cls, context, project_id):
        """Return the groups of ``project_id``."""
        return base.obj_make_list(context, cls(context), _groups_get(context, project_id))

    @classmethod
    @base.remotable
    def get_all(cls, context):
        """Return every group (admin listing with all_projects)."""
        return base.obj_make_list(context, cls(context), _groups_get(context))

    @classmethod
    def get_counts(cls, context, project_id, user_id=None):
        """Return {"project": {"server_groups": n}, "user": {...}} for quota counting."""
        groups = _groups_get(context, project_id)
        counts = {"project": {"server_groups": len(groups)}}
        if user_id is not None:
            counts["user"] = {"server_groups": len([g for g in groups
                                                    if g.user_id == user_id])}
        return counts
