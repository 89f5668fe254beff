"""Each membership's latest activity, kept by the database itself (`Membership.activity_at`).

The grid sorts a course of thousands by last activity: the latest of a learner's launch, their
progress (an update or a completion), drafts and submissions in any module of the course. Read
from those tables, that is an aggregate over every row of the course on each request; stored on
the membership, it is one column, so the page's ORDER BY costs the same at 20 and at 10,000
learners. Triggers keep it, rather than the services that write progress and reflections, so
every writer is covered (the player, imports, a bulk insert) and no feature has to remember the
grid. The value only moves forward: the app never deletes these rows but with their course or
user, whose memberships go too. The migration `b7e2c9d4a611` creates the same triggers and fills
the column for the rows already there; `tests/integration/course_progress/test_sql_agrees.py`
checks the stored value against the aggregate over the rows.

The triggers are SQL only: no model of `learning_modules` is imported, the tables are named.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, event

from lti_tool.extensions import db

# (table, the times it records, how to find the membership: from the row or its reflection)
SOURCES = (
    ("lm_module_progress", ("updated_at", "completed_at"), None),
    ("lm_reflection", ("updated_at",), None),
    ("lm_reflection_version", ("submitted_at",), "lm_reflection"),
)


def _where(owner: str | None, row: str) -> str:
    if owner is None:
        return f"context_id = {row}.context_id AND user_id = {row}.user_id"
    find = f"FROM {owner} WHERE {owner}.id = {row}.reflection_id"
    return f"context_id = (SELECT context_id {find}) AND user_id = (SELECT user_id {find})"


def sqlite_triggers() -> list[str]:
    """One trigger per table and write (SQLite has no shared trigger functions). Stored times are
    ISO text there, so max() of text compares them, '' standing for NULL."""
    statements = []
    for table, times, owner in SOURCES:
        moment = (
            f"NEW.{times[0]}"
            if len(times) == 1
            else f"max({', '.join(f'coalesce(NEW.{t}, {chr(39) * 2})' for t in times)})"
        )
        for write in ("INSERT", f"UPDATE OF {', '.join(times)}"):
            name = f"{table}_activity_{write.split()[0].lower()}"
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {write} ON {table} BEGIN "  # noqa: S608
                f"UPDATE lti_membership SET activity_at = {moment} "
                f"WHERE {_where(owner, 'NEW')} "
                f"AND (activity_at IS NULL OR activity_at < {moment}); END"
            )
    return statements


def postgresql_triggers() -> list[str]:
    """A trigger function per table, and its trigger on insert or on an update of its times."""
    statements = []
    for table, times, owner in SOURCES:
        moment = f"GREATEST({', '.join(f'NEW.{t}' for t in times)})"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {table}_activity() RETURNS trigger LANGUAGE plpgsql "  # noqa: S608 - constants
            "AS $$ "
            f"BEGIN UPDATE lti_membership SET activity_at = {moment} "
            f"WHERE {_where(owner, 'NEW')} "
            f"AND (activity_at IS NULL OR activity_at < {moment}); RETURN NULL; END $$"
        )
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_activity AFTER INSERT OR UPDATE OF {', '.join(times)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_activity()"
        )
    return statements


def _create_triggers(_metadata: Any, connection: Any, **_kw: Any) -> None:
    """After `create_all` (tests, the development server's first run, the benchmarks), which
    also runs on a database that has its tables already: hence IF NOT EXISTS / OR REPLACE."""
    dialect = connection.dialect.name
    statements = {"sqlite": sqlite_triggers, "postgresql": postgresql_triggers}.get(dialect)
    for statement in statements() if statements else ():
        connection.execute(DDL(statement))


event.listen(db.metadata, "after_create", _create_triggers)
