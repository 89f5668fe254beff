"""Databases for the test run: one PostgreSQL database per test process.

Each test process (each pytest-xdist worker, or the one pytest process) creates a throwaway
database of its own on the server DATABASE_URL names, so parallel workers, and other runs on the
same server, never drop each other's tables.
"""

from __future__ import annotations

import os
import uuid

from sqlalchemy import URL, create_engine, make_url, text


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


def worker_name() -> str:
    """This process's pytest-xdist worker id (gw0, gw1 ...), or "main" outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER") or "main"
