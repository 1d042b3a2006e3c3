"""Revisions of the API database schema, oldest first by down_revision."""
