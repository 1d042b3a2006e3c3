"""The models keep upstream Nova's table names and soft-delete columns."""

from nova.db.api import models as api_models
from nova.db.main import models as main_models

API_TABLES = {
    "aggregate_hosts", "aggregate_metadata", "aggregates", "build_requests",
    "cell_mappings", "flavor_extra_specs", "flavor_projects", "flavors",
    "host_mappings", "instance_group_member", "instance_group_policy",
    "instance_groups", "instance_mappings", "key_pairs", "project_user_quotas",
    "quota_classes", "quota_usages", "quotas", "request_specs", "reservations",
}
CELL_SOFT_DELETED_TABLES = {
    "networks", "fixed_ips", "virtual_interfaces", "floating_ips", "security_groups",
    "security_group_rules", "security_group_instance_association",
    "block_device_mapping", "compute_nodes", "instance_actions",
    "instance_actions_events", "instance_extra", "instance_faults",
    "instance_info_caches", "instance_metadata", "instance_system_metadata",
    "instances", "migrations", "services",
}
CELL_TABLES = (CELL_SOFT_DELETED_TABLES | {"console_auth_tokens", "tags", "task_log"}
               | {"shadow_" + name for name in CELL_SOFT_DELETED_TABLES})


def test_table_names():
    assert set(api_models.BASE.metadata.tables) == API_TABLES
    assert set(main_models.BASE.metadata.tables) == CELL_TABLES


def test_api_tables_are_not_soft_deleted():
    for table in api_models.BASE.metadata.tables.values():
        assert "deleted" not in table.c, table.name
        assert {"created_at", "updated_at"} <= set(table.c.keys()), table.name


def test_cell_tables_soft_delete_columns():
    tables = main_models.BASE.metadata.tables
    for name in CELL_SOFT_DELETED_TABLES:
        assert {"deleted", "deleted_at", "created_at", "updated_at"} <= set(tables[name].c.keys())
    assert "deleted" not in tables["console_auth_tokens"].c
    assert set(tables["tags"].c.keys()) == {"resource_id", "tag"}


def test_soft_delete_aware_unique_constraints():
    constraints = {c.name: [col.name for col in c.columns]
                   for c in main_models.BASE.metadata.tables["services"].constraints
                   if c.name}
    assert constraints["uniq_services0host0binary0deleted"] == ["host", "binary", "deleted"]


def test_models_offer_dict_access():
    flavor = api_models.Flavor(name="m1.tiny", memory_mb=512, vcpus=1, flavorid="1")
    assert flavor["name"] == "m1.tiny"
    flavor.update({"vcpus": 2})
    assert flavor.vcpus == 2


def test_every_soft_deleted_table_has_a_bare_shadow_table():
    tables = main_models.BASE.metadata.tables
    assert set(main_models.SHADOW_TABLES) == CELL_SOFT_DELETED_TABLES
    for name in CELL_SOFT_DELETED_TABLES:
        table, shadow = tables[name], tables["shadow_" + name]
        assert main_models.SHADOW_TABLES[name] is shadow
        assert [(c.name, str(c.type), c.nullable, c.primary_key) for c in shadow.c] == [
            (c.name, str(c.type), c.nullable, c.primary_key) for c in table.c]
        # Rows of re-used names and of deleted parents sit side by side.
        assert not shadow.foreign_keys and not shadow.indexes
        assert [type(c).__name__ for c in shadow.constraints] == ["PrimaryKeyConstraint"]
