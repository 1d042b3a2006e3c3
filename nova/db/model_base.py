"""Column types and model mixins shared by the API and the cell database models.

Both schemas follow upstream Nova: every table has ``created_at`` and
``updated_at``; the cell database tables that support soft deletion add
``deleted_at`` and ``deleted`` (0 while live, the row's id once deleted, so a
unique constraint that includes ``deleted`` lets a name be reused after a
delete).
"""

from oslo_db.sqlalchemy import models as oslo_models
from sqlalchemy import Text
from sqlalchemy.dialects import mysql

#: Naming convention of foreign keys: <table>_<column>_fkey.
FK_NAMING_CONVENTION = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}


def MediumText():
    """Return a Text type that is MEDIUMTEXT (16 MiB) on MySQL/MariaDB.

    Plain TEXT on MySQL holds only 64 KiB, too little for serialized request
    specs, build requests and network info caches; other backends' TEXT is
    unbounded already.
    """
    return Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


class NovaBase(oslo_models.TimestampMixin, oslo_models.ModelBase):
    """Mixin for every nova model: dict-style access plus created/updated stamps.

    ``ModelBase`` gives ``model["column"]``, ``update(dict)`` and ``save(session)``;
    ``TimestampMixin`` fills ``created_at`` on insert and ``updated_at`` on update
    (naive UTC datetimes).
    """


#: Adds ``deleted_at`` and ``deleted`` (0 while live) plus ``soft_delete(session)``.
SoftDeleteMixin = oslo_models.SoftDeleteMixin

#: Dict-style access and ``save(session)`` without timestamps (tags).
ModelBase = oslo_models.ModelBase
