"""Alembic history of the cell database (run it with nova.db.migration.db_sync)."""
