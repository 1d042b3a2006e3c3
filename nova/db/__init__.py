"""Database layer: the API database (nova.db.api) and the cell database (nova.db.main).

Each database has its SQLAlchemy models, its enginefacade transaction context
and its own alembic history; ``nova.db.migration`` upgrades either one.
"""
