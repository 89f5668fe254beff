"""Declarative base with a naming convention, so Alembic names constraints the same on every database."""

import sqlite3
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC timestamps: SQLite drops tzinfo, so we store naive UTC everywhere for one behaviour."""
    return datetime.now(UTC).replace(tzinfo=None)


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE run by `Session.execute` matched.

    For these statements `Session.execute` returns a CursorResult, which has `rowcount`; its
    signature says Result, what it returns for any statement, hence the cast.
    """
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount


def dialect_insert(session: Session) -> Any:
    """The `insert` construct of the session's database, which has `on_conflict_do_…`: the two
    databases this tool runs on both have ON CONFLICT, spelled by their own dialects."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


SQLITE_BUSY_TIMEOUT_MS = 15_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite behaves like the server databases where it matters.

    - foreign keys: SQLite ignores ON DELETE CASCADE unless asked; PostgreSQL always honours it;
    - WAL: readers never wait for a writer, and a writer never waits for readers;
    - busy timeout: a writer waits its turn (up to 15 s) rather than failing at once. Writes are
      short, because no transaction is held open across an LMS call.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")  # kept by the file; ignored in memory
        cursor.close()
