"""Pin every nova object's version and fingerprint.

The fingerprint is a hash of an object's fields (names and types) and its
remotable methods' signatures. Nodes running different code exchange
objects over RPC by version, so a change to either must come with a
VERSION bump (and obj_make_compatible for older peers). When this test
fails: bump the object's VERSION, add a line to its version-history
comment, and put the new "version-hash" shown in the failure message here.
"""

from oslo_versionedobjects import fixture

from nova import objects
from nova.notifications import payloads  # noqa: F401  (registers the payloads)
from nova.objects import base

objects.register_all()

# Object name -> "VERSION-fingerprint".
object_data = {
    "Aggregate": "1.0-f315cb68906307ca2d1cca84d4753585",
    "AggregateList": "1.0-3ea55a050354e72ef3306adefa553957",
    "BlockDeviceMapping": "1.0-b4e76f281cce96e518ec28604e1607e2",
    "BlockDeviceMappingList": "1.0-4a53826625cc280e15fae64a575e0879",
    "BuildRequest": "1.0-ffaecf787f357004984d993c081b0de1",
    "BuildRequestList": "1.0-7f9910028604fdec2b595261bfa05af1",
    "CellMapping": "1.0-5d652928000a5bc369d79d5bde7e497d",
    "CellMappingList": "1.0-f84d170dd49b216cec41881ab100b0b4",
    "ComputeNode": "1.0-bc848a354df6ee3f5d8500be954383d9",
    "ComputeNodeList": "1.0-9d71e5e99cfd11d09f509cd31f5ea876",
    "ConsoleAuthToken": "1.0-64803f4ab6b1bf92af587bbf21793390",
    "Destination": "1.0-07240d223a95c8b9399f7af21091ccfd",
    "ExceptionPayload": "1.0-96f178a12691e3ef0d8e3188fc481b90",
    "FixedIP": "1.0-62e309f4ddb3fcf0754437095a05b49c",
    "FixedIPList": "1.0-8361aea11be9fc88d1f2eaecb5ce3f6c",
    "Flavor": "1.0-a1cd62f2edd903c77bb8514761462e1d",
    "FlavorList": "1.0-52b5928600e7ca973aa4fc1e46f3934c",
    "FlavorPayload": "1.0-56e2b91f410e4c394872b25627223fd9",
    "FloatingIP": "1.0-7516cdfc2ecc941179b9e45884659528",
    "FloatingIPList": "1.0-53838e12fe4425a0ce1816b08b7c863d",
    "HVSpec": "1.0-de4b9ae8ca33938d865df4aeaa3cc39e",
    "HostMapping": "1.0-1a3390a696792a552ab7bd31a77ba9ac",
    "HostMappingList": "1.0-18ac2bfb8c1eb5545bed856da58a79bc",
    "ImageMeta": "1.0-bcb88e4be764348daba1df0980905a02",
    "Instance": "1.0-4fa1dbafde6292f6f992641cb83320c1",
    "InstanceAction": "1.0-f9f293e526b66fca0d05c3b3a2d13914",
    "InstanceActionEvent": "1.0-c9d764ed0d0c336c99c99300f6e4bfbd",
    "InstanceActionEventList": "1.0-13d92fb953030cdbfee56481756e02be",
    "InstanceActionList": "1.0-a2b2fb6006b47c27076d3a1d48baa759",
    "InstanceActionPayload": "1.0-cc12b4511a0f230f576624415a6d1551",
    "InstanceActionRebuildPayload": "1.0-2a166759ff2cd5e9b4b32768c97e4ef3",
    "InstanceActionSnapshotPayload": "1.0-7779654273e68c0e954561496cef0627",
    "InstanceFault": "1.0-7ef01f16f1084ad1304a513d6d410a38",
    "InstanceFaultList": "1.0-6bb72de2872fe49ded5eb937a93f2451",
    "InstanceGroup": "1.0-4723f60fd5e287f959fbbb4749595fe1",
    "InstanceGroupList": "1.0-be18078220513316abd0ae1b2d916873",
    "InstanceInfoCache": "1.0-ef35e2a1f42560da62ac675907c876df",
    "InstanceList": "1.1-c3096768f8c0071d5582cf9fe5a91c17",
    "InstanceMapping": "1.0-bc82537ca278eb17e11f7a89ad170984",
    "InstanceMappingList": "1.0-ee638619aa3d8a82a59c0c83bfa64d78",
    "KeyPair": "1.0-35fd3df6f617aa8d6afcc85106e60b7e",
    "KeyPairList": "1.0-94aad3ac5c938eef4b5e83da0212f506",
    "Migration": "1.0-d670132d911c74ac34f3174b04491795",
    "MigrationList": "1.0-5ac93d06c253bc3423b93520a8328286",
    "Network": "1.0-f6ae1d89c5b660a7cfeffa955b5775a0",
    "NetworkList": "1.0-f195761d7b7e9dd21d5d2242961d7731",
    "NetworkRequest": "1.0-724e969a2f094fc2427e729ca87d5d72",
    "NetworkRequestList": "1.0-15ecf022a68ddbb8c2a6739cfc9f8f5e",
    "RequestSpec": "1.1-4093e72dca3809ccc4c3f5516cfe520e",
    "SchedulerRetries": "1.0-3c9c8b16143ebbb6ad7030e999d14cc0",
    "SecurityGroup": "1.0-d8f6eb07a22a12d0713be0a4eed13da2",
    "SecurityGroupList": "1.0-7545e78bc1650b0ba2b2d03fbfe6dd8f",
    "SecurityGroupRule": "1.0-6821f06739d552065ce12e23821e8cc4",
    "SecurityGroupRuleList": "1.0-8a09ff4d283a4a053b441564e6b19789",
    "Selection": "1.0-bb8079d73d4fc62a58351a8ac1e49495",
    "Service": "1.0-57ed2355074b9bd94485676c8bd8ae40",
    "ServiceList": "1.0-6c52cb616621c1af2415dcc11faf5c1a",
    "Tag": "1.0-8b8d7d5b48887651a0e01241672e2963",
    "TaskLog": "1.0-e3c4f2c2f6ad456810324b079f038bac",
    "TaskLogList": "1.0-cc8cce1af8a283b9d28b55fcd682e777",
    "TagList": "1.0-55231bdb671ecf7641d6a2e9109b5d8e",
    "VirtualInterface": "1.0-cac9194f8cac5c1ee1dc3ba83ab27dd9",
    "VirtualInterfaceList": "1.0-a84355c7486bd5837582f37e04f18356",
}


def _nova_classes():
    return {name: classes for name, classes in base.NovaObjectRegistry.obj_classes().items()
            if classes[0].OBJ_PROJECT_NAMESPACE == "nova"}


def test_versions_and_fingerprints_are_pinned():
    checker = fixture.ObjectVersionChecker(_nova_classes())
    expected, actual = checker.test_hashes(object_data)
    changed = {name: (expected.get(name), actual.get(name)) for name in sorted(actual)}
    assert expected == actual, (
        "Object fields or remotable methods changed without a version bump, or an object "
        "was added/removed. Bump VERSION (with a version-history comment) and update "
        "object_data in this file. (name: (pinned, current)):\n" + "\n".join(
            f"  {name}: {pair}" for name, pair in changed.items()))


def test_every_pinned_object_is_registered():
    missing = sorted(set(object_data) - set(_nova_classes()))
    assert not missing, f"objects pinned here but no longer registered: {missing}"


def test_objects_are_published_on_the_package():
    for name in object_data:
        assert getattr(objects, name).obj_name() == name


def test_child_versions_are_resolvable():
    # Every ObjectField/ListOfObjectsField must name a registered object,
    # or serialising the parent for an older peer would fail at runtime.
    checker = fixture.ObjectVersionChecker(_nova_classes())
    tree = checker.get_dependency_tree()
    classes = _nova_classes()
    for name, children in tree.items():
        for child in children:
            assert child in classes, f"{name} refers to unregistered object {child}"
