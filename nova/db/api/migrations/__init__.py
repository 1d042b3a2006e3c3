"""Alembic history of the API database (run it with nova.db.migration.db_sync)."""
