"""Field types for nova objects: oslo.versionedobjects' fields plus nova enums.

Enum fields carry the state names upstream uses (vm_state, task_state,
power_state live in nova.compute's state modules and are validated here).
"""

from oslo_serialization import jsonutils
from oslo_versionedobjects import fields

from nova.compute import power_state, task_states, vm_states

# Re-exported so object modules import one fields module.
Field = fields.Field
FieldType = fields.FieldType
BooleanField = fields.BooleanField
IntegerField = fields.IntegerField
NonNegativeIntegerField = fields.NonNegativeIntegerField
FloatField = fields.FloatField
NonNegativeFloatField = fields.NonNegativeFloatField
StringField = fields.StringField
SensitiveStringField = fields.SensitiveStringField
UUIDField = fields.UUIDField
DateTimeField = fields.DateTimeField
DictOfStringsField = fields.DictOfStringsField
DictOfNullableStringsField = fields.DictOfNullableStringsField
DictOfIntegersField = fields.DictOfIntegersField
ListOfStringsField = fields.ListOfStringsField
ListOfIntegersField = fields.ListOfIntegersField
ListOfDictOfNullableStringsField = fields.ListOfDictOfNullableStringsField
SetOfIntegersField = fields.SetOfIntegersField
ObjectField = fields.ObjectField
ListOfObjectsField = fields.ListOfObjectsField
EnumField = fields.EnumField
IPAddressField = fields.IPAddressField
IPV4AddressField = fields.IPV4AddressField
FlexibleBooleanField = fields.FlexibleBooleanField
BaseEnumField = fields.BaseEnumField
Enum = fields.Enum
IPV6AddressField = fields.IPV6AddressField
DictOfListOfStringsField = fields.DictOfListOfStringsField
Object = fields.Object
AutoTypedField = fields.AutoTypedField


# --- Nova enums (appended by the objects layer) ---------------------------

class InstanceState(Enum):
    """The vm_state strings (nova.compute.vm_states)."""

    def __init__(self):
        super().__init__(valid_values=vm_states.ALL_STATES)


class InstanceTaskState(Enum):
    """The task_state strings (nova.compute.task_states)."""

    def __init__(self):
        super().__init__(valid_values=task_states.ALL_STATES)


class InstancePowerState(Enum):
    """power_state as its name ("running"); stored in the DB as the integer.

    Objects keep the integer in their own field (IntegerField, as upstream's
    Instance does); this enum is for notification-style payloads.
    """

    def __init__(self):
        super().__init__(valid_values=tuple(power_state.STATE_MAP.values()))


class KeyPairType(Enum):
    """Key pair types: "ssh" or "x509"."""

    SSH = "ssh"
    X509 = "x509"
    ALL = (SSH, X509)

    def __init__(self):
        super().__init__(valid_values=KeyPairType.ALL)


class MigrationType(Enum):
    """The kind of a migration record."""

    MIGRATION = "migration"  # cold migration or resize
    RESIZE = "resize"
    LIVE_MIGRATION = "live-migration"
    EVACUATION = "evacuation"
    ALL = (MIGRATION, RESIZE, LIVE_MIGRATION, EVACUATION)

    def __init__(self):
        super().__init__(valid_values=MigrationType.ALL)


class ServerGroupPolicy(Enum):
    """Server group policies (microversion 2.64 names)."""

    AFFINITY = "affinity"
    ANTI_AFFINITY = "anti-affinity"
    SOFT_AFFINITY = "soft-affinity"
    SOFT_ANTI_AFFINITY = "soft-anti-affinity"
    ALL = (AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY)

    def __init__(self):
        super().__init__(valid_values=ServerGroupPolicy.ALL)


class InstanceStateField(BaseEnumField):
    AUTO_TYPE = InstanceState()


class InstanceTaskStateField(BaseEnumField):
    AUTO_TYPE = InstanceTaskState()


class InstancePowerStateField(BaseEnumField):
    AUTO_TYPE = InstancePowerState()


class KeyPairTypeField(BaseEnumField):
    AUTO_TYPE = KeyPairType()


class MigrationTypeField(BaseEnumField):
    AUTO_TYPE = MigrationType()


class ServerGroupPolicyField(BaseEnumField):
    AUTO_TYPE = ServerGroupPolicy()


class NetworkModel(FieldType):
    """A server's network info: a list of VIF dicts, JSON text on the wire.

    The shape is Neutron-derived (``[{"id": port_id, "address": mac,
    "network": {...}, ...}]``) and owned by the network layer; objects only
    carry it.
    """

    @staticmethod
    def coerce(obj, attr, value):
        if isinstance(value, str):
            value = jsonutils.loads(value)
        if not isinstance(value, list):
            raise ValueError(f"{attr} must be a list of VIF dicts, not {type(value).__name__}")
        return value

    @staticmethod
    def to_primitive(obj, attr, value):
        return jsonutils.dumps(value)

    @staticmethod
    def from_primitive(obj, attr, value):
        return jsonutils.loads(value)

    def stringify(self, value):
        return f"NetworkModel({len(value)} VIFs)"


class NetworkModelField(AutoTypedField):
    AUTO_TYPE = NetworkModel()
