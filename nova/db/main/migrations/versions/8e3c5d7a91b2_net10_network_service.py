"""The built-in network service's tables (nova-network's names) and their shadows.

networks, fixed_ips, virtual_interfaces, floating_ips, security_groups,
security_group_rules and security_group_instance_association, as upstream
nova-network kept them in the cell database, each soft-deleted and so
with a bare ``shadow_`` copy for ``nova-manage db archive_deleted_rows``.

Revision ID: 8e3c5d7a91b2
Revises: 5f39bcee5b3c
Create Date: 2026-12-03 17:45:00
"""

import sqlalchemy as sa
from alembic import op

# As the initial schema: InnoDB in utf8mb4 on MySQL/MariaDB.
_MYSQL_TABLE = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}

revision = "8e3c5d7a91b2"
down_revision = "5f39bcee5b3c"
branch_labels = None
depends_on = None

_IP = 39


def _str(length=255):
    return sa.String(length=length)


# name -> [(column, type)], the columns after ``id`` and before the timestamps.
_TABLES = {
    "networks": [
        ("label", _str()), ("injected", sa.Boolean()), ("cidr", _str(_IP + 4)),
        ("cidr_v6", _str(_IP + 4)), ("multi_host", sa.Boolean()),
        ("gateway_v6", _str(_IP)), ("netmask_v6", _str(_IP)), ("netmask", _str(_IP)),
        ("bridge", _str()), ("bridge_interface", _str()), ("gateway", _str(_IP)),
        ("broadcast", _str(_IP)), ("dns1", _str(_IP)), ("dns2", _str(_IP)),
        ("vlan", sa.Integer()), ("vpn_public_address", _str(_IP)),
        ("vpn_public_port", sa.Integer()), ("vpn_private_address", _str(_IP)),
        ("dhcp_start", _str(_IP)), ("rxtx_base", sa.Integer()), ("project_id", _str()),
        ("priority", sa.Integer()), ("host", _str()), ("uuid", _str(36)),
        ("mtu", sa.Integer()), ("dhcp_server", _str(_IP)), ("enable_dhcp", sa.Boolean()),
        ("share_address", sa.Boolean()),
    ],
    "virtual_interfaces": [
        ("address", _str()), ("network_id", sa.Integer()), ("instance_uuid", _str(36)),
        ("uuid", _str(36)), ("tag", _str()),
    ],
    "fixed_ips": [
        ("address", _str(_IP)), ("network_id", sa.Integer()),
        ("virtual_interface_id", sa.Integer()), ("instance_uuid", _str(36)),
        ("allocated", sa.Boolean()), ("leased", sa.Boolean()), ("reserved", sa.Boolean()),
        ("host", _str()),
    ],
    "floating_ips": [
        ("address", _str(_IP)), ("fixed_ip_id", sa.Integer()), ("project_id", _str()),
        ("host", _str()), ("auto_assigned", sa.Boolean()), ("pool", _str()),
        ("interface", _str()),
    ],
    "security_groups": [
        ("name", _str()), ("description", _str()), ("user_id", _str()),
        ("project_id", _str()),
    ],
    "security_group_rules": [
        ("parent_group_id", sa.Integer()), ("protocol", _str()), ("from_port", sa.Integer()),
        ("to_port", sa.Integer()), ("cidr", _str(_IP + 4)), ("group_id", sa.Integer()),
    ],
    "security_group_instance_association": [
        ("security_group_id", sa.Integer()), ("instance_uuid", _str(36)),
    ],
}

_UNIQUE = {
    "networks": [("uniq_networks0vlan0deleted", ["vlan", "deleted"])],
    "virtual_interfaces": [("uniq_virtual_interfaces0address0deleted",
                            ["address", "deleted"])],
    "fixed_ips": [("uniq_fixed_ips0address0deleted", ["address", "deleted"])],
    "floating_ips": [("uniq_floating_ips0address0deleted", ["address", "deleted"])],
    "security_groups": [("uniq_security_groups0project_id0name0deleted",
                         ["project_id", "name", "deleted"])],
}

_INDEXES = {
    "networks": [
        ("networks_host_idx", ["host"]), ("networks_cidr_v6_idx", ["cidr_v6"]),
        ("networks_bridge_deleted_idx", ["bridge", "deleted"]),
        ("networks_project_id_deleted_idx", ["project_id", "deleted"]),
        ("networks_uuid_project_id_deleted_idx", ["uuid", "project_id", "deleted"]),
        ("networks_vlan_deleted_idx", ["vlan", "deleted"]),
    ],
    "virtual_interfaces": [
        ("virtual_interfaces_network_id_idx", ["network_id"]),
        ("virtual_interfaces_instance_uuid_fkey", ["instance_uuid"]),
        ("virtual_interfaces_uuid_idx", ["uuid"]),
    ],
    "fixed_ips": [
        ("fixed_ips_virtual_interface_id_fkey", ["virtual_interface_id"]),
        ("network_id", ["network_id"]), ("address", ["address"]),
        ("fixed_ips_instance_uuid_fkey", ["instance_uuid"]),
        ("fixed_ips_host_idx", ["host"]),
        ("fixed_ips_network_id_host_deleted_idx", ["network_id", "host", "deleted"]),
        ("fixed_ips_address_reserved_network_id_deleted_idx",
         ["address", "reserved", "network_id", "deleted"]),
        ("fixed_ips_deleted_allocated_updated_at_idx",
         ["deleted", "allocated", "updated_at"]),
    ],
    "floating_ips": [
        ("fixed_ip_id", ["fixed_ip_id"]), ("floating_ips_host_idx", ["host"]),
        ("floating_ips_project_id_idx", ["project_id"]),
        ("floating_ips_pool_deleted_fixed_ip_id_project_id_idx",
         ["pool", "deleted", "fixed_ip_id", "project_id"]),
    ],
    "security_group_instance_association": [
        ("security_group_instance_association_instance_uuid_idx", ["instance_uuid"]),
    ],
}


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted", sa.Integer(), nullable=True),
    ]


def upgrade():
    for name, columns in _TABLES.items():
        op.create_table(
            name,
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            *[sa.Column(column, column_type, nullable=True) for column, column_type in columns],
            *_timestamps(),
            sa.PrimaryKeyConstraint("id"),
            *[sa.UniqueConstraint(*cols, name=uname) for uname, cols in _UNIQUE.get(name, [])],
            **_MYSQL_TABLE,
        )
        for index, cols in _INDEXES.get(name, []):
            op.create_index(index, name, cols, unique=False)
        op.create_table(
            "shadow_" + name,
            sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
            *[sa.Column(column, column_type, nullable=True) for column, column_type in columns],
            *_timestamps(),
            sa.PrimaryKeyConstraint("id"),
            **_MYSQL_TABLE,
        )
