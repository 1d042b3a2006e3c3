"""Field types for nova objects: oslo.versionedobjects' fields plus nova enums.

Enum fields carry the state names upstream uses (vm_state, task_state,
power_state live in nova.compute's state modules and are validated here).
"""

from oslo_versionedobjects import fields

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
