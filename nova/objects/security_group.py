"""SecurityGroup(List) and SecurityGroupRule(List): a project's ingress rules.

Upstream nova-network's tables ``security_groups``, ``security_group_rules``
and ``security_group_instance_association``. Every project has a group
named "default" (made on first use); a rule lets in ``protocol`` traffic on
ports ``from_port``-``to_port`` from ``cidr`` or from the members of the
source group ``group_id``.
"""

from oslo_db import exception as db_exc

from nova import exception
from nova.db.main import api as db_api
from nova.db.main import models
from nova.objects import base, fields

#: The group every project has (upstream's).
DEFAULT_GROUP = "default"


def _groups(context):
    return db_api.model_query(context, models.SecurityGroup)


def _rules(context):
    return db_api.model_query(context, models.SecurityGroupIngressRule)


@db_api.pick_context_manager_writer
def _ensure_default(context, project_id, user_id):
    row = _groups(context).filter_by(project_id=project_id, name=DEFAULT_GROUP).first()
    if row is not None:
        return row
    row = models.SecurityGroup(name=DEFAULT_GROUP, description="default", project_id=project_id,
                               user_id=user_id)
    context.session.add(row)
    context.session.flush()
    return row


@db_api.pick_context_manager_writer
def _create_group(context, values):
    row = models.SecurityGroup(**values)
    context.session.add(row)
    context.session.flush()
    return row


@db_api.pick_context_manager_reader
def _get_group(context, group_id):
    row = _groups(context).filter_by(id=group_id).first()
    if row is None:
        raise exception.SecurityGroupNotFound(security_group_id=group_id)
    return row


@db_api.pick_context_manager_reader
def _get_group_by_name(context, project_id, name):
    row = _groups(context).filter_by(project_id=project_id, name=name).first()
    if row is None:
        raise exception.SecurityGroupNotFoundForProject(project_id=project_id,
                                                        security_group_id=name)
    return row


@db_api.pick_context_manager_writer
def _update_group(context, group_id, values):
    _groups(context).filter_by(id=group_id).update(values, synchronize_session=False)
    return _groups(context).filter_by(id=group_id).one()


@db_api.pick_context_manager_writer
def _destroy_group(context, group_id):
    in_use = db_api.model_query(context, models.SecurityGroupInstanceAssociation).filter_by(
        security_group_id=group_id).first()
    if in_use is not None:
        raise exception.SecurityGroupInUse(security_group_id=group_id)
    _rules(context).filter((models.SecurityGroupIngressRule.parent_group_id == group_id)
                           | (models.SecurityGroupIngressRule.group_id == group_id)).soft_delete(
        synchronize_session=False)
    _groups(context).filter_by(id=group_id).soft_delete(synchronize_session=False)


@db_api.pick_context_manager_reader
def _groups_of_project(context, project_id):
    query = _groups(context)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    return query.order_by(models.SecurityGroup.id).all()


@db_api.pick_context_manager_reader
def _groups_of_instance(context, instance_uuid):
    assoc = models.SecurityGroupInstanceAssociation
    ids = [a.security_group_id for a in db_api.model_query(context, assoc).filter_by(
        instance_uuid=instance_uuid)]
    if not ids:
        return []
    return _groups(context).filter(models.SecurityGroup.id.in_(ids)).order_by(
        models.SecurityGroup.id).all()


@db_api.pick_context_manager_writer
def _associate(context, group_id, instance_uuid):
    assoc = models.SecurityGroupInstanceAssociation
    if db_api.model_query(context, assoc).filter_by(
            security_group_id=group_id, instance_uuid=instance_uuid).first() is None:
        context.session.add(assoc(security_group_id=group_id, instance_uuid=instance_uuid))


@db_api.pick_context_manager_writer
def _disassociate(context, group_id, instance_uuid):
    assoc = models.SecurityGroupInstanceAssociation
    return db_api.model_query(context, assoc).filter_by(
        security_group_id=group_id, instance_uuid=instance_uuid).soft_delete(
        synchronize_session=False)


@db_api.pick_context_manager_writer
def _disassociate_instance(context, instance_uuid):
    db_api.model_query(context, models.SecurityGroupInstanceAssociation).filter_by(
        instance_uuid=instance_uuid).soft_delete(synchronize_session=False)


@db_api.pick_context_manager_writer
def _create_rule(context, values):
    _get_group(context, values["parent_group_id"])
    query = _rules(context).filter_by(**values)
    if query.first() is not None:
        raise exception.SecurityGroupRuleExists(rule=values)
    row = models.SecurityGroupIngressRule(**values)
    context.session.add(row)
    context.session.flush()
    return row


@db_api.pick_context_manager_reader
def _get_rule(context, rule_id):
    row = _rules(context).filter_by(id=rule_id).first()
    if row is None:
        raise exception.SecurityGroupRuleNotFound(rule_id=rule_id)
    return row


@db_api.pick_context_manager_writer
def _destroy_rule(context, rule_id):
    if not _rules(context).filter_by(id=rule_id).soft_delete(synchronize_session=False):
        raise exception.SecurityGroupRuleNotFound(rule_id=rule_id)


@db_api.pick_context_manager_reader
def _rules_of_group(context, group_id):
    return _rules(context).filter_by(parent_group_id=group_id).order_by(
        models.SecurityGroupIngressRule.id).all()


def _fill(obj, row, context):
    for key in obj.fields:
        value = row[key]
        setattr(obj, key, bool(value) if key == "deleted" else value)
    obj._context = context
    obj.obj_reset_changes()
    return obj


@base.NovaObjectRegistry.register
class SecurityGroup(base.NovaPersistentObject, base.NovaObject):
    """A named group of ingress rules belonging to ``project_id``."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "name": fields.StringField(),
        "description": fields.StringField(nullable=True),
        "user_id": fields.StringField(nullable=True),
        "project_id": fields.StringField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, group, row):
        return _fill(group, row, context)

    @base.remotable
    def create(self):
        """Write this group.

        :raises SecurityGroupExists: the project has a group of this name.
        """
        values = self.obj_get_changes()
        try:
            row = _create_group(self._context, values)
        except db_exc.DBDuplicateEntry as exc:
            raise exception.SecurityGroupExists(project_id=values.get("project_id"),
                                                security_group_name=values.get("name")) \
                from exc
        self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        """Write a changed name or description."""
        changes = self.obj_get_changes()
        if changes:
            self._from_db_object(self._context, self,
                                 _update_group(self._context, self.id, changes))

    @base.remotable
    def destroy(self):
        """Soft-delete this group and its rules.

        :raises SecurityGroupInUse: a server is still a member.
        """
        _destroy_group(self._context, self.id)

    @classmethod
    @base.remotable
    def get(cls, context, group_id):
        """Return group ``group_id`` (int).

        :raises SecurityGroupNotFound: no such group.
        """
        return cls._from_db_object(context, cls(), _get_group(context, group_id))

    @classmethod
    @base.remotable
    def get_by_name(cls, context, project_id, name):
        """Return the group ``name`` of ``project_id`` ("default" is made when missing).

        :raises SecurityGroupNotFoundForProject: no such group.
        """
        if name == DEFAULT_GROUP:
            return cls.ensure_default(context, project_id)
        return cls._from_db_object(context, cls(), _get_group_by_name(context, project_id, name))

    @classmethod
    @base.remotable
    def ensure_default(cls, context, project_id):
        """Return the project's "default" group, making it on first use.

        Concurrent first boots of a project race to make it: the loser's
        insert hits the unique key and reads the winner's group.
        """
        try:
            row = _ensure_default(context, project_id, context.user_id)
        except db_exc.DBDuplicateEntry:
            row = _get_group_by_name(context, project_id, DEFAULT_GROUP)
        return cls._from_db_object(context, cls(), row)

    @base.remotable
    def add_instance(self, instance_uuid):
        """Make server ``instance_uuid`` a member (already one: no change)."""
        _associate(self._context, self.id, instance_uuid)

    @base.remotable
    def remove_instance(self, instance_uuid):
        """Remove server ``instance_uuid``; returns False when it was no member."""
        return bool(_disassociate(self._context, self.id, instance_uuid))


@base.NovaObjectRegistry.register
class SecurityGroupList(base.ObjectListBase, base.NovaObject):
    """A list of SecurityGroup objects, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("SecurityGroup"),
    }

    @classmethod
    @base.remotable
    def get_by_project(cls, context, project_id):
        """Return the groups of ``project_id`` (None: of every project)."""
        return cls._from_db_rows(context, _groups_of_project(context, project_id))

    @classmethod
    @base.remotable
    def get_by_instance_uuid(cls, context, instance_uuid):
        """Return the groups server ``instance_uuid`` is a member of."""
        return cls._from_db_rows(context, _groups_of_instance(context, instance_uuid))

    @classmethod
    @base.remotable
    def remove_instance(cls, context, instance_uuid):
        """Take server ``instance_uuid`` out of every group (on delete)."""
        _disassociate_instance(context, instance_uuid)


@base.NovaObjectRegistry.register
class SecurityGroupRule(base.NovaPersistentObject, base.NovaObject):
    """One ingress rule of group ``parent_group_id``.

    ``protocol`` is "tcp", "udp" or "icmp" (None: any); ports are ints
    (-1 for ICMP's any type/code); ``cidr`` or ``group_id`` is the source.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "id": fields.IntegerField(),
        "parent_group_id": fields.IntegerField(),
        "protocol": fields.StringField(nullable=True),
        "from_port": fields.IntegerField(nullable=True),
        "to_port": fields.IntegerField(nullable=True),
        "cidr": fields.StringField(nullable=True),
        "group_id": fields.IntegerField(nullable=True),
    }
    fields.update(base.NovaPersistentObject.fields)

    @staticmethod
    def _from_db_object(context, rule, row):
        return _fill(rule, row, context)

    @base.remotable
    def create(self):
        """Write this rule.

        :raises SecurityGroupNotFound: the parent group does not exist.
        :raises SecurityGroupRuleExists: the group has this rule already.
        """
        self._from_db_object(self._context, self,
                             _create_rule(self._context, self.obj_get_changes()))

    @classmethod
    @base.remotable
    def get(cls, context, rule_id):
        """Return rule ``rule_id``.

        :raises SecurityGroupRuleNotFound: no such rule.
        """
        return cls._from_db_object(context, cls(), _get_rule(context, rule_id))

    @base.remotable
    def destroy(self):
        """Soft-delete this rule.

        :raises SecurityGroupRuleNotFound: it is gone already.
        """
        _destroy_rule(self._context, self.id)


@base.NovaObjectRegistry.register
class SecurityGroupRuleList(base.ObjectListBase, base.NovaObject):
    """A group's rules, by id."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "objects": fields.ListOfObjectsField("SecurityGroupRule"),
    }

    @classmethod
    @base.remotable
    def get_by_security_group_id(cls, context, group_id):
        """Return the rules of group ``group_id``."""
        return cls._from_db_rows(context, _rules_of_group(context, group_id))
