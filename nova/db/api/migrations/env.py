"""Alembic environment of the API database (see nova.db.alembic_env)."""

from nova.db import alembic_env
from nova.db.api import models

alembic_env.run_migrations(models.BASE.metadata)
