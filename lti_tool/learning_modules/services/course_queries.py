"""What progress at a glance reads from the mini-modules' tables, one statement each, whatever the
size of the course: progress rows and when each prompt's latest version got feedback. (Each
learner's latest activity is kept on their membership by triggers: `course_progress.models`.) The caller says whose rows it may read (`users`, a filter on a user-id
column), so another course's or another person's rows are never read. Read-only.

For the grid's filters, sorting and pages the database decides which learners a page shows, so
this module also builds SQL expressions *correlated to a user-id column* of the caller's query
(the course's memberships): whether a learner has progress in a module (started, completed,
reviewed), their state in it, and how many assigned modules they completed. Each is a
subquery on this course's rows for that one user, read through the tables' unique indexes
(user, course, module[, prompt]), so the cost per learner does not depend on the course's size.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Exists,
    Row,
    Select,
    SQLColumnExpression,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import GenericFunction

from lti_tool.learning_modules.models import Feedback, ModuleProgress, Reflection, ReflectionVersion

UserFilter = Callable[[SQLColumnExpression[int]], ColumnElement[bool]]

_Columns = TypeVarTuple("_Columns")


def _rows(session: Session, query: Select[*_Columns]) -> Sequence[Row[*_Columns]]:
    """Plain rows through the session's connection: these are columns, not entities, and the ORM's
    loading machinery costs more than the query itself on a course of thousands."""
    return session.connection().execute(query).all()


def progress_rows(
    session: Session, course: int, slugs: Collection[str], users: UserFilter
) -> Sequence[Row[int, str, datetime, datetime | None]]:
    """(user, module, updated_at, completed_at) for the modules `slugs`, for the users in scope."""
    return _rows(
        session,
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_slug,
            ModuleProgress.updated_at,
            ModuleProgress.completed_at,
        ).where(
            ModuleProgress.context_id == course,
            ModuleProgress.module_slug.in_(sorted(slugs)),
            users(ModuleProgress.user_id),
        ),
    )


def _as_datetime(value: datetime | str) -> datetime:
    """SQLite hands back the text of a max() over a UNION; PostgreSQL a timestamp."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def latest_feedback(
    session: Session, course: int, slugs: Collection[str], users: UserFilter
) -> list[tuple[int, str, str, datetime | None]]:
    """(user, module, prompt, when the prompt's latest version got feedback or None), one row per
    prompt with a submitted version in the assigned modules: one query.

    Each reflection finds its latest version and that version's feedback through the indexes on
    (reflection, number) and on the feedback's version, correlated to the reflection: joined as
    sets instead, PostgreSQL read every version of the database to serve a page of 50."""
    other = aliased(ReflectionVersion)
    newest = (
        select(func.max(other.number))
        .where(other.reflection_id == Reflection.id)
        .correlate(Reflection)  # two levels up: auto-correlation looks one level only
        .scalar_subquery()
    )
    reviewed_at = (
        select(func.max(Feedback.reviewed_at))
        .join(ReflectionVersion, ReflectionVersion.id == Feedback.reflection_version_id)
        .where(ReflectionVersion.reflection_id == Reflection.id, ReflectionVersion.number == newest)
        .scalar_subquery()
    )
    query = select(
        Reflection.user_id, Reflection.module_slug, Reflection.prompt_id, reviewed_at
    ).where(
        Reflection.context_id == course,
        Reflection.module_slug.in_(sorted(slugs)),
        users(Reflection.user_id),
        newest.is_not(None),  # a version was submitted (as a subquery: EXISTS got a hash join)
    )
    return [
        (user_id, slug, prompt_id, _as_datetime(at) if at else None)
        for user_id, slug, prompt_id, at in _rows(session, query)
    ]


# -- expressions for the grid's filters, sorting and pages ---------------------------------------


class latest(GenericFunction[datetime]):  # noqa: N801 - a SQL function's name
    """The latest of several times, ignoring NULLs (NULL when all are): GREATEST on PostgreSQL.
    SQLite's many-argument max() returns NULL as soon as one argument is NULL, so there each
    argument is coalesced to '' (stored times are ISO text, which sorts after '') and '' back to
    NULL."""

    type = DateTime()
    inherit_cache = True


@compiles(latest)
def _latest_greatest(element: latest, compiler: SQLCompiler, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(latest, "sqlite")
def _latest_sqlite(element: latest, compiler: SQLCompiler, **kw: Any) -> str:
    parts = [f"coalesce({compiler.process(c, **kw)}, '')" for c in element.clauses]
    return f"nullif(max({', '.join(parts)}), '')"


def _progress(course: int, slug: str, user: SQLColumnExpression[int]) -> Any:
    """This user's progress row in one module of the course (an alias, for a correlated EXISTS)."""
    progress = aliased(ModuleProgress)
    where = and_(
        progress.user_id == user,
        progress.context_id == course,
        progress.module_slug == slug,
    )
    return progress, where


def reviewed(
    course: int, slug: str, prompt_ids: Collection[str], user: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    """The latest version of every prompt of the module has feedback (no prompts: never), the
    rule of `domain.feedback.is_reviewed` and of the grid's `all_prompts_reviewed`."""
    prompts = sorted(set(prompt_ids))
    if not prompts:
        return false()
    reflection = aliased(Reflection)
    version = aliased(ReflectionVersion)
    newest = (
        select(func.max(ReflectionVersion.number))
        .where(ReflectionVersion.reflection_id == reflection.id)
        .correlate(reflection)  # two levels up: auto-correlation looks one level only
        .scalar_subquery()
    )
    has_feedback = exists().where(
        version.reflection_id == reflection.id,
        version.number == newest,
        Feedback.reflection_version_id == version.id,
    )
    reviewed_prompts = (
        select(func.count(reflection.id))
        .where(
            reflection.user_id == user,
            reflection.context_id == course,
            reflection.module_slug == slug,
            reflection.prompt_id.in_(prompts),
            has_feedback,
        )
        .scalar_subquery()
    )
    return reviewed_prompts == len(prompts)


def has_progress(
    course: int,
    slug: str,
    user: SQLColumnExpression[int],
    *,
    completed: bool | None = None,
    reviewed_prompts: Collection[str] | None = None,
    is_reviewed: bool = True,
) -> Exists:
    """EXISTS a progress row of `user` in the module; `completed` True/False narrows it to a
    completed one or one in progress; `reviewed_prompts` (the module's prompts) further to one
    whose reviews are complete (`is_reviewed`) or not."""
    progress, where = _progress(course, slug, user)
    conditions: list[ColumnElement[bool]] = [where]
    if completed is not None:
        conditions.append(
            progress.completed_at.is_not(None) if completed else progress.completed_at.is_(None)
        )
    if reviewed_prompts is not None:
        rule = reviewed(course, slug, reviewed_prompts, progress.user_id)
        conditions.append(rule if is_reviewed else ~rule)
    return exists().where(*conditions)


def progress_state(
    course: int,
    slug: str,
    prompt_ids: Collection[str],
    user: SQLColumnExpression[int],
    words: tuple[str, str, str, str],
) -> ColumnElement[str]:
    """One word per learner for the module: `words` are (not started, in progress, submitted,
    reviewed), the caller's names for the four states."""
    not_started, in_progress, submitted, is_reviewed = words
    progress, where = _progress(course, slug, user)
    state = (
        select(
            case(
                (progress.completed_at.is_(None), literal(in_progress)),
                (reviewed(course, slug, prompt_ids, progress.user_id), literal(is_reviewed)),
                else_=literal(submitted),
            )
        )
        .where(where)
        .scalar_subquery()
    )
    return func.coalesce(state, literal(not_started))


def completed_count(
    course: int, slugs: Collection[str], user: SQLColumnExpression[int]
) -> ColumnElement[int]:
    """How many of the modules `slugs` the user completed (reviewed ones included)."""
    if not slugs:
        return literal(0)
    return (
        select(func.count(ModuleProgress.id))
        .where(
            ModuleProgress.user_id == user,
            ModuleProgress.context_id == course,
            ModuleProgress.module_slug.in_(sorted(slugs)),
            ModuleProgress.completed_at.is_not(None),
        )
        .scalar_subquery()
    )
