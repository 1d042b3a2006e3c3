"""Create or drop the quickstart's databases on a MariaDB/PostgreSQL server.

Used by tools/quickstart.sh (create) and tests/integration/test_boot_cli.py
(create and drop); runs with nova's python (SQLAlchemy, PyMySQL, psycopg2)::

    python tools/lib/quickstart_db.py create SERVER_URL NAME [NAME...]
    python tools/lib/quickstart_db.py drop SERVER_URL NAME [NAME...]
    python tools/lib/quickstart_db.py url SERVER_URL NAME

SERVER_URL is a SQLAlchemy URL without a database name, e.g.
``mysql+pymysql://root@127.0.0.1`` or
``postgresql+psycopg2://postgres@127.0.0.1``. ``create`` skips databases that
exist; ``drop`` skips those that do not. ``url`` prints the URL of database
NAME on that server (with ``?charset=utf8mb4`` for MySQL). Exit status 0, or
1 with a message on stderr when the server refuses.
"""

import argparse
import sys

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def database_url(server_url, name):
    """Return the URL (str) of database ``name`` on ``server_url``.

    MySQL URLs get ``charset=utf8mb4`` so that nova's 4-byte UTF-8 strings
    round-trip, as upstream deployment guides configure.
    """
    url = make_url(server_url).set(database=name)
    if url.get_backend_name() == "mysql" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    return url.render_as_string(hide_password=False)


def _admin_engine(server_url):
    url = make_url(server_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        # CREATE/DROP DATABASE cannot run in a transaction block.
        return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT"), backend
    if backend == "mysql":
        return sa.create_engine(url.set(database=None)), backend
    raise ValueError(f"not a MySQL/MariaDB or PostgreSQL URL: {server_url}")


def existing_databases(conn, backend):
    """Return the set of database names on the server."""
    if backend == "postgresql":
        rows = conn.execute(sa.text("SELECT datname FROM pg_database"))
    else:
        rows = conn.execute(sa.text("SHOW DATABASES"))
    return {row[0] for row in rows}


def create(server_url, names):
    """Create each database of ``names`` that is missing; return the created ones."""
    engine, backend = _admin_engine(server_url)
    created = []
    with engine.connect() as conn:
        present = existing_databases(conn, backend)
        for name in names:
            if name in present:
                continue
            if backend == "mysql":
                conn.execute(sa.text(
                    f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"))
            else:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            created.append(name)
        conn.commit()
    engine.dispose()
    return created


def drop(server_url, names):
    """Drop each database of ``names`` that exists; return the dropped ones.

    On PostgreSQL open sessions on those databases are terminated first
    (a daemon killed a moment ago may still hold one).
    """
    engine, backend = _admin_engine(server_url)
    dropped = []
    with engine.connect() as conn:
        present = existing_databases(conn, backend)
        for name in names:
            if name not in present:
                continue
            if backend == "postgresql":
                conn.execute(sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
                conn.execute(sa.text(f'DROP DATABASE "{name}"'))
            else:
                conn.execute(sa.text(f"DROP DATABASE `{name}`"))
            dropped.append(name)
        conn.commit()
    engine.dispose()
    return dropped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["create", "drop", "url"])
    parser.add_argument("server_url")
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    if args.action == "url":
        print(database_url(args.server_url, args.names[0]))
        return 0
    try:
        done = (create if args.action == "create" else drop)(args.server_url, args.names)
    except (sa.exc.SQLAlchemyError, ValueError) as exc:
        print(f"quickstart_db: {args.action} failed: {exc}", file=sys.stderr)
        return 1
    verb = "created" if args.action == "create" else "dropped"
    for name in done:
        print(f"quickstart_db: {verb} database {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
