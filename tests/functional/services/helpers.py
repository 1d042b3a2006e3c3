"""Small helpers shared by the services functional tests."""

import sqlalchemy as sa

from nova.db.main import api as main_db_api


def service_row(host, binary):
    """Read the services row straight from the [database] engine (a dict or None).

    Bypasses objects on purpose: the tests check what reached the database,
    not what an object in this process believes.
    """
    with main_db_api.get_engine().connect() as conn:
        row = conn.execute(
            sa.text("SELECT * FROM services WHERE host = :host AND "
                    "`binary` = :binary AND deleted = 0"
                    if conn.dialect.name == "mysql" else
                    "SELECT * FROM services WHERE host = :host AND "
                    "\"binary\" = :binary AND deleted = 0"),
            {"host": host, "binary": binary}).mappings().first()
    return dict(row) if row is not None else None
