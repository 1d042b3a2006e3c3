"""Notification payloads: versioned objects with upstream's names and fields.

A payload is built from an instance (and, for errors, the exception) at
the moment of the notification; listeners read its fields, so a change to
them bumps the payload's VERSION (pinned by tests/unit/objects).
"""

import traceback

from nova.compute import power_state
from nova.objects import base, fields


@base.NovaObjectRegistry.register
class ExceptionPayload(base.NovaObject):
    """An error: where it was raised and what it said."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "module_name": fields.StringField(),
        "function_name": fields.StringField(),
        "exception": fields.StringField(),
        "exception_message": fields.StringField(),
        "traceback": fields.StringField(),
    }

    @classmethod
    def from_exception(cls, exc):
        """Return the payload of ``exc`` (an exception with its __traceback__)."""
        frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
        last = frames[-1] if frames else None
        module = "unknown"
        if last is not None:
            module = last.filename.rsplit("/", 1)[-1].removesuffix(".py")
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return cls(
            module_name=module,
            function_name=last.name if last is not None else "unknown",
            exception=type(exc).__name__,
            exception_message=message,
            traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )


@base.NovaObjectRegistry.register
class FlavorPayload(base.NovaObject):
    """The instance's flavor as listeners see it (MiB, GiB)."""

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "flavorid": fields.StringField(nullable=True),
        "name": fields.StringField(nullable=True),
        "memory_mb": fields.IntegerField(nullable=True),
        "vcpus": fields.IntegerField(nullable=True),
        "root_gb": fields.IntegerField(nullable=True),
        "ephemeral_gb": fields.IntegerField(nullable=True),
        "swap": fields.IntegerField(nullable=True),
        "disabled": fields.BooleanField(nullable=True),
        "is_public": fields.BooleanField(nullable=True),
        "extra_specs": fields.DictOfStringsField(nullable=True),
        "description": fields.StringField(nullable=True),
    }

    @classmethod
    def from_flavor(cls, flavor):
        """Return the payload of an objects.Flavor."""
        payload = cls()
        for name in cls.fields:
            if flavor.obj_attr_is_set(name):
                setattr(payload, name, getattr(flavor, name))
            else:
                setattr(payload, name, None)
        return payload


#: Instance attribute -> payload field, where the names differ.
_RENAMED = {
    "project_id": "tenant_id",
    "hostname": "host_name",
    "image_ref": "image_uuid",
    "vm_state": "state",
}


@base.NovaObjectRegistry.register
class InstanceActionPayload(base.NovaObject):
    """An instance at the start, end or failure of an action (upstream's name).

    ``power_state`` is the readable name ("running", "shutdown"), ``state``
    the vm_state; ``fault`` is set on ".error" notifications.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = {
        "uuid": fields.UUIDField(),
        "user_id": fields.StringField(nullable=True),
        "tenant_id": fields.StringField(nullable=True),
        "reservation_id": fields.StringField(nullable=True),
        "display_name": fields.StringField(nullable=True),
        "display_description": fields.StringField(nullable=True),
        "host_name": fields.StringField(nullable=True),
        "host": fields.StringField(nullable=True),
        "node": fields.StringField(nullable=True),
        "os_type": fields.StringField(nullable=True),
        "architecture": fields.StringField(nullable=True),
        "availability_zone": fields.StringField(nullable=True),
        "flavor": fields.ObjectField("FlavorPayload", nullable=True),
        "image_uuid": fields.StringField(nullable=True),
        "key_name": fields.StringField(nullable=True),
        "kernel_id": fields.StringField(nullable=True),
        "ramdisk_id": fields.StringField(nullable=True),
        "created_at": fields.DateTimeField(nullable=True),
        "launched_at": fields.DateTimeField(nullable=True),
        "terminated_at": fields.DateTimeField(nullable=True),
        "deleted_at": fields.DateTimeField(nullable=True),
        "updated_at": fields.DateTimeField(nullable=True),
        "state": fields.StringField(nullable=True),
        "power_state": fields.StringField(nullable=True),
        "task_state": fields.StringField(nullable=True),
        "progress": fields.IntegerField(nullable=True),
        "metadata": fields.DictOfStringsField(),
        "locked": fields.BooleanField(),
        "locked_reason": fields.StringField(nullable=True),
        "auto_disk_config": fields.StringField(nullable=True),
        "action_initiator_user": fields.StringField(nullable=True),
        "action_initiator_project": fields.StringField(nullable=True),
        "fault": fields.ObjectField("ExceptionPayload", nullable=True),
    }

    @classmethod
    def from_instance(cls, context, instance, fault=None, **extra):
        """Build the payload of ``instance`` now.

        :param context: the RequestContext of the action (its user and
            project are the initiator).
        :param fault: the exception of an ".error" notification, or None.
        :param extra: values of fields a subclass adds (e.g.
            ``snapshot_image_id``).
        """
        payload = cls()
        for field in cls.fields:
            if field in ("flavor", "fault", "power_state", "metadata", "locked",
                         "locked_reason",
                         "auto_disk_config", "action_initiator_user",
                         "action_initiator_project") or field in extra:
                continue
            attr = {v: k for k, v in _RENAMED.items()}.get(field, field)
            value = getattr(instance, attr) if instance.obj_attr_is_set(attr) else None
            setattr(payload, field, value)
        payload.power_state = power_state.STATE_MAP.get(instance.power_state or 0)
        payload.locked = bool(instance.locked) if instance.obj_attr_is_set("locked") \
            else False
        payload.metadata = dict(instance.metadata) if instance.obj_attr_is_set(
            "metadata") else {}
        sysmeta = instance.system_metadata if instance.obj_attr_is_set(
            "system_metadata") else {}
        payload.locked_reason = sysmeta.get("locked_reason") if payload.locked else None
        payload.auto_disk_config = "AUTO" if instance.auto_disk_config else "MANUAL"
        payload.flavor = FlavorPayload.from_flavor(instance.flavor) if \
            instance.obj_attr_is_set("flavor") else None
        payload.action_initiator_user = context.user_id
        payload.action_initiator_project = context.project_id
        payload.fault = ExceptionPayload.from_exception(fault) if fault else None
        for name, value in extra.items():
            setattr(payload, name, value)
        return payload


@base.NovaObjectRegistry.register
class InstanceActionRebuildPayload(InstanceActionPayload):
    """An instance during a rebuild (instance.rebuild.*), upstream's name.

    ``trusted_image_certificates`` is always None here: this cloud does
    not verify image signatures.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = dict(InstanceActionPayload.fields, **{
        "trusted_image_certificates": fields.ListOfStringsField(nullable=True),
    })


@base.NovaObjectRegistry.register
class InstanceActionSnapshotPayload(InstanceActionPayload):
    """An instance during a snapshot or backup (instance.snapshot.*), upstream's name.

    ``snapshot_image_id`` is the Glance image being made.
    """

    # Version 1.0: initial version
    VERSION = "1.0"

    fields = dict(InstanceActionPayload.fields, **{
        "snapshot_image_id": fields.UUIDField(),
    })
