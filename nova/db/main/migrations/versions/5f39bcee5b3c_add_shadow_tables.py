"""Shadow tables: where nova-manage db archive_deleted_rows moves soft-deleted rows.

One ``shadow_<table>`` per soft-deleted table of the cell database, with
the same columns and primary key and nothing else (no defaults, foreign
keys, unique constraints or indexes), as upstream's shadow tables. Enum
columns get enum types of their own (``shadow_<type>``): PostgreSQL types
are database-wide.

Revision ID: 5f39bcee5b3c
Revises: 562351ddd895
Create Date: 2026-12-03 10:33:24.761311
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

# As the initial schema: InnoDB in utf8mb4 on MySQL/MariaDB.
_MYSQL_TABLE = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def _medium_text():
    # MEDIUMTEXT (16 MiB) on MySQL/MariaDB, whose TEXT stops at 64 KiB.
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


revision = "5f39bcee5b3c"
down_revision = "562351ddd895"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shadow_block_device_mapping",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instance_uuid", sa.String(length=36), nullable=True),
        sa.Column("source_type", sa.String(length=255), nullable=True),
        sa.Column("destination_type", sa.String(length=255), nullable=True),
        sa.Column("guest_format", sa.String(length=255), nullable=True),
        sa.Column("device_type", sa.String(length=255), nullable=True),
        sa.Column("disk_bus", sa.String(length=255), nullable=True),
        sa.Column("boot_index", sa.Integer(), nullable=True),
        sa.Column("device_name", sa.String(length=255), nullable=True),
        sa.Column("delete_on_termination", sa.Boolean(), nullable=True),
        sa.Column("snapshot_id", sa.String(length=36), nullable=True),
        sa.Column("volume_id", sa.String(length=36), nullable=True),
        sa.Column("volume_size", sa.Integer(), nullable=True),
        sa.Column("volume_type", sa.String(length=255), nullable=True),
        sa.Column("image_id", sa.String(length=36), nullable=True),
        sa.Column("no_device", sa.Boolean(), nullable=True),
        sa.Column("connection_info", _medium_text(), nullable=True),
        sa.Column("tag", sa.String(length=255), nullable=True),
        sa.Column("attachment_id", sa.String(length=36), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=True),
        sa.Column("encrypted", sa.Boolean(), nullable=True),
        sa.Column("encryption_secret_uuid", sa.String(length=36), nullable=True),
        sa.Column("encryption_format", sa.String(length=128), nullable=True),
        sa.Column("encryption_options", sa.String(length=4096), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_compute_nodes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=True),
        sa.Column("vcpus", sa.Integer(), nullable=False),
        sa.Column("memory_mb", sa.Integer(), nullable=False),
        sa.Column("local_gb", sa.Integer(), nullable=False),
        sa.Column("vcpus_used", sa.Integer(), nullable=False),
        sa.Column("memory_mb_used", sa.Integer(), nullable=False),
        sa.Column("local_gb_used", sa.Integer(), nullable=False),
        sa.Column("hypervisor_type", _medium_text(), nullable=False),
        sa.Column("hypervisor_version", sa.Integer(), nullable=False),
        sa.Column("hypervisor_hostname", sa.String(length=255), nullable=True),
        sa.Column("free_ram_mb", sa.Integer(), nullable=True),
        sa.Column("free_disk_gb", sa.Integer(), nullable=True),
        sa.Column("current_workload", sa.Integer(), nullable=True),
        sa.Column("running_vms", sa.Integer(), nullable=True),
        sa.Column("cpu_info", _medium_text(), nullable=False),
        sa.Column("disk_available_least", sa.Integer(), nullable=True),
        sa.Column("host_ip", sa.String(length=39), nullable=True),
        sa.Column("supported_instances", sa.Text(), nullable=True),
        sa.Column("metrics", sa.Text(), nullable=True),
        sa.Column("pci_stats", sa.Text(), nullable=True),
        sa.Column("extra_resources", sa.Text(), nullable=True),
        sa.Column("stats", sa.Text(), nullable=True),
        sa.Column("numa_topology", sa.Text(), nullable=True),
        sa.Column("cpu_allocation_ratio", sa.Float(), nullable=True),
        sa.Column("ram_allocation_ratio", sa.Float(), nullable=True),
        sa.Column("disk_allocation_ratio", sa.Float(), nullable=True),
        sa.Column("mapped", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_actions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("action", sa.String(length=255), nullable=True),
        sa.Column("instance_uuid", sa.String(length=36), nullable=True),
        sa.Column("request_id", sa.String(length=255), nullable=True),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("project_id", sa.String(length=255), nullable=True),
        sa.Column("start_time", sa.DateTime(), nullable=True),
        sa.Column("finish_time", sa.DateTime(), nullable=True),
        sa.Column("message", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_actions_events",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event", sa.String(length=255), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("start_time", sa.DateTime(), nullable=True),
        sa.Column("finish_time", sa.DateTime(), nullable=True),
        sa.Column("result", sa.String(length=255), nullable=True),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_extra",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instance_uuid", sa.String(length=36), nullable=False),
        sa.Column("device_metadata", sa.Text(), nullable=True),
        sa.Column("numa_topology", sa.Text(), nullable=True),
        sa.Column("pci_requests", sa.Text(), nullable=True),
        sa.Column("flavor", sa.Text(), nullable=True),
        sa.Column("vcpu_model", sa.Text(), nullable=True),
        sa.Column("migration_context", sa.Text(), nullable=True),
        sa.Column("keypairs", sa.Text(), nullable=True),
        sa.Column("trusted_certs", sa.Text(), nullable=True),
        sa.Column("vpmems", sa.Text(), nullable=True),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_faults",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instance_uuid", sa.String(length=36), nullable=True),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=255), nullable=True),
        sa.Column("details", _medium_text(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_info_caches",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("network_info", _medium_text(), nullable=True),
        sa.Column("instance_uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_metadata",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("value", sa.String(length=255), nullable=True),
        sa.Column("instance_uuid", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instance_system_metadata",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instance_uuid", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_instances",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("project_id", sa.String(length=255), nullable=True),
        sa.Column("image_ref", sa.String(length=255), nullable=True),
        sa.Column("kernel_id", sa.String(length=255), nullable=True),
        sa.Column("ramdisk_id", sa.String(length=255), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("launch_index", sa.Integer(), nullable=True),
        sa.Column("key_name", sa.String(length=255), nullable=True),
        sa.Column("key_data", _medium_text(), nullable=True),
        sa.Column("power_state", sa.Integer(), nullable=True),
        sa.Column("vm_state", sa.String(length=255), nullable=True),
        sa.Column("task_state", sa.String(length=255), nullable=True),
        sa.Column("memory_mb", sa.Integer(), nullable=True),
        sa.Column("vcpus", sa.Integer(), nullable=True),
        sa.Column("root_gb", sa.Integer(), nullable=True),
        sa.Column("ephemeral_gb", sa.Integer(), nullable=True),
        sa.Column("ephemeral_key_uuid", sa.String(length=36), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("node", sa.String(length=255), nullable=True),
        sa.Column("compute_id", sa.BigInteger(), nullable=True),
        sa.Column("instance_type_id", sa.Integer(), nullable=True),
        sa.Column("user_data", _medium_text(), nullable=True),
        sa.Column("reservation_id", sa.String(length=255), nullable=True),
        sa.Column("launched_at", sa.DateTime(), nullable=True),
        sa.Column("terminated_at", sa.DateTime(), nullable=True),
        sa.Column("availability_zone", sa.String(length=255), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("display_description", sa.String(length=255), nullable=True),
        sa.Column("launched_on", _medium_text(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=True),
        sa.Column(
            "locked_by", sa.Enum("owner", "admin", name="shadow_instances0locked_by"), nullable=True
        ),
        sa.Column("os_type", sa.String(length=255), nullable=True),
        sa.Column("architecture", sa.String(length=255), nullable=True),
        sa.Column("vm_mode", sa.String(length=255), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("root_device_name", sa.String(length=255), nullable=True),
        sa.Column("default_ephemeral_device", sa.String(length=255), nullable=True),
        sa.Column("default_swap_device", sa.String(length=255), nullable=True),
        sa.Column("config_drive", sa.String(length=255), nullable=True),
        sa.Column("access_ip_v4", sa.String(length=39), nullable=True),
        sa.Column("access_ip_v6", sa.String(length=39), nullable=True),
        sa.Column("auto_disk_config", sa.Boolean(), nullable=True),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("shutdown_terminate", sa.Boolean(), nullable=True),
        sa.Column("disable_terminate", sa.Boolean(), nullable=True),
        sa.Column("cell_name", sa.String(length=255), nullable=True),
        sa.Column("cleaned", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_migrations",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=True),
        sa.Column("source_compute", sa.String(length=255), nullable=True),
        sa.Column("dest_compute", sa.String(length=255), nullable=True),
        sa.Column("source_node", sa.String(length=255), nullable=True),
        sa.Column("dest_node", sa.String(length=255), nullable=True),
        sa.Column("dest_compute_id", sa.BigInteger(), nullable=True),
        sa.Column("dest_host", sa.String(length=255), nullable=True),
        sa.Column("old_instance_type_id", sa.Integer(), nullable=True),
        sa.Column("new_instance_type_id", sa.Integer(), nullable=True),
        sa.Column("instance_uuid", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=255), nullable=True),
        sa.Column(
            "migration_type",
            sa.Enum(
                "migration", "resize", "live-migration", "evacuation", name="shadow_migration_type"
            ),
            nullable=True,
        ),
        sa.Column("hidden", sa.Boolean(), nullable=True),
        sa.Column("memory_total", sa.BigInteger(), nullable=True),
        sa.Column("memory_processed", sa.BigInteger(), nullable=True),
        sa.Column("memory_remaining", sa.BigInteger(), nullable=True),
        sa.Column("disk_total", sa.BigInteger(), nullable=True),
        sa.Column("disk_processed", sa.BigInteger(), nullable=True),
        sa.Column("disk_remaining", sa.BigInteger(), nullable=True),
        sa.Column("cross_cell_move", sa.Boolean(), nullable=True),
        sa.Column("user_id", sa.String(length=255), nullable=True),
        sa.Column("project_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )

    op.create_table(
        "shadow_services",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("binary", sa.String(length=255), nullable=True),
        sa.Column("topic", sa.String(length=255), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=True),
        sa.Column("disabled_reason", sa.String(length=255), nullable=True),
        sa.Column("last_seen_up", sa.DateTime(), nullable=True),
        sa.Column("forced_down", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        **_MYSQL_TABLE,
    )
