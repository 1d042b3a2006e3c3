"""Revisions of the cell database schema, oldest first by down_revision."""
