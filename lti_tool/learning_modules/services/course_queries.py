"""What progress at a glance reads from the mini-modules' tables, one statement each, whatever the
size of the course: progress rows, each learner's latest activity, and when each prompt's latest
version got feedback. The caller says whose rows it may read (`users`, a filter on a user-id
column), so another course's or another person's rows are never read. Read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    SQLColumnExpression,
    and_,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import Session

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


def latest_activity(session: Session, course: int, users: UserFilter) -> dict[int, datetime]:
    """Each learner's latest progress, draft or submission in any module of the course."""
    latest = union_all(
        select(
            ModuleProgress.user_id.label("user_id"), ModuleProgress.updated_at.label("at")
        ).where(ModuleProgress.context_id == course, users(ModuleProgress.user_id)),
        select(Reflection.user_id, Reflection.updated_at).where(
            Reflection.context_id == course, users(Reflection.user_id)
        ),
        select(Reflection.user_id, ReflectionVersion.submitted_at)
        .join(Reflection, Reflection.id == ReflectionVersion.reflection_id)
        .where(Reflection.context_id == course, users(Reflection.user_id)),
    ).subquery()
    rows = _rows(
        session, select(latest.c.user_id, func.max(latest.c.at)).group_by(latest.c.user_id)
    )
    return {user_id: _as_datetime(at) for user_id, at in rows if at is not None}


def _as_datetime(value: datetime | str) -> datetime:
    """SQLite hands back the text of a max() over a UNION; PostgreSQL a timestamp."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def latest_feedback(
    session: Session, course: int, slugs: Collection[str], users: UserFilter
) -> list[tuple[int, str, str, datetime | None]]:
    """(user, module, prompt, when the prompt's latest version got feedback or None), one row per
    prompt with a submitted version in the assigned modules: one aggregate query."""
    latest = (
        select(
            ReflectionVersion.reflection_id,
            func.max(ReflectionVersion.number).label("number"),
        )
        .join(Reflection, Reflection.id == ReflectionVersion.reflection_id)
        .where(
            Reflection.context_id == course,
            Reflection.module_slug.in_(sorted(slugs)),
            users(Reflection.user_id),
        )
        .group_by(ReflectionVersion.reflection_id)
        .subquery()
    )
    query = (
        select(
            Reflection.user_id,
            Reflection.module_slug,
            Reflection.prompt_id,
            func.max(Feedback.reviewed_at),
        )
        .join(latest, latest.c.reflection_id == Reflection.id)
        .join(
            ReflectionVersion,
            and_(
                ReflectionVersion.reflection_id == Reflection.id,
                ReflectionVersion.number == latest.c.number,
            ),
        )
        .outerjoin(Feedback, Feedback.reflection_version_id == ReflectionVersion.id)
        .where(Reflection.context_id == course)
        .group_by(Reflection.user_id, Reflection.module_slug, Reflection.prompt_id)
    )
    return [
        (user_id, slug, prompt_id, _as_datetime(at) if at else None)
        for user_id, slug, prompt_id, at in _rows(session, query)
    ]
