"""Databases for the test run: one PostgreSQL database per test process, and a fresh schema per app
without running its DDL again for every test.

Every test still starts on an empty schema, as if it had just been created. What is saved is the
work that gives the same result every time:

- SQLite: the schema is created once per test process in a template file, and each test's app gets
  a byte-for-byte copy of it (`shutil.copyfile` of a few hundred kB instead of some twenty CREATE
  TABLE statements, each waiting on the disk).
- PostgreSQL: each test process (each pytest-xdist worker, or the one pytest process) creates a
  throwaway database of its own on the server DATABASE_URL names, so parallel workers, and other
  runs on the same server, never drop each other's tables. Its schema is created on first use;
  before each test the rows of every table are deleted and the sequences restarted, which leaves
  the database as `create_all` left it. If a test changed the schema (one adds a trigger, the
  browser tests' own fixture drops the tables at the end), the schema is built again.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from flask import Flask
from sqlalchemy import URL, create_engine, make_url, text

from lti_tool.extensions import db


def is_postgres(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgres://", "postgresql"))


def _server_url(url: str) -> URL:
    """The SQLAlchemy URL of `url` with psycopg 3, as the app itself connects."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    return parsed.set(drivername="postgresql+psycopg")


def create_throwaway_postgres(url: str, worker: str) -> str:
    """A new, empty database on `url`'s server for this test process; its URL, as DATABASE_URL.

    The name carries the xdist worker (gw0, gw1 ...) to tell them apart in `pg_stat_activity`, and a
    random part so that two runs at once (two engineers, or CI and a developer) never share one.
    Commits do not wait for the disk (synchronous_commit off, for this database only): what a
    test sees is the same, and a throwaway database needs no durability.
    """
    server = _server_url(url)
    name = f"mw_test_{worker}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def drop_throwaway_postgres(url: str) -> None:
    """Drop a database made by `create_throwaway_postgres`, whoever is still connected to it."""
    target = _server_url(url)
    name = target.database
    if not name or not name.startswith("mw_test_"):  # never anything this module did not create
        raise ValueError(f"not a throwaway test database: {name!r}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_sqlite_template(app: Flask) -> Path:
    """Create the schema in `app`'s SQLite file, once; the file is then copied for each test."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # closed, so the file is complete and has no journal beside it
    return Path(url.database or "")


def copy_sqlite_template(template: Path, target: Path) -> None:
    shutil.copyfile(template, target)


# What `create_all` made, in one value: relations (tables, indexes, sequences) and their columns,
# constraints, triggers, functions and types. A test that adds a trigger or a function (one makes
# inserts fail on purpose) or drops a table changes it, and the schema is then built again.
_SCHEMA_FINGERPRINT = text(
    """
    SELECT md5(concat_ws('|',
      (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname, relkind)
         FROM pg_class WHERE relnamespace = current_schema()::regnamespace),
      (SELECT string_agg(c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
                         || ':' || a.attnotnull::text, ',' ORDER BY c.relname, a.attname)
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0
          AND NOT a.attisdropped),
      (SELECT string_agg(conname, ',' ORDER BY conname)
         FROM pg_constraint WHERE connamespace = current_schema()::regnamespace),
      (SELECT string_agg(t.tgname, ',' ORDER BY t.tgname)
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal),
      (SELECT string_agg(proname, ',' ORDER BY proname)
         FROM pg_proc WHERE pronamespace = current_schema()::regnamespace),
      (SELECT string_agg(typname, ',' ORDER BY typname)
         FROM pg_type WHERE typnamespace = current_schema()::regnamespace)
    ))
    """
)
_RESTART_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
    "FROM pg_sequences WHERE schemaname = current_schema()"
)
# Database URL -> the fingerprint of its schema just after this process built it.
_BUILT: dict[str, str] = {}


def reset_postgres_schema(app: Flask) -> None:
    """Leave `app`'s PostgreSQL database as `create_all` on an empty database leaves it.

    When the schema is still exactly what this process built, only the data goes: rows child tables
    first (the metadata's dependency order, reversed), and every sequence restarts at 1, so ids are
    those a fresh schema would give. Otherwise (the first test of the process, a test that added a
    trigger or dropped the tables) the schema is dropped with everything in it and built again.
    Anything but a throwaway database gets the old drop_all and create_all.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if not (make_url(url).database or "").startswith("mw_test_"):
            db.drop_all()
            db.create_all()
            return
        with db.engine.begin() as connection:
            if _BUILT.get(url) == connection.scalar(_SCHEMA_FINGERPRINT):
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
                connection.execute(_RESTART_SEQUENCES)
                return
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
        with db.engine.connect() as connection:
            _BUILT[url] = connection.scalar(_SCHEMA_FINGERPRINT)


def worker_name() -> str:
    """This process's pytest-xdist worker id (gw0, gw1 ...), or "main" outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"
