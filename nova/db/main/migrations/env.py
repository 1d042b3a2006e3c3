"""Alembic environment of the cell database (see nova.db.alembic_env)."""

from nova.db import alembic_env
from nova.db.main import models

alembic_env.run_migrations(models.BASE.metadata)
