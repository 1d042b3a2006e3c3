"""task_log: the periodic instance usage audit's record per host and period.

Revision ID: 3a9c2e7d41b0
Revises: 8e3c5d7a91b2
Create Date: 2026-12-03 17:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3a9c2e7d41b0"
down_revision = "8e3c5d7a91b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_name", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("period_beginning", sa.DateTime(), nullable=False),
        sa.Column("period_ending", sa.DateTime(), nullable=False),
        sa.Column("message", sa.String(length=255), nullable=False),
        sa.Column("task_items", sa.Integer(), nullable=True),
        sa.Column("errors", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_name", "host", "period_beginning", "period_ending",
                            name="uniq_task_log0task_name0host0period_beginning0period_ending"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_index("ix_task_log_period_beginning", "task_log", ["period_beginning"])
    op.create_index("ix_task_log_host", "task_log", ["host"])
    op.create_index("ix_task_log_period_ending", "task_log", ["period_ending"])

